// Regression: a 4 mm node on 5 mm slices (preset too-small, fu1, L1) was measured 122 x 37 mm.
// Partial volume pulled the HU at its seed towards fat, and the tissue band taken around the seed
// (60 HU below it) reached into the fat around the node. The band now never goes below -30 HU.
#include <gtest/gtest.h>

#include <cmath>

#include "lesion_scene.h"
#include "phantom_image.h"
#include "recap/measurement/measure.h"
#include "recap/phantom/spec.h"

namespace recap {
namespace {

TEST(SmallNodeSeedPulledTowardsFat, IsTooSmallNotTheFatAroundIt) {
  const phantom::PhantomSpec spec = phantom::parseSpec(phantom::presetYaml("too-small"), "too-small");
  const size_t t = 1;
  const phantom::TimepointSpec& tp = spec.timepoints.at(t);
  const phantom::Lesion* node = nullptr;
  for (const auto& l : spec.lesions)
    if (l.id == "L1") node = &l;
  ASSERT_NE(node, nullptr);
  // The preset's own grids, cut to 90 mm of z around the node on the same slice lattice.
  const phantom::Vec3 c = testing::toScanner(tp.pose, node->centre_mm);
  const auto ct = testing::cutZ(tp.ct, c[2], 45);
  const auto pet = testing::cutZ(tp.pet, c[2], 45);
  phantom::RenderOptions ro;
  ro.seed = spec.seed + t;
  const phantom::Rendered r = phantom::render(spec.lesions, tp.physiology, int(t), tp.pose, ct, pet, ro);
  const phantom::LesionTruth* truth = nullptr;
  for (const auto& l : r.truth.lesions)
    if (l.id == "L1") truth = &l;
  ASSERT_NE(truth, nullptr);
  ASSERT_TRUE(truth->present);
  ASSERT_LT(truth->ldi_mm, 5.0);  // the preset still has a too-small node here
  const auto ct_image = testing::toImage(r.ct), pet_image = testing::toImage(r.pet);
  const auto seg = segmentation::segmentLesion(*ct_image, pet_image.GetPointer(),
                                               {truth->centre_mm[0], truth->centre_mm[1], truth->centre_mm[2]});
  const auto m = measurement::measureLesion(seg, pet_image.GetPointer());
  EXPECT_EQ(m.state, measurement::LesionState::TooSmall) << m.reason << "; " << seg.reason;
  EXPECT_LT(m.ldi_mm, 6.0);
  EXPECT_LT(seg.volume_ml, 0.5);
}

}  // namespace
}  // namespace recap
