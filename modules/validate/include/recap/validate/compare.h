// recap's results against a reference: lesions and timepoints paired by patient id, timepoint
// label and lesion id; the errors, their summaries, the response confusion matrices and kappas,
// lesion detection counts, and the worst cases. validation.json and validation.csv come from here.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "recap/validate/records.h"
#include "recap/validate/stats.h"

namespace recap::validate {

// How a lesion of a referenced timepoint fared:
//   found            present (measured or too small) in both
//   missed           present in the reference, absent in recap's results
//   extra            absent in the reference, present in recap's results
//   absent           absent in both
//   not_in_results   a reference lesion recap has no row for (at a timepoint recap assessed, or not)
//   not_in_reference a lesion recap reports at a referenced timepoint that the reference does not list
//   unrated          the reference gives no diameters for it (a reader's row without LDi)
struct LesionPair {
  std::string patient_id, timepoint, lesion_id;
  std::optional<LesionRecord> reference, recap;
  std::string detection;
  std::optional<double> ldi_error, sdi_error, ppd_error, suv_max_error;  // recap - reference, where both measured
};

struct TimepointPair {
  std::string patient_id, timepoint;
  bool in_results = false;
  std::optional<std::string> reference_response, recap_response;
  std::optional<int> reference_deauville, recap_deauville;
  std::optional<double> reference_spd, recap_spd;  // over the reference's targets, when every one is rated
};

// A reference lesion mask and recap's mask of the same lesion on the same study (same Study
// Instance UID and lesion id; by patient, timepoint and lesion when the reference has no study).
struct MaskPair {
  std::string patient_id, timepoint, lesion_id;
  bool in_results = false;
  std::optional<double> dice, hausdorff_mm;
};

struct WorstCase {
  std::string patient_id, timepoint, lesion_id;  // lesion_id empty for a timepoint's reading
  std::string what;                              // one line, e.g. "CT response: reference PR, recap SD"
  double score = 0;                              // ordering: disagreements first, then by error (mm)
};

struct Validation {
  std::vector<LesionPair> lesions;
  std::vector<TimepointPair> timepoints;
  std::vector<MaskPair> masks;
  std::optional<ErrorSummary> ldi, sdi, ppd, suv_max, spd;
  Confusion ct_response, deauville;
  long response_unpaired = 0, deauville_unpaired = 0;  // read on one side only
  long timepoints_not_in_results = 0, timepoints_not_in_reference = 0;
  std::vector<WorstCase> worst;                          // at most `worst_count`, worst first
};

Validation compare(const RecordSet& reference, const RecordSet& results, size_t worst_count = 10);

// validation.json (docs/validation.md); numbers rounded to 4 decimals, null where nothing was compared.
nlohmann::ordered_json toJson(const Validation& v);
// validation.csv: one row per timepoint reading, then one per lesion pair.
std::string toCsv(const Validation& v);

}  // namespace recap::validate
