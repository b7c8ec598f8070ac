// Regression: lesions 25 HU below the liver on 3 mm slices, whose CT on the edge is averaged with
// the slices above and below (segmentation::detail::poolAlongShape), missed the diameter target on
// five of 288 noise draws: preset sample baseline L3 (lobulated, 25.6 x 18.95 mm) on draws 29, 39,
// 43 and 67 (LDi -1.42, -1.02, -1.37, -0.98; SDi -0.48, -1.03, -0.44, -1.27 mm; limits 1.28 and
// 1.00), and vanished baseline L2 (an ellipsoid, 24 x 20 mm) on draw 62 (SDi +1.05 mm). Their
// outline was the averaged, smoothed CT's iso-contour: the smoothing (sigma 1 mm) shrank the lobes'
// tips (sample L3 noise-free: LDi -0.41, SDi -0.53 mm) and the longest chord rode the outline's
// noise outwards (vanished L2: SDi +0.12 mm on average over the draws, -0.11 without noise).
// fitToPixels now fits the outline of each slice that averaged its neighbours to the raw CT
// averaged the same way, each neighbour scaled by the areas of outlines fitted to each slice's own
// raw pixels (Delineation::pooledRawForFit): sample L3 noise-free -0.22 / -0.33 mm, and over draws
// 0-71 the four averaged lesions of the presets miss once (sample L3 draw 24, SDi -1.10) where
// they missed five times. The five draws now: sample L3 LDi -1.08, -0.94, -1.18, -0.12 and SDi
// -0.81, -0.98, -0.53, -0.54 mm; vanished L2 SDi +0.996 mm. Two pass narrowly (draw 39's SDi by
// 0.02 mm, draw 62's by 0.004): the spread over draws is about 0.4 mm (L3) and 0.27 mm (L2).
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "one_preset_lesion.h"
#include "one_scene_lesion.h"

namespace recap {
namespace {

struct Draw {
  const char* preset;
  const char* lesion;
  unsigned draw;
};

void PrintTo(const Draw& d, std::ostream* os) { *os << d.preset << " baseline " << d.lesion << " on draw " << d.draw; }

class AveragedLowContrastLesion : public ::testing::TestWithParam<Draw> {};

TEST_P(AveragedLowContrastLesion, IsWithinTarget) {
  const Draw& d = GetParam();
  EXPECT_TRUE(test::presetLesionWithinTarget(d.preset, d.lesion, "baseline", d.draw));
}

INSTANTIATE_TEST_SUITE_P(Draws, AveragedLowContrastLesion,
                         ::testing::Values(Draw{"sample", "L3", 29}, Draw{"sample", "L3", 39}, Draw{"sample", "L3", 43},
                                           Draw{"sample", "L3", 67}, Draw{"vanished", "L2", 62}),
                         [](const ::testing::TestParamInfo<Draw>& info) {
                           return std::string(info.param.preset) + "_" + info.param.lesion + "_draw" +
                                  std::to_string(info.param.draw);
                         });

// The fit holds two levels, the lesion's and its background's. Beside a hypodense lesion at the
// liver's edge the band about it also holds fat: fitted there (before the slice was left to its
// iso-contour where the smoothed CT shows tissue beyond the lesion's level by half the contrast
// over 5 % of the region and its band, Delineation::holdsOtherTissue), the measurement scene
// liver_edge measured LDi +2.11 and +1.40 mm on noise seeds 5 and 13 (limit 1.20; +0.76 and +0.53
// unfitted, as now).
class LowContrastLesionBesideFat : public ::testing::TestWithParam<uint64_t> {};

TEST_P(LowContrastLesionBesideFat, IsNotFittedAcrossTheFat) {
  const phantom::Lesion lesion = testing::makeLesion("L1", phantom::LesionKind::Extranodal,
                                                     phantom::Vec3{-125, 10, -60}, 110, {{24, 18, 18, 8}}, 35);
  const testing::Scene s = testing::renderScene({lesion}, {}, 0, {}, lesion.centre_mm, testing::SceneGrids{}, GetParam());
  EXPECT_TRUE(test::sceneLesionWithinTarget(s, "L1"));
}

INSTANTIATE_TEST_SUITE_P(NoiseSeeds, LowContrastLesionBesideFat, ::testing::Values(uint64_t(5), uint64_t(13)));

}  // namespace
}  // namespace recap
