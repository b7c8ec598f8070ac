// Acceptance thresholds of recap validate --fail-on (configs/validation-thresholds.yaml): bounds on
// figures of validation.json, named by their dotted path (e.g. "ldi_mm.median_abs_error").
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace recap::validate {

struct Threshold {
  std::string metric;             // dotted path into validation.json
  std::optional<double> min, max;  // at least one
};

// Reads `checks: [{metric, min?, max?}, ...]`. Throws recap::Error(CaseFile) naming the file and
// the entry for an unknown key, a missing metric or bound, or a bound that is not a number.
std::vector<Threshold> parseThresholds(const std::string& yaml_text, const std::string& source);
std::vector<Threshold> loadThresholds(const std::filesystem::path& path);

struct CheckResult {
  Threshold threshold;
  std::optional<double> value;  // empty when validation.json holds null there (nothing compared)
  bool passed = false;          // false also when the value is missing
};

// Checks each threshold against `validation` (validation.json). A metric that names no field of
// validation.json throws Error(CaseFile) naming `source` (the thresholds file).
std::vector<CheckResult> checkThresholds(const nlohmann::ordered_json& validation, const std::vector<Threshold>& thresholds,
                                         const std::string& source);

// The checks as json: [{metric, min, max, value, passed}].
nlohmann::ordered_json checksJson(const std::vector<CheckResult>& checks);

}  // namespace recap::validate
