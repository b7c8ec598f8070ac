// Regression: a lobulated lesion 25 HU below the liver on 5 mm slices (the measurement scene
// liver_lobulated_5mm, 24 x 18 x 18 mm with two lobes) measured short on noise seeds 4, 33 and 59:
// SDi -1.22 mm (limit 1.00), LDi -1.45 and -1.55 mm (limit 1.28). Two causes.
// - Seeds 33 and 59: the CT on its widest slice was averaged with the slices 5 mm above and below
//   (segmentation::detail::poolAlongShape), which counts a neighbour whose section is 0.85 of the
//   slice's scale or more. Their true sections are 0.81 and 0.83 of it, but the sections were
//   measured by counting the delineated region's voxels, whose edge at this contrast is the noise's,
//   and came out at 0.85-0.87. The lobes end at other heights than the body, so the neighbours,
//   scaled, lack the lobes' tips, and the averaged outline was dented there by over 2 mm. Each
//   slice's area is now read from the CT's partial volume (Delineation::partialVolumeAreas).
// - Seed 4: the outline a single slice's CT draws at this contrast sits 0.1-0.4 mm inside the
//   lesion all round, by a different amount on every draw. The lobulated lesion fails the ellipse's
//   test, and its slice now keeps its own shape, moved out by the distance its raw pixels show
//   (segmentation::detail::fitMeanRadiusToPixels) and scaled from the slab's half-way level.
// Now: seed 4 SDi -0.89; seed 33 LDi -0.89; seed 59 LDi -1.12 mm.
#include <gtest/gtest.h>

#include "one_scene_lesion.h"

namespace recap {
namespace {

class LobulatedLesionOnThickSlices : public ::testing::TestWithParam<uint64_t> {};

TEST_P(LobulatedLesionOnThickSlices, IsWithinTarget) {
  phantom::Lesion lesion = testing::makeLesion("L1", phantom::LesionKind::Extranodal, phantom::Vec3{-90, 10, -60}, 25,
                                               {{24, 18, 18, 7}}, 35);
  lesion.shape = phantom::LesionShape::Lobulated;
  testing::SceneGrids grids;
  grids.ct_pixel_mm = 0.98;
  grids.ct_slice_mm = 5;
  const testing::Scene s = testing::renderScene({lesion}, {}, 0, {}, lesion.centre_mm, grids, GetParam());
  EXPECT_TRUE(test::sceneLesionWithinTarget(s, "L1"));
}

INSTANTIATE_TEST_SUITE_P(NoiseSeeds, LobulatedLesionOnThickSlices,
                         ::testing::Values(uint64_t(4), uint64_t(33), uint64_t(59)));

}  // namespace
}  // namespace recap
