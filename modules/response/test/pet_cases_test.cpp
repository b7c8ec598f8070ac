// Worked cases of the PET reading: Deauville 5PS boundaries, qPET boundaries, and the Lugano
// metabolic response. The reference reading unless stated: liver SUVmean 2.0, liver SUVmax 3.0,
// blood pool SUVmean 1.5, so 2 x liver SUVmax = 6.0.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "case_builder.h"
#include "recap/response/response.h"

namespace recap::response {
namespace {

using test::CaseBuilder;
using test::petReading;

bool hasReason(const std::vector<Reason>& rs, const std::string& rule, const std::string& fragment) {
  for (const auto& r : rs)
    if (r.rule == rule && r.text.find(fragment) != std::string::npos) return true;
  return false;
}

std::string dump(const std::vector<Reason>& rs) {
  std::string s;
  for (const auto& r : rs) s += "\n    [" + r.rule + " | " + r.subject + "] " + r.text;
  return s.empty() ? "\n    (none)" : s;
}

// ------------------------------------------------------------------------------------------------
// Deauville 5PS

struct DeauvilleCase {
  std::string name;
  PetReading pet;
  std::vector<NewLesion> new_lesions;
  std::optional<int> expected;  // empty: not scorable
  std::string rule;
  std::string fragment;
  CriteriaProfile profile = lugano2014Profile();
};
std::ostream& operator<<(std::ostream& os, const DeauvilleCase& c) { return os << c.name; }

PetReading withoutBloodPool(double hottest) {
  PetReading r = petReading(hottest, 0);
  r.blood_pool_suv_mean.reset();
  return r;
}

CriteriaProfile score5OnLiverMean() {
  CriteriaProfile p = lugano2014Profile();
  p.deauville.score5_liver = LiverStatistic::Mean;
  return p;
}

const NewLesion kNewAvid{"N1", LesionKind::Nodal, {12, 8}, true};
const NewLesion kNewNotAvid{"N1", LesionKind::Nodal, {12, 8}, false};

const std::vector<DeauvilleCase>& deauvilleCases() {
  static const std::vector<DeauvilleCase> table = {
      {"no_lesion_is_1", petReading(0, 0), {}, 1, "deauville.1", "no FDG-avid lesion recorded"},
      {"equal_to_blood_pool_is_2", petReading(1.5, 0), {}, 2, "deauville.2",
       "lesion SUVmax 1.5 ≤ blood-pool SUVmean 1.5 → 2"},
      {"just_above_blood_pool_is_3", petReading(1.51, 0), {}, 3, "deauville.3",
       "lesion SUVmax 1.51 > blood-pool SUVmean 1.5 and ≤ liver SUVmean 2 → 3"},
      {"equal_to_liver_is_3", petReading(2.0, 0), {}, 3, "deauville.3", "≤ liver SUVmean 2 → 3"},
      {"just_above_liver_is_4", petReading(2.01, 0), {}, 4, "deauville.4", "lesion SUVmax 2.01 > liver SUVmean 2"},
      {"equal_to_twice_liver_max_is_4", petReading(6.0, 0), {}, 4, "deauville.4",
       "not > 2 × liver SUVmax 3 = 6 → 4"},
      {"above_twice_liver_max_is_5", petReading(6.01, 0), {}, 5, "deauville.5",
       "lesion SUVmax 6.01 > 2 × liver SUVmax 3 = 6 → 5"},
      {"new_lesion_is_5", petReading(1.2, 0), {kNewAvid}, 5, "deauville.5.new_lesion", "new FDG-avid lesion N1 → 5"},
      {"new_lesion_without_uptake_does_not_score", petReading(1.2, 0), {kNewNotAvid}, 2, "deauville.2",
       "lesion SUVmax 1.2 ≤ blood-pool"},
      // BAR10: blood pool >= liver: compare with the liver only.
      {"blood_pool_above_liver_lesion_below_liver_is_2", petReading(1.9, 0, 2.0, 3.0, 2.2), {}, 2, "deauville.2",
       "the liver is the reference: lesion SUVmax 1.9 < liver → 2"},
      {"blood_pool_above_liver_lesion_equal_liver_is_3", petReading(2.0, 0, 2.0, 3.0, 2.2), {}, 3, "deauville.3",
       "lesion SUVmax 2 = liver → 3"},
      {"blood_pool_above_liver_lesion_above_liver_is_4", petReading(2.1, 0, 2.0, 3.0, 2.2), {}, 4, "deauville.4",
       "lesion SUVmax 2.1 > liver"},
      {"missing_blood_pool_is_not_scored", withoutBloodPool(1.8), {}, std::nullopt, "deauville.not_scored",
       "blood-pool SUVmean missing → not scored"},
      {"missing_blood_pool_still_scores_5", withoutBloodPool(7.0), {}, 5, "deauville.5", "> 2 × liver SUVmax 3 = 6"},
      {"profile_score5_on_liver_mean_equal_is_4", petReading(4.0, 0), {}, 4, "deauville.4",
       "not > 2 × liver SUVmean 2 = 4", score5OnLiverMean()},
      {"profile_score5_on_liver_mean_above_is_5", petReading(4.01, 0), {}, 5, "deauville.5",
       "> 2 × liver SUVmean 2 = 4 → 5", score5OnLiverMean()},
  };
  return table;
}

class DeauvilleCaseTest : public ::testing::TestWithParam<DeauvilleCase> {};

TEST_P(DeauvilleCaseTest, ScoreAndReason) {
  const DeauvilleCase& c = GetParam();
  const DeauvilleScore d = scoreDeauville(c.pet, c.new_lesions, c.profile);
  EXPECT_EQ(d.score, c.expected) << dump(d.reasons);
  EXPECT_TRUE(hasReason(d.reasons, c.rule, c.fragment))
      << "expected [" << c.rule << "] containing \"" << c.fragment << "\"; reasons:" << dump(d.reasons);
}

INSTANTIATE_TEST_SUITE_P(Deauville, DeauvilleCaseTest, ::testing::ValuesIn(deauvilleCases()),
                         [](const ::testing::TestParamInfo<DeauvilleCase>& info) { return info.param.name; });

// ------------------------------------------------------------------------------------------------
// qPET = SUVpeak / liver SUVmean; cutoffs 0.95 / 1.3 / 2.0, lower bound inclusive

struct QpetCase {
  std::string name;
  double peak;  // 0: missing
  std::optional<QpetCategory> expected;
  std::string rule;
  std::string fragment;
};
std::ostream& operator<<(std::ostream& os, const QpetCase& c) { return os << c.name; }

const std::vector<QpetCase>& qpetCases() {
  static const std::vector<QpetCase> table = {
      {"below_0_95_is_1_2", 1.89, QpetCategory::Ds1to2, "qpet.1-2", "= 0.945 (< 0.95) → DS 1-2"},
      {"at_0_95_is_3", 1.9, QpetCategory::Ds3, "qpet.3", "= 0.95 (≥ 0.95, < 1.3) → DS 3"},
      {"below_1_3_is_3", 2.59, QpetCategory::Ds3, "qpet.3", "= 1.295 (≥ 0.95, < 1.3) → DS 3"},
      {"at_1_3_is_4", 2.6, QpetCategory::Ds4, "qpet.4", "qPET = SUVpeak 2.6 / liver SUVmean 2 = 1.3 (≥ 1.3, < 2) → DS 4"},
      {"below_2_is_4", 3.99, QpetCategory::Ds4, "qpet.4", "= 1.995 (≥ 1.3, < 2) → DS 4"},
      {"at_2_is_5", 4.0, QpetCategory::Ds5, "qpet.5", "= 2 (≥ 2) → DS 5"},
      {"missing_peak_not_computed", 0, std::nullopt, "qpet.not_computed", "lesion SUVpeak missing"},
  };
  return table;
}

class QpetCaseTest : public ::testing::TestWithParam<QpetCase> {};

TEST_P(QpetCaseTest, CategoryAndReason) {
  const QpetCase& c = GetParam();
  const QpetScore q = computeQpet(petReading(c.peak > 0 ? c.peak : 1.0, c.peak), lugano2014Profile());
  EXPECT_EQ(q.category, c.expected) << dump(q.reasons);
  if (c.peak > 0) {
    ASSERT_TRUE(q.value.has_value());
    EXPECT_DOUBLE_EQ(*q.value, c.peak / 2.0);
  }
  EXPECT_TRUE(hasReason(q.reasons, c.rule, c.fragment))
      << "expected [" << c.rule << "] containing \"" << c.fragment << "\"; reasons:" << dump(q.reasons);
}

INSTANTIATE_TEST_SUITE_P(Qpet, QpetCaseTest, ::testing::ValuesIn(qpetCases()),
                         [](const ::testing::TestParamInfo<QpetCase>& info) { return info.param.name; });

// ------------------------------------------------------------------------------------------------
// Lugano metabolic response at fu1 against a baseline hottest SUVmax of 10

struct MetabolicCase {
  std::string name;
  PatientCase patient;
  std::optional<MetabolicCategory> expected;
  std::string rule;
  std::string fragment;
};
std::ostream& operator<<(std::ostream& os, const MetabolicCase& c) { return os << c.name; }

// One node (CT stable), PET at baseline with hottest SUVmax `base` (0: none) and at fu1 `now`.
CaseBuilder petCase(double base, double now) {
  return CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).pet(petReading(base, 0))
      .tp("fu1").m("L1", 30, 20).pet(petReading(now, 0));
}

const std::vector<MetabolicCase>& metabolicCases() {
  static const std::vector<MetabolicCase> table = {
      {"score_3_is_cmr", petCase(10, 1.8), MetabolicCategory::CMR, "metabolic.cmr", "5PS 3 (1-3) → CMR"},
      {"score_1_is_cmr", petCase(10, 0), MetabolicCategory::CMR, "metabolic.cmr", "5PS 1 (1-3) → CMR"},
      {"score_4_reduced_is_pmr", petCase(10, 5.0), MetabolicCategory::PMR, "metabolic.pmr",
       "5PS 4, hottest SUVmax 5 is -50 % from baseline 10 (a decrease > 30 %) → PMR"},
      {"score_5_reduced_31pct_is_pmr", petCase(10, 6.9), MetabolicCategory::PMR, "metabolic.pmr", "-31 %"},
      {"score_5_reduced_exactly_30pct_is_nmr", petCase(10, 7.0), MetabolicCategory::NMR, "metabolic.nmr",
       "5PS 5, hottest SUVmax 7 is -30 % from baseline 10 (no change > 30 %) → NMR"},
      {"score_5_increased_exactly_30pct_is_nmr", petCase(10, 13.0), MetabolicCategory::NMR, "metabolic.nmr", "+30 %"},
      {"score_5_increased_31pct_is_pmd", petCase(10, 13.1), MetabolicCategory::PMD, "metabolic.pmd.increase",
       "+31 % from baseline 10 (an increase > 30 %) → PMD"},
      {"new_fdg_avid_lesion_is_pmd", petCase(10, 2.5).newNode("N1", 12, 8), MetabolicCategory::PMD,
       "metabolic.pmd.new_lesion", "new FDG-avid lesion N1 → PMD"},
      {"uptake_where_baseline_had_none_is_pmd", petCase(0, 4.0), MetabolicCategory::PMD, "metabolic.pmd.increase",
       "where the baseline had no FDG-avid lesion → PMD"},
      {"score_4_without_baseline_pet_not_assessed",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 30, 20).pet(petReading(5.0, 0)),
       std::nullopt, "metabolic.not_assessed", "no baseline PET"},
  };
  return table;
}

class MetabolicCaseTest : public ::testing::TestWithParam<MetabolicCase> {};

TEST_P(MetabolicCaseTest, CategoryAndReason) {
  const MetabolicCase& c = GetParam();
  const PatientResult r = assess(c.patient, lugano2014Profile());
  ASSERT_EQ(r.timepoints.size(), 2u);
  ASSERT_TRUE(r.timepoints[1].pet.has_value());
  const PetResult& pet = *r.timepoints[1].pet;
  EXPECT_EQ(pet.metabolic, c.expected) << dump(pet.reasons);
  EXPECT_TRUE(hasReason(pet.reasons, c.rule, c.fragment))
      << "expected [" << c.rule << "] containing \"" << c.fragment << "\"; reasons:" << dump(pet.reasons);
  if (r.timepoints[0].pet) {
    EXPECT_FALSE(r.timepoints[0].pet->metabolic.has_value()) << "no metabolic response at baseline";
  }
}

INSTANTIATE_TEST_SUITE_P(Metabolic, MetabolicCaseTest, ::testing::ValuesIn(metabolicCases()),
                         [](const ::testing::TestParamInfo<MetabolicCase>& info) { return info.param.name; });

}  // namespace
}  // namespace recap::response
