#include "recap/batch/summary.h"

#include <algorithm>
#include <map>
#include <optional>

#include "recap/batch/csv.h"
#include "recap/core/error.h"
#include "recap/core/text.h"

namespace recap::batch {

namespace {

std::string cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

long indexOf(const SummaryRow& r) { return r.timepoint_index.empty() ? -1 : std::stol(r.timepoint_index); }

std::vector<std::string> cellsOf(const SummaryRow& r) {
  return {r.case_name,   r.patient_id, r.timepoint_index, r.timepoint, r.date,
          r.days_from_baseline, r.ct_response, r.deauville, r.spd_mm2, r.spd_change_from_baseline_pct,
          r.pet_response, r.status,     r.exit_code,       r.error};
}

}  // namespace

const std::vector<std::string>& summaryColumns() {
  static const std::vector<std::string> columns = {
      "case",    "patient_id",  "timepoint_index", "timepoint", "date", "days_from_baseline", "ct_response",
      "deauville", "spd_mm2", "spd_change_from_baseline_pct", "pet_response", "status", "exit_code", "error"};
  return columns;
}

std::string daysBetween(const std::string& from, const std::string& to) {
  const auto a = dayNumber(from), b = dayNumber(to);
  return a && b ? std::to_string(*b - *a) : std::string();
}

std::vector<SummaryRow> rowsFromAssessment(const std::string& case_name, const nlohmann::json& a) {
  std::vector<SummaryRow> rows;
  const auto& tps = a.at("timepoints");
  const std::string base_date = tps.empty() ? "" : cell(tps[0].value("date", nlohmann::json()));
  for (size_t t = 0; t < tps.size(); ++t) {
    const auto& tp = tps[t];
    SummaryRow r;
    r.case_name = case_name;
    r.patient_id = cell(a.value("patient_id", nlohmann::json()));
    r.timepoint_index = std::to_string(t);
    r.timepoint = cell(tp.value("label", nlohmann::json()));
    r.date = cell(tp.value("date", nlohmann::json()));
    r.days_from_baseline = daysBetween(base_date, r.date);
    r.ct_response = cell(tp.value("ct_response", nlohmann::json()));
    r.deauville = cell(tp.value("deauville", nlohmann::json()));
    r.spd_mm2 = cell(tp.value("spd_mm2", nlohmann::json()));
    r.spd_change_from_baseline_pct = cell(tp.value("spd_change_from_baseline_pct", nlohmann::json()));
    r.pet_response = cell(tp.value("pet_response", nlohmann::json()));
    r.status = "ok";
    r.exit_code = "0";
    rows.push_back(r);
  }
  return rows;
}

SummaryRow failureRow(const std::string& case_name, int exit_code, const std::string& error) {
  SummaryRow r;
  r.case_name = case_name;
  r.status = "failed";
  r.exit_code = std::to_string(exit_code);
  r.error = error;
  return r;
}

void sortRows(std::vector<SummaryRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
    if (a.case_name != b.case_name) return a.case_name < b.case_name;
    return indexOf(a) < indexOf(b);
  });
}

std::string summaryCsv(const std::vector<SummaryRow>& rows) {
  std::string out = csvLine(summaryColumns());
  for (const auto& r : rows) out += csvLine(cellsOf(r));
  return out;
}

std::vector<SummaryRow> parseSummaryCsv(const std::string& text, const std::string& source) {
  std::vector<std::vector<std::string>> cells;
  try {
    cells = parseCsv(text);
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::CaseFile, source, e.what());
  }
  if (cells.empty() || cells[0] != summaryColumns())
    throw Error(ErrorCode::CaseFile, source, "line 1: not a batch_summary.csv header (docs/batch.md)");
  std::vector<SummaryRow> rows;
  for (size_t i = 1; i < cells.size(); ++i) {
    const auto& c = cells[i];
    if (c.size() != summaryColumns().size())
      throw Error(ErrorCode::CaseFile, source,
                  "line " + std::to_string(i + 1) + ": " + std::to_string(c.size()) + " cells, expected " +
                      std::to_string(summaryColumns().size()));
    SummaryRow r{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13]};
    if (!r.timepoint_index.empty() && r.timepoint_index.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorCode::CaseFile, source, "line " + std::to_string(i + 1) + ": timepoint_index is not a number");
    rows.push_back(r);
  }
  return rows;
}

std::vector<SummaryRow> mergeSummaries(const std::vector<SummarySource>& sources) {
  std::map<std::string, std::string> owner;  // case -> source
  std::vector<SummaryRow> rows;
  for (const auto& s : sources) {
    std::map<std::string, bool> here;
    for (const auto& r : s.rows) {
      if (!here[r.case_name]) {
        const auto [it, fresh] = owner.emplace(r.case_name, s.source);
        if (!fresh)
          throw Error(ErrorCode::Usage, s.source,
                      "case '" + r.case_name + "' is also in " + it->second + " (overlapping shards?)");
        here[r.case_name] = true;
      }
      rows.push_back(r);
    }
  }
  sortRows(rows);
  return rows;
}

Outcome outcomeOf(const std::vector<SummaryRow>& rows) {
  std::map<std::string, bool> failed;
  for (const auto& r : rows) failed[r.case_name] = failed[r.case_name] || r.status != "ok";
  Outcome o;
  o.cases = failed.size();
  for (const auto& [name, f] : failed) (f ? o.failed : o.ok)++;
  return o;
}

int batchExitCode(const Outcome& o) {
  if (o.failed == 0) return 0;
  return exitCode(o.ok == 0 ? ErrorCode::BatchNoneOk : ErrorCode::BatchSomeFailed);
}

}  // namespace recap::batch
