// The reviewer's overrides that assessPatient passes on: diameters for a target lesion (used by the
// response engine instead of recap's measurement, which is kept for the record) and a given spleen
// length. A baseline-only scene keeps the test short (no alignment).
#include <gtest/gtest.h>

#include "lesion_scene.h"
#include "recap/assess/assess.h"
#include "recap/core/error.h"

namespace recap::assess {
namespace {

using phantom::Vec3;

struct Baseline {
  testing::Scene scene;
  PatientInput input;
};

Baseline baseline() {
  const auto l = testing::makeLesion("L1", phantom::LesionKind::Nodal, Vec3{-40, -40, -120}, 0, {{30, 20, 20, 8}});
  testing::SceneGrids g;
  g.noise = false;
  Baseline b{testing::renderScene({l}, {}, 0, {}, l.centre_mm, g), {}};
  const auto& t = b.scene.lesion("L1");
  b.input.patient_id = "P";
  b.input.targets.push_back({"L1", response::LesionKind::Nodal, {t.centre_mm[0], t.centre_mm[1], t.centre_mm[2]}});
  TimepointInput tp;
  tp.label = "baseline";
  tp.ct = b.scene.ct.GetPointer();
  tp.pet = b.scene.pet.GetPointer();
  b.input.timepoints.push_back(tp);
  return b;
}

TEST(Overrides, ReviewerDiametersAndSpleenLengthReachTheResponseEngine) {
  Baseline b = baseline();
  const Assessment plain = assessPatient(b.input, response::lugano2014Profile());
  ASSERT_EQ(plain.result.timepoints.size(), 1u);
  EXPECT_FALSE(plain.result.timepoints[0].ct.lesions.at(0).overridden);
  EXPECT_NEAR(plain.result.timepoints[0].ct.spd_mm2, 600, 60);  // recap's own measurement of 30 x 20

  b.input.timepoints[0].reviewer_diameters["L1"] = {25.0, 12.0};
  b.input.timepoints[0].reference_overrides.spleen_length_mm = 118.0;
  const Assessment a = assessPatient(b.input, response::lugano2014Profile());
  const auto& lesion = a.result.timepoints[0].ct.lesions.at(0);
  EXPECT_TRUE(lesion.overridden);
  EXPECT_DOUBLE_EQ(lesion.ldi_mm, 25.0);
  EXPECT_DOUBLE_EQ(lesion.sdi_mm, 12.0);
  EXPECT_DOUBLE_EQ(a.result.timepoints[0].ct.spd_mm2, 300.0);
  EXPECT_EQ(a.result.timepoints[0].ct.spleen_length_mm, 118.0);
  EXPECT_EQ(a.timepoints[0].references.spleen.source, reference::kSourceGiven);
  // recap's measurement is kept beside the override.
  EXPECT_NEAR(a.timepoints[0].lesions.at(0).measurement.ldi_mm, 30, 1.5);
}

TEST(Overrides, DiametersForALesionThatIsNoTargetAreRefused) {
  Baseline b = baseline();
  b.input.timepoints[0].reviewer_diameters["L9"] = {25.0, 12.0};
  try {
    assessPatient(b.input, response::lugano2014Profile());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_EQ(e.file(), "baseline");
    EXPECT_NE(e.reason().find("L9"), std::string::npos) << e.reason();
  }
}

}  // namespace
}  // namespace recap::assess
