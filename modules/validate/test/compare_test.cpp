#include "recap/validate/compare.h"

#include <gtest/gtest.h>

#include <sstream>

namespace recap::validate {
namespace {

LesionRecord lesion(const std::string& tp, const std::string& id, const std::string& status, double ldi, double sdi,
                    std::optional<double> suv = std::nullopt, bool is_new = false) {
  LesionRecord l;
  l.patient_id = "P1";
  l.timepoint = tp;
  l.lesion_id = id;
  l.status = status;
  l.ldi_mm = ldi;
  l.sdi_mm = sdi;
  l.ppd_mm2 = status == "too_small" ? 25.0 : ldi * sdi;
  l.suv_max = suv;
  l.is_new = is_new;
  return l;
}

TimepointRecord timepoint(const std::string& tp, std::optional<std::string> response, std::optional<int> deauville) {
  return {"P1", tp, response, deauville, "src"};
}

// A reference and results built by hand: every figure below is worked out from these numbers.
struct Fixture {
  RecordSet ref, rec;
  Fixture() {
    ref.timepoints = {timepoint("baseline", std::nullopt, 5), timepoint("fu1", "PR", 4), timepoint("fu2", "PD", 5)};
    rec.timepoints = {timepoint("baseline", std::nullopt, 5), timepoint("fu1", "PR", 3), timepoint("fu2", "SD", 5)};
    ref.lesions = {lesion("baseline", "L1", "measured", 30, 20, 10.0), lesion("baseline", "L2", "measured", 20, 10),
                   lesion("fu1", "L1", "measured", 15, 10, 4.0), lesion("fu1", "L2", "absent", 0, 0),
                   lesion("fu2", "L1", "measured", 20, 12), lesion("fu2", "L2", "measured", 12, 8),
                   lesion("fu2", "N1", "measured", 22, 15, std::nullopt, true)};
    rec.lesions = {lesion("baseline", "L1", "measured", 31, 19, 9.5), lesion("baseline", "L2", "measured", 21, 11),
                   lesion("fu1", "L1", "measured", 14, 10, 4.5), lesion("fu1", "L2", "measured", 6, 5),
                   lesion("fu2", "L1", "measured", 23, 12), lesion("fu2", "L2", "absent", 0, 0),
                   lesion("fu2", "X9", "measured", 9, 7)};
  }
};

TEST(Compare, PairsLesionsAndComputesErrors) {
  const Fixture f;
  const Validation v = compare(f.ref, f.rec);
  ASSERT_EQ(v.lesions.size(), 8u);  // 7 reference lesions, and X9 that only recap reports
  std::map<std::string, std::string> detection;
  for (const auto& p : v.lesions) detection[p.timepoint + "/" + p.lesion_id] = p.detection;
  EXPECT_EQ(detection["baseline/L1"], "found");
  EXPECT_EQ(detection["fu1/L2"], "extra");
  EXPECT_EQ(detection["fu2/L2"], "missed");
  EXPECT_EQ(detection["fu2/N1"], "not_in_results");
  EXPECT_EQ(detection["fu2/X9"], "not_in_reference");
  // LDi errors where both measured: +1, +1, -1, +3 -> mean 1, median |e| 1, SD sqrt(8/3).
  ASSERT_TRUE(v.ldi);
  EXPECT_EQ(v.ldi->n, 4u);
  EXPECT_DOUBLE_EQ(v.ldi->mean_error, 1);
  EXPECT_DOUBLE_EQ(v.ldi->median_abs_error, 1);
  EXPECT_NEAR(v.ldi->sd, std::sqrt(8.0 / 3), 1e-12);
  // SDi errors: -1, +1, 0, 0.
  EXPECT_DOUBLE_EQ(v.sdi->mean_error, 0);
  EXPECT_DOUBLE_EQ(v.sdi->median_abs_error, 0.5);
  // PPD: 589-600, 231-200, 140-150, 276-240.
  EXPECT_DOUBLE_EQ(v.ppd->mean_error, (-11 + 31 - 10 + 36) / 4.0);
  // SUVmax where both have it: -0.5, +0.5.
  EXPECT_EQ(v.suv_max->n, 2u);
  EXPECT_DOUBLE_EQ(v.suv_max->median_abs_error, 0.5);
  // SPD over the reference's targets L1, L2 (N1 is new): baseline 800 vs 820, fu1 150 vs 170,
  // fu2 336 vs 276.
  ASSERT_EQ(v.timepoints.size(), 3u);
  EXPECT_DOUBLE_EQ(*v.timepoints[0].reference_spd, 800);
  EXPECT_DOUBLE_EQ(*v.timepoints[0].recap_spd, 820);
  EXPECT_DOUBLE_EQ(*v.timepoints[1].recap_spd, 170);
  EXPECT_DOUBLE_EQ(*v.timepoints[2].reference_spd, 336);
  EXPECT_DOUBLE_EQ(*v.timepoints[2].recap_spd, 276);
  EXPECT_EQ(v.spd->n, 3u);
}

TEST(Compare, ResponsesConfusionAndWorstCases) {
  const Fixture f;
  const Validation v = compare(f.ref, f.rec, 4);
  // CT response: PR/PR, PD/SD -> agreement 0.5.
  EXPECT_EQ(v.ct_response.total(), 2);
  EXPECT_DOUBLE_EQ(*v.ct_response.agreement(), 0.5);
  EXPECT_EQ(v.ct_response.counts[3][2], 1);  // reference PD, recap SD
  // Deauville 5/5, 4/3, 5/5: agreement 2/3.
  EXPECT_NEAR(*v.deauville.agreement(), 2.0 / 3, 1e-12);
  // Worst first: the response disagreement, the Deauville one, then lesions missed or unpaired.
  ASSERT_EQ(v.worst.size(), 4u);
  EXPECT_EQ(v.worst[0].timepoint, "fu2");
  EXPECT_EQ(v.worst[0].what, "CT response: reference PD, recap SD");
  EXPECT_EQ(v.worst[1].what, "Deauville: reference 4, recap 3");
  EXPECT_EQ(v.worst[2].what, "lesion extra");
  const Validation all = compare(f.ref, f.rec, 100);
  ASSERT_EQ(all.worst.size(), 10u);  // 2 readings, 4 unpaired or missed lesions, 4 measured lesions
  EXPECT_EQ(all.worst[6].what, "LDi 23.0 vs 20.0 mm (+3.0), SDi 12.0 vs 12.0 mm (+0.0)");  // fu2 L1, the largest error
  EXPECT_EQ(all.worst.back().lesion_id, "L1");  // fu1 L1: 1 mm off, last of the 1 mm ties
  EXPECT_EQ(all.worst.back().timepoint, "fu1");
  EXPECT_EQ(all.worst.back().what, "LDi 14.0 vs 15.0 mm (-1.0), SDi 10.0 vs 10.0 mm (+0.0)");
}

TEST(Compare, JsonHoldsTheDocumentedFigures) {
  const Fixture f;
  const nlohmann::ordered_json j = toJson(compare(f.ref, f.rec));
  EXPECT_DOUBLE_EQ(j["ct_response"]["agreement"].get<double>(), 0.5);
  EXPECT_TRUE(j["ct_response"].contains("kappa"));
  EXPECT_EQ(j["ct_response"]["confusion"].size(), 4u);
  EXPECT_TRUE(j["deauville"].contains("weighted_kappa"));
  for (const char* k : {"ldi_mm", "sdi_mm", "ppd_mm2"}) {
    for (const char* f2 : {"n", "mean_error", "sd", "median_abs_error", "p95_abs_error"}) EXPECT_TRUE(j[k].contains(f2)) << k << f2;
    for (const char* b : {"bias", "loa_low", "loa_high"}) EXPECT_TRUE(j[k]["bland_altman"].contains(b)) << k << b;
  }
  EXPECT_DOUBLE_EQ(j["ldi_mm"]["bland_altman"]["bias"].get<double>(), 1);
  EXPECT_DOUBLE_EQ(j["ldi_mm"]["sd"].get<double>(), 1.633);  // sqrt(8/3) to 4 decimals
  EXPECT_EQ(j["lesions"]["found"], 4);
  EXPECT_EQ(j["lesions"]["missed"], 1);
  EXPECT_EQ(j["lesions"]["extra"], 1);
  EXPECT_EQ(j["lesions"]["mismatched"], 2);
  EXPECT_EQ(j["patients"], 1);
  // Nothing compared: nulls, not zeros.
  const nlohmann::ordered_json empty = toJson(compare(f.ref, RecordSet{}));
  EXPECT_TRUE(empty["ldi_mm"]["median_abs_error"].is_null());
  EXPECT_TRUE(empty["ct_response"]["agreement"].is_null());
  EXPECT_EQ(empty["timepoints_not_in_results"], 3);
}

TEST(Compare, CsvHasARowPerTimepointAndPair) {
  const Fixture f;
  const std::string csv = toCsv(compare(f.ref, f.rec));
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("patient_id,timepoint,lesion_id,detection,reference_status,recap_status,reference_ldi_mm,recap_ldi_mm,ldi_error_mm", 0), 0u);
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  EXPECT_EQ(rows, 3 + 8);
  EXPECT_NE(csv.find("P1,fu2,,,,,,,,,,,,,,,,,PD,SD,5,5,336.0000,276.0000,,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("P1,baseline,L1,found,measured,measured,30.0000,31.0000,1.0000,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace recap::validate
