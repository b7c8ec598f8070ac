// Regression: a hypodense lesion (35 HU) at the liver's edge, half against the liver (60 HU) and
// half against fat, measured 0.7 to 1.4 mm long over seven noise draws, on two of them over the
// 1.2 mm target (the measurement scene liver_edge, noise seeds 2 and 6: LDi +1.42 and +1.34 mm).
// Where the liver's surface meets the lesion, the partial-volume voxels between fat and liver pass
// through the lesion's HU; the outline followed the surface for a voxel or two beyond the lesion at
// both ends of its long axis. Around a hypodense lesion, such voxels (fat on one side, tissue
// denser than the lesion on the other, within two voxels) are now not lesion: the CT gives them
// fraction 0 with its full say (segmentation::detail::junctionsInPlane).
#include <gtest/gtest.h>

#include "one_scene_lesion.h"

namespace recap {
namespace {

class LesionAtLiverEdge : public ::testing::TestWithParam<uint64_t> {};

TEST_P(LesionAtLiverEdge, IsNotLongerByTheLiversSurface) {
  phantom::Lesion lesion = testing::makeLesion("L1", phantom::LesionKind::Extranodal, phantom::Vec3{-125, 10, -60}, 110,
                                               {{24, 18, 18, 8}}, 35);
  const testing::Scene s = testing::renderScene({lesion}, {}, 0, {}, lesion.centre_mm, testing::SceneGrids{}, GetParam());
  EXPECT_TRUE(test::sceneLesionWithinTarget(s, "L1"));
}

INSTANTIATE_TEST_SUITE_P(NoiseDraws, LesionAtLiverEdge, ::testing::Values(uint64_t(2), uint64_t(6)));

}  // namespace
}  // namespace recap
