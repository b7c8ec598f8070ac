// The engine's numbers (SPD, changes, nadirs, defaults kept apart from real values), the exact
// format of a reason, and the refusal of inconsistent cases.
#include <gtest/gtest.h>

#include <string>

#include "case_builder.h"
#include "recap/core/error.h"
#include "recap/response/response.h"

namespace recap::response {
namespace {

using test::CaseBuilder;
using test::petReading;

TEST(Engine, BaselineHasNumbersButNoCategory) {
  const PatientResult r =
      assess(CaseBuilder().node("L1").extranodal("E1").tp("").m("L1", 30, 20).m("E1", 12, 10).tp("").m("L1", 20, 15).m("E1", 6, 5),
             lugano2014Profile());
  ASSERT_EQ(r.timepoints.size(), 2u);
  EXPECT_EQ(r.timepoints[0].label, "baseline");
  EXPECT_EQ(r.timepoints[1].label, "fu1");
  const CtResult& base = r.timepoints[0].ct;
  EXPECT_FALSE(base.category.has_value());
  EXPECT_DOUBLE_EQ(base.spd_mm2, 600 + 120);
  EXPECT_FALSE(base.spd_change_from_baseline_pct.has_value());
  EXPECT_FALSE(base.lesions[0].nadir.has_value());
  // LDi 12 mm is measurable for an extranodal lesion (> 10 mm): no note. 30 mm node: none either.
  for (const auto& n : base.notes) EXPECT_NE(n.rule, "note.baseline.not_measurable") << n.text;
  EXPECT_DOUBLE_EQ(r.timepoints[1].ct.spd_mm2, 300 + 30);
  EXPECT_NEAR(*r.timepoints[1].ct.spd_change_from_baseline_pct, (330.0 - 720) / 720 * 100, 1e-9);
}

TEST(Engine, BaselineLesionTooSmallToBeATargetIsNoted) {
  const PatientResult r = assess(CaseBuilder().node("L1").tp("baseline").m("L1", 15, 12), lugano2014Profile());
  const auto& notes = r.timepoints[0].ct.notes;
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].rule, "note.baseline.not_measurable");
  EXPECT_EQ(notes[0].subject, "L1");
  EXPECT_EQ(notes[0].text, "L1: baseline LDi 15 mm is not > 15 mm: not measurable as a target node (kept as given)");
}

TEST(Engine, TooSmallDefaultAndRealMeasurementAreKeptApart) {
  const PatientResult r = assess(CaseBuilder()
                                     .node("L1").node("L2")
                                     .tp("baseline").m("L1", 30, 20).m("L2", 25, 20)
                                     .tp("fu1").tooSmall("L1").m("L2", 12, 10)
                                     .tp("fu2").m("L1", 8, 6).m("L2", 12, 10)
                                     .tp("fu3").m("L1", 4, 3).m("L2", 12, 10),
                                 lugano2014Profile());
  // fu1: the default 5 x 5 enters the SPD, flagged.
  const LesionResult& l1_fu1 = r.timepoints[1].ct.lesions[0];
  EXPECT_TRUE(l1_fu1.is_default);
  EXPECT_EQ(l1_fu1.state, MeasurementState::TooSmall);
  EXPECT_DOUBLE_EQ(l1_fu1.ppd_mm2, 25);
  EXPECT_DOUBLE_EQ(r.timepoints[1].ct.spd_mm2, 25 + 120);
  // fu2: measurable again: its real 8 x 6 is used, and its nadir is the fu1 default.
  const LesionResult& l1_fu2 = r.timepoints[2].ct.lesions[0];
  EXPECT_FALSE(l1_fu2.is_default);
  EXPECT_DOUBLE_EQ(l1_fu2.ppd_mm2, 48);
  EXPECT_DOUBLE_EQ(r.timepoints[2].ct.spd_mm2, 48 + 120);
  ASSERT_TRUE(l1_fu2.nadir.has_value());
  EXPECT_EQ(l1_fu2.nadir->label, "fu1");
  EXPECT_TRUE(l1_fu2.nadir->is_default);
  EXPECT_DOUBLE_EQ(l1_fu2.nadir->ppd_mm2, 25);
  // fu3: a real 4 x 3 (12 mm², below the default) is used as measured: not carried at 25.
  const LesionResult& l1_fu3 = r.timepoints[3].ct.lesions[0];
  EXPECT_DOUBLE_EQ(l1_fu3.ppd_mm2, 12);
  EXPECT_EQ(l1_fu3.nadir->label, "fu1");
  EXPECT_DOUBLE_EQ(r.timepoints[3].ct.spd_mm2, 12 + 120);
}

TEST(Engine, NadirTieGoesToTheRealMeasurement) {
  // 5 x 5 measured at fu2 ties the fu1 default (25 mm²): the real one is the nadir.
  const PatientResult r = assess(CaseBuilder()
                                     .node("L1")
                                     .tp("baseline").m("L1", 30, 20)
                                     .tp("fu1").tooSmall("L1")
                                     .tp("fu2").m("L1", 5, 5)
                                     .tp("fu3").m("L1", 10, 8),
                                 lugano2014Profile());
  const LesionResult& l1 = r.timepoints[3].ct.lesions[0];
  EXPECT_EQ(l1.nadir->label, "fu2");
  EXPECT_FALSE(l1.nadir->is_default);
}

TEST(Engine, SpdNadirAndChanges) {
  const PatientResult r = assess(CaseBuilder()
                                     .node("L1").node("L2")
                                     .tp("baseline").m("L1", 30, 20).m("L2", 40, 30)
                                     .tp("fu1").m("L1", 20, 15).m("L2", 30, 20)
                                     .tp("fu2").m("L1", 22, 16).m("L2", 30, 22),
                                 lugano2014Profile());
  const CtResult& fu2 = r.timepoints[2].ct;
  EXPECT_DOUBLE_EQ(fu2.spd_mm2, 352 + 660);
  EXPECT_DOUBLE_EQ(*fu2.spd_nadir_mm2, 900);
  EXPECT_EQ(fu2.spd_nadir_label, "fu1");
  EXPECT_NEAR(*fu2.spd_change_from_nadir_pct, (1012.0 - 900) / 900 * 100, 1e-9);
  EXPECT_NEAR(*fu2.spd_change_from_baseline_pct, (1012.0 - 1800) / 1800 * 100, 1e-9);
  EXPECT_NEAR(*fu2.lesions[0].ppd_change_from_nadir_pct, (352.0 - 300) / 300 * 100, 1e-9);
  // The fu1 SPD nadir is the baseline.
  EXPECT_EQ(r.timepoints[1].ct.spd_nadir_label, "baseline");
}

TEST(Engine, ReasonTextFormat) {
  // The example of the issue, with a nadir LDi > 20 mm: 37 x 8 = 296 (fu1), 49 x 15.6 = 764.4.
  const PatientResult r = assess(CaseBuilder()
                                     .node("L1")
                                     .tp("baseline").m("L1", 50, 30)
                                     .tp("fu1").m("L1", 37, 8)
                                     .tp("fu2").m("L1", 49, 15.6),
                                 lugano2014Profile());
  const CtResult& fu2 = r.timepoints[2].ct;
  ASSERT_EQ(fu2.category, CtCategory::PD);
  ASSERT_EQ(fu2.reasons.size(), 1u);
  EXPECT_EQ(fu2.reasons[0].rule, "pd.lesion");
  EXPECT_EQ(fu2.reasons[0].subject, "L1");
  EXPECT_EQ(fu2.reasons[0].text,
            "L1: LDi 49 mm > 15 mm, PPD 764.4 mm² is +158.2 % from nadir 296 mm² (fu1) (≥ +50 %), "
            "LDi +12 mm ≥ 10 mm (nadir LDi 37 mm > 20 mm) → PD");
  EXPECT_TRUE(fu2.lesions[0].progressed);
}

TEST(Engine, PerLesionSuvChangeAndPetAtEveryTimepoint) {
  const PatientResult r = assess(CaseBuilder()
                                     .node("L1")
                                     .tp("baseline").m("L1", 30, 20).suvMax("L1", 12).pet(petReading(12, 9))
                                     .tp("fu1").m("L1", 20, 15).suvMax("L1", 3).pet(petReading(3, 2.4)),
                                 lugano2014Profile());
  EXPECT_NEAR(*r.timepoints[1].ct.lesions[0].suv_max_change_from_baseline_pct, -75, 1e-9);
  ASSERT_TRUE(r.timepoints[0].pet.has_value());
  EXPECT_EQ(r.timepoints[0].pet->deauville, 5);  // 12 > 2 x 3
  EXPECT_EQ(r.timepoints[1].pet->deauville, 4);  // 3 > liver mean 2, not > 6
  EXPECT_NEAR(*r.timepoints[1].pet->qpet, 1.2, 1e-12);
  EXPECT_EQ(r.timepoints[1].pet->qpet_category, QpetCategory::Ds3);
  EXPECT_EQ(r.timepoints[1].pet->metabolic, MetabolicCategory::PMR);
  EXPECT_NEAR(*r.timepoints[1].pet->uptake_change_pct, -75, 1e-9);
}

TEST(Engine, NoPetMeansNoPetResult) {
  const PatientResult r = assess(CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20), lugano2014Profile());
  EXPECT_FALSE(r.timepoints[0].pet.has_value());
}

TEST(Engine, PatientNotesStateWhatIsNotAssessed) {
  CriteriaProfile p = lugano2014Profile();
  p.lyric.enabled = true;
  const PatientResult r = assess(CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20), p);
  bool scope = false, lyric = false;
  for (const auto& n : r.notes) {
    scope |= n.rule == "note.scope" && n.text.find("bone marrow") != std::string::npos;
    lyric |= n.rule == "note.lyric.enabled";
  }
  EXPECT_TRUE(scope);
  EXPECT_TRUE(lyric);
}

// ------------------------------------------------------------------------------------------------
// Inconsistent cases are refused with Error(CaseFile), naming the case source and the place.

struct BadCase {
  std::string name;
  PatientCase patient;
  std::string reason_fragment;
};
std::ostream& operator<<(std::ostream& os, const BadCase& b) { return os << b.name; }

PatientCase sevenTargets() {
  CaseBuilder b;
  for (int i = 1; i <= 7; ++i) b.node("L" + std::to_string(i));
  b.tp("baseline");
  for (int i = 1; i <= 7; ++i) b.m("L" + std::to_string(i), 30, 20);
  return b;
}

PatientCase measuredWithoutDiameters() {
  PatientCase c = CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 20, 15);
  c.timepoints[1].targets[0].measured.reset();
  return c;
}

PatientCase tooSmallWithDiameters() {
  PatientCase c = CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").tooSmall("L1");
  c.timepoints[1].targets[0].measured = Diameters{4, 3};
  return c;
}

std::vector<BadCase> badCases() {
  return {
      {"no_timepoints", CaseBuilder().node("L1"), "timepoints: a case needs at least the baseline"},
      {"too_many_targets", sevenTargets(), "7 target lesions; the profile allows up to 6"},
      {"duplicate_target", CaseBuilder().node("L1").node("L1").tp("baseline").m("L1", 30, 20),
       "duplicate target lesion id 'L1'"},
      {"missing_measurement", CaseBuilder().node("L1").node("L2").tp("baseline").m("L1", 30, 20).m("L2", 30, 20)
                                  .tp("fu1").m("L1", 20, 15),
       "timepoints[1] (fu1): no measurement for target lesion 'L2'"},
      {"unknown_lesion", CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).m("L9", 10, 5),
       "targets[L9]: not a target lesion"},
      {"measured_twice", CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).m("L1", 30, 20), "measured twice"},
      {"measured_without_diameters", measuredWithoutDiameters(), "state measured but no LDi/SDi given"},
      {"too_small_with_diameters", tooSmallWithDiameters(), "state too_small but LDi/SDi given"},
      {"sdi_above_ldi", CaseBuilder().node("L1").tp("baseline").m("L1", 20, 30), "SDi 30 mm exceeds LDi 20 mm"},
      {"zero_diameter", CaseBuilder().node("L1").tp("baseline").m("L1", 0, 0), "must be positive"},
      {"baseline_not_measured", CaseBuilder().node("L1").tp("baseline").tooSmall("L1"),
       "a target lesion must be measured at baseline"},
      {"duplicate_label", CaseBuilder().node("L1").tp("x").m("L1", 30, 20).tp("x").m("L1", 30, 20),
       "duplicate timepoint label 'x'"},
      {"new_lesion_at_baseline", CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).newNode("N1", 20, 10),
       "new lesions cannot be listed at baseline"},
      {"new_lesion_with_target_id", CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 20, 10)
                                        .newNode("L1", 20, 10),
       "the id is a target lesion's"},
      {"days_out_of_order", CaseBuilder().node("L1").tp("baseline").day(0).m("L1", 30, 20).tp("fu1").day(90)
                                .m("L1", 30, 20).tp("fu2").day(60).m("L1", 30, 20),
       "timepoints must be in time order"},
      {"negative_spleen", CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).spleen(-1), "spleen_length_mm"},
      {"zero_liver_suv", CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).pet(petReading(3, 2, 0)),
       "pet.liver_suv_mean: must be a positive number"},
  };
}

class BadCaseTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadCaseTest, RefusedWithCaseFileError) {
  const BadCase& b = GetParam();
  try {
    assess(b.patient, lugano2014Profile());
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_EQ(e.file(), "test-case");
    EXPECT_NE(e.reason().find(b.reason_fragment), std::string::npos) << e.reason();
  }
}

INSTANTIATE_TEST_SUITE_P(Refused, BadCaseTest, ::testing::ValuesIn(badCases()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

}  // namespace
}  // namespace recap::response
