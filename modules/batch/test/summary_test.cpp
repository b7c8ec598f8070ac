#include "recap/batch/summary.h"

#include <gtest/gtest.h>

#include "recap/batch/report.h"
#include "recap/core/error.h"
#include "recap/core/text.h"

namespace recap::batch {
namespace {

nlohmann::json assessment(const std::string& id) {
  return nlohmann::json::parse(R"({"patient_id": ")" + id + R"(", "timepoints": [
    {"label": "baseline", "date": "2024-01-15", "ct_response": null, "deauville": 5, "spd_mm2": 1400.5,
     "spd_change_from_baseline_pct": null, "pet_response": null},
    {"label": "fu1", "date": "2024-04-12", "ct_response": "PR", "deauville": 4, "spd_mm2": 277.4218,
     "spd_change_from_baseline_pct": -80.1912, "pet_response": "PMR"}]})");
}

TEST(Summary, RowsFromAssessment) {
  nlohmann::json a = assessment("x");
  a["patient_id"] = "ID, \"1\"";
  const auto rows = rowsFromAssessment("P1", a);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].timepoint_index, "0");
  EXPECT_EQ(rows[0].ct_response, "");
  EXPECT_EQ(rows[0].days_from_baseline, "0");
  EXPECT_EQ(rows[1].days_from_baseline, "88");
  EXPECT_EQ(rows[1].spd_mm2, "277.4218");
  EXPECT_EQ(rows[1].deauville, "4");
  EXPECT_EQ(rows[1].status, "ok");
  EXPECT_EQ(summaryCsv(rows).substr(0, summaryCsv({}).size()), summaryCsv({}));
  EXPECT_NE(summaryCsv(rows).find("P1,\"ID, \"\"1\"\"\",1,fu1,2024-04-12,88,PR,4,277.4218,-80.1912,PMR,ok,0,\n"),
            std::string::npos)
      << summaryCsv(rows);
}

TEST(Summary, RoundTripAndMergeOrder) {
  std::vector<SummaryRow> a = rowsFromAssessment("P3", assessment("3"));
  a.push_back(failureRow("P1", 9, "c.yaml: timepoints[0].x: unknown key (allowed: a, b)"));
  std::vector<SummaryRow> b = rowsFromAssessment("P2", assessment("2"));
  const auto b10 = rowsFromAssessment("P10", assessment("10"));
  b.insert(b.begin(), b10.rbegin(), b10.rend());  // out of order on purpose
  std::vector<SummaryRow> one = a;
  one.insert(one.end(), b.begin(), b.end());
  sortRows(one);
  const std::string text = summaryCsv(one);

  const auto merged = mergeSummaries({{"s2", parseSummaryCsv(summaryCsv(b), "s2.csv")},
                                      {"s1", parseSummaryCsv(summaryCsv(a), "s1.csv")}});
  EXPECT_EQ(summaryCsv(merged), text);
  ASSERT_EQ(merged.size(), 7u);
  EXPECT_EQ(merged[0].case_name, "P1");
  EXPECT_EQ(merged[1].case_name, "P10");  // by name as text
  EXPECT_EQ(merged[1].timepoint, "baseline");
  EXPECT_EQ(merged[2].timepoint, "fu1");
  EXPECT_EQ(merged[6].case_name, "P3");
}

TEST(Summary, MergeRefusesACaseInTwoShards) {
  const auto a = rowsFromAssessment("P1", assessment("1"));
  try {
    mergeSummaries({{"shard-1", a}, {"shard-2", a}});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
    EXPECT_NE(std::string(e.what()).find("'P1' is also in shard-1"), std::string::npos) << e.what();
  }
}

TEST(Summary, ParseRefusesOtherFiles) {
  EXPECT_THROW(parseSummaryCsv("a,b\n", "x.csv"), Error);
  EXPECT_THROW(parseSummaryCsv(summaryCsv({}) + "P1,2\n", "x.csv"), Error);
}

TEST(Summary, Outcome) {
  std::vector<SummaryRow> rows = rowsFromAssessment("P1", assessment("1"));
  EXPECT_EQ(batchExitCode(outcomeOf(rows)), 0);
  rows.push_back(failureRow("P2", 4, "x"));
  const Outcome o = outcomeOf(rows);
  EXPECT_EQ(o.cases, 2u);
  EXPECT_EQ(o.ok, 1u);
  EXPECT_EQ(o.failed, 1u);
  EXPECT_EQ(batchExitCode(o), 11);
  EXPECT_EQ(batchExitCode(outcomeOf({failureRow("P2", 4, "x")})), 12);
  EXPECT_EQ(batchExitCode(outcomeOf({})), 0);
}

TEST(Report, EscapesAndDrawsBothPlots) {
  std::vector<SummaryRow> rows = rowsFromAssessment("P<1>", assessment("1"));
  rows.push_back(failureRow("P2", 9, "bad <key> & \"quote\""));
  const std::string h = htmlReport(rows, "trial <x>");
  EXPECT_EQ(h.find("<x>"), std::string::npos);
  EXPECT_NE(h.find("trial &lt;x&gt;"), std::string::npos);
  EXPECT_NE(h.find("bad &lt;key&gt; &amp; &quot;quote&quot;"), std::string::npos);
  EXPECT_NE(h.find("aria-label='waterfall plot'"), std::string::npos);
  EXPECT_NE(h.find("aria-label='spider plot'"), std::string::npos);
  EXPECT_NE(h.find("<rect"), std::string::npos);
  EXPECT_NE(h.find("<polyline"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(htmlEscape("a'b"), "a&#39;b");
}

}  // namespace
}  // namespace recap::batch
