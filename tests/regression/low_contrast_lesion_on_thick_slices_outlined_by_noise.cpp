// Regression: the 20 x 16 x 16 mm lesion 25 HU below the liver of preset cr (baseline L3; CT pixels
// of 0.98 mm, slices of 5 mm) missed the diameter target on three noise draws of 48: SDi -1.10 mm
// on draw 15, LDi +1.38 mm on draw 30 and -1.09 mm on draw 39 (limits 1.00). At that contrast the
// CT's noise shapes the outline, and the averaging along the lesion's shape over the slices above
// and below (low_contrast_outline_dented_by_ct_noise.cpp) had nothing to average: 5 mm from its
// widest slice the lesion's section is 0.78 of it, not the same shape. Its spread over draws 0-47
// was 0.43 mm (LDi) and 0.35 mm (SDi). Found by the preset benchmark over draws 0-23 (draw 15) and
// held-out draws 24-47. The outline of such a slice is now fitted to the raw CT's pixels as a whole
// (an ellipse unless the pixels ask for more), and scaled from the slab's half-way level to the
// section through the slice's centre (segmentation::detail::fitOutlineToPixels, slabScale):
// -0.57, +0.27 and -0.32 mm on those draws; spread over draws 0-47 0.24 and 0.26 mm.
#include <gtest/gtest.h>

#include "one_preset_lesion.h"

namespace recap {
namespace {

// The three draws the code before missed on.
class LowContrastLesionOnThickSlices : public ::testing::TestWithParam<unsigned> {};

TEST_P(LowContrastLesionOnThickSlices, CrBaselineL3IsWithinTarget) {
  EXPECT_TRUE(test::presetLesionWithinTarget("cr", "L3", "baseline", GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Draws, LowContrastLesionOnThickSlices, ::testing::Values(15u, 30u, 39u));

}  // namespace
}  // namespace recap
