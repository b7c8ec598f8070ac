// Regression: lesions 25 HU below the liver (35 HU in 60 HU) missed the diameter target on one noise
// draw each: the measurement scene inside_liver (22 x 16 mm) on noise seed 5, LDi -1.16 mm (limit
// 1.10), and preset sample baseline L3 (a lobulated 26 x 19 mm lesion) on draw 2, SDi -1.04 mm
// (limit 1.00). At 25 HU of contrast the smoothed CT's 3 HU of noise moves the outline 0.35 mm
// from point to point, and on those draws by 0.5-1 mm over the arc at one tip. The slices above and
// below the measured one carry independent noise and, near a lesion's widest slice, nearly the same
// outline scaled: on a lesion of low contrast the CT on the edge is now averaged with theirs, mapped
// along the lesion's shape (segmentation::detail::poolAlongShape), and the CT's say follows the
// contrast-to-noise that gives (inside_liver seed 5: -0.88 mm; sample L3 draw 2: -0.74 mm).
#include <gtest/gtest.h>

#include "one_preset_lesion.h"
#include "one_scene_lesion.h"

namespace recap {
namespace {

TEST(LowContrastOutline, LesionInsideTheLiverOnNoiseSeed5) {
  const phantom::Lesion lesion = testing::makeLesion("L1", phantom::LesionKind::Extranodal,
                                                     phantom::Vec3{-90, 10, -60}, 20, {{22, 16, 16, 7}}, 35);
  const testing::Scene s = testing::renderScene({lesion}, {}, 0, {}, lesion.centre_mm, testing::SceneGrids{}, 5);
  EXPECT_TRUE(test::sceneLesionWithinTarget(s, "L1"));
}

TEST(LowContrastOutline, SampleBaselineL3OnDraw2) {
  EXPECT_TRUE(test::presetLesionWithinTarget("sample", "L3", "baseline", 2));
}

}  // namespace
}  // namespace recap
