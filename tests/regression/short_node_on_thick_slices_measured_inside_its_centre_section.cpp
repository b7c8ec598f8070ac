// Regression: the 18 x 13 x 13 mm node of preset too-small at fu1 (L2: in fat beside the aorta, on
// the psoas; CT pixels of 1.0 mm, slices of 5 mm) missed the diameter target on three of the held-out
// noise draws 24-47: LDi -1.54, -1.41 and -1.47 mm on draws 28, 38 and 46 (limit 1.00). Its LDi ran
// short on every draw (mean -0.80 mm over draws 0-47; -0.84 mm without noise). The node is 13 mm long
// in z: each voxel of its widest slice averages a 5 mm slab whose sections narrow towards the node's
// ends, so its edge on the image is a ramp 0.8 mm wide, not a step, and the iso-contour of the
// smoothed CT sat inside the section through the slice's centre (the truth) by 0.4 mm a side.
// Now such a slice's outline is fitted to the raw pixels and scaled from the slab's mean section to
// the centre's by the lesion's profile along z, an ellipsoid's fitted to its slices' partial-volume
// areas (segmentation::detail::slabProfileOf, Delineation::fitThickSlices).
#include <gtest/gtest.h>

#include "one_preset_lesion.h"

namespace recap {
namespace {

// The three draws the code before missed on.
class ShortNodeOnThickSlices : public ::testing::TestWithParam<unsigned> {};

TEST_P(ShortNodeOnThickSlices, TooSmallFu1L2IsWithinTarget) {
  EXPECT_TRUE(test::presetLesionWithinTarget("too-small", "L2", "fu1", GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Draws, ShortNodeOnThickSlices, ::testing::Values(28u, 38u, 46u));

}  // namespace
}  // namespace recap
