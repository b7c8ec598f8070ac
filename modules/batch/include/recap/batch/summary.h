// batch_summary.csv: one row per case and timepoint (one row for a failed case), sorted by case
// then timepoint; the same bytes whether the cases ran in one batch or in merged shards.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace recap::batch {

// Every cell is kept as text, so that merging shards reproduces the bytes of one run.
struct SummaryRow {
  std::string case_name, patient_id;
  std::string timepoint_index;  // 0 = baseline; empty for a failed case
  std::string timepoint, date, days_from_baseline;
  std::string ct_response, deauville, spd_mm2, spd_change_from_baseline_pct, pet_response;
  std::string status;     // "ok" or "failed"
  std::string exit_code;  // the case's exit code ("0" when ok; 128 + N when killed by signal N)
  std::string error;      // the case's error line; empty when ok
};

// The header, in column order.
const std::vector<std::string>& summaryColumns();

// The rows of a finished case from its assessment.json (docs/formats.md).
std::vector<SummaryRow> rowsFromAssessment(const std::string& case_name, const nlohmann::json& assessment);
// The one row of a failed case.
SummaryRow failureRow(const std::string& case_name, int exit_code, const std::string& error);

// Sorts by case, then timepoint index (numerically).
void sortRows(std::vector<SummaryRow>& rows);
// The CSV text (header + rows in the given order).
std::string summaryCsv(const std::vector<SummaryRow>& rows);
// Parses a batch_summary.csv; throws Error(CaseFile) naming `source` if the header or a row does
// not match.
std::vector<SummaryRow> parseSummaryCsv(const std::string& text, const std::string& source);

struct SummarySource {
  std::string source;  // e.g. the shard folder, for messages
  std::vector<SummaryRow> rows;
};
// The rows of all sources, sorted; a case in two sources is an Error(Usage) naming both.
std::vector<SummaryRow> mergeSummaries(const std::vector<SummarySource>& sources);

struct Outcome {
  size_t cases = 0, ok = 0, failed = 0;
};
Outcome outcomeOf(const std::vector<SummaryRow>& rows);
// 0 when every case is ok (or there are none), ErrorCode::BatchSomeFailed when some failed,
// ErrorCode::BatchNoneOk when all failed.
int batchExitCode(const Outcome& o);

// Days between two ISO dates (YYYY-MM-DD); empty if either is not one.
std::string daysBetween(const std::string& from, const std::string& to);

}  // namespace recap::batch
