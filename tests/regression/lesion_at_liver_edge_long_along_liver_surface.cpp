// Regression: a hypodense lesion (35 HU) at the liver's edge, half against the liver (60 HU) and
// half against fat, measured 0.7 to 1.4 mm long over seven noise draws, on two of them over the
// 1.2 mm target (the measurement scene liver_edge, noise seeds 2 and 6: LDi +1.42 and +1.34 mm).
// Where the liver's surface meets the lesion, the partial-volume voxels between fat and liver pass
// through the lesion's HU; the outline followed the surface for a voxel or two beyond the lesion at
// both ends of its long axis. Around a hypodense lesion, such voxels (fat on one side, tissue
// denser than the lesion on the other, within two voxels) are now not lesion: the CT gives them
// fraction 0 with its full say (segmentation::detail::junctionsInPlane).
#include <gtest/gtest.h>

#include <algorithm>

#include "lesion_scene.h"
#include "recap/measurement/measure.h"

namespace recap {
namespace {

class LesionAtLiverEdge : public ::testing::TestWithParam<uint64_t> {};

TEST_P(LesionAtLiverEdge, IsNotLongerByTheLiversSurface) {
  phantom::Lesion lesion = testing::makeLesion("L1", phantom::LesionKind::Extranodal, phantom::Vec3{-125, 10, -60}, 110,
                                               {{24, 18, 18, 8}}, 35);
  const testing::Scene s = testing::renderScene({lesion}, {}, 0, {}, lesion.centre_mm, testing::SceneGrids{}, GetParam());
  const phantom::LesionTruth& t = s.lesion("L1");
  ASSERT_TRUE(t.present);
  const auto seg = segmentation::segmentLesion(*s.ct, s.pet.GetPointer(), {t.centre_mm[0], t.centre_mm[1], t.centre_mm[2]});
  ASSERT_TRUE(seg.found) << seg.reason;
  const auto m = measurement::measureLesion(seg, s.pet.GetPointer());
  const double tol_l = std::max(1.0, 0.05 * t.ldi_mm), tol_s = std::max(1.0, 0.05 * t.sdi_mm);
  EXPECT_NEAR(m.ldi_mm, t.ldi_mm, tol_l) << seg.reason;
  EXPECT_NEAR(m.sdi_mm, t.sdi_mm, tol_s) << seg.reason;
}

INSTANTIATE_TEST_SUITE_P(NoiseDraws, LesionAtLiverEdge, ::testing::Values(uint64_t(2), uint64_t(6)));

}  // namespace
}  // namespace recap
