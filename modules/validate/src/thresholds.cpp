#include "recap/validate/thresholds.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "recap/core/error.h"

namespace recap::validate {

namespace {

[[noreturn]] void invalid(const std::string& source, const std::string& reason) {
  throw Error(ErrorCode::CaseFile, source, reason);
}

std::optional<double> bound(const YAML::Node& entry, const char* key, const std::string& source, const std::string& where) {
  if (!entry[key]) return std::nullopt;
  try {
    return entry[key].as<double>();
  } catch (const YAML::Exception&) {
    invalid(source, where + key + ": not a number");
  }
}

}  // namespace

std::vector<Threshold> parseThresholds(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    invalid(source, "not valid YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")");
  }
  if (!root.IsMap()) invalid(source, "expected a map with the key 'checks'");
  for (const auto& kv : root)
    if (kv.first.as<std::string>() != "checks") invalid(source, kv.first.as<std::string>() + ": unknown key (allowed: checks)");
  const YAML::Node checks = root["checks"];
  if (!checks || !checks.IsSequence() || checks.size() == 0) invalid(source, "checks: expected a non-empty list");
  std::vector<Threshold> out;
  for (size_t i = 0; i < checks.size(); ++i) {
    const YAML::Node e = checks[i];
    const std::string where = "checks[" + std::to_string(i) + "].";
    if (!e.IsMap()) invalid(source, where.substr(0, where.size() - 1) + ": expected {metric, min, max}");
    for (const auto& kv : e) {
      const std::string k = kv.first.as<std::string>();
      if (k != "metric" && k != "min" && k != "max") invalid(source, where + k + ": unknown key (allowed: metric, min, max)");
    }
    Threshold t;
    if (!e["metric"] || !e["metric"].IsScalar() || e["metric"].as<std::string>().empty())
      invalid(source, where + "metric: missing");
    t.metric = e["metric"].as<std::string>();
    t.min = bound(e, "min", source, where);
    t.max = bound(e, "max", source, where);
    if (!t.min && !t.max) invalid(source, where + "metric " + t.metric + ": needs min or max");
    out.push_back(t);
  }
  return out;
}

std::vector<Threshold> loadThresholds(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::NoInput, path.string(), "thresholds file cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return parseThresholds(s.str(), path.string());
}

std::vector<CheckResult> checkThresholds(const nlohmann::ordered_json& validation, const std::vector<Threshold>& thresholds,
                                         const std::string& source) {
  std::vector<CheckResult> out;
  for (const Threshold& t : thresholds) {
    const nlohmann::ordered_json* node = &validation;
    std::istringstream parts(t.metric);
    std::string part;
    while (std::getline(parts, part, '.')) {
      if (!node->is_object() || !node->contains(part))
        invalid(source, "metric " + t.metric + ": validation.json has no such figure (e.g. ldi_mm.median_abs_error, ct_response.agreement)");
      node = &(*node)[part];
    }
    if (!node->is_null() && !node->is_number())
      invalid(source, "metric " + t.metric + ": not a number in validation.json");
    CheckResult c;
    c.threshold = t;
    if (node->is_number()) c.value = node->get<double>();
    c.passed = c.value && (!t.min || *c.value >= *t.min) && (!t.max || *c.value <= *t.max);
    out.push_back(c);
  }
  return out;
}

nlohmann::ordered_json checksJson(const std::vector<CheckResult>& checks) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& c : checks) {
    nlohmann::ordered_json j;
    j["metric"] = c.threshold.metric;
    j["min"] = c.threshold.min ? nlohmann::ordered_json(*c.threshold.min) : nlohmann::ordered_json(nullptr);
    j["max"] = c.threshold.max ? nlohmann::ordered_json(*c.threshold.max) : nlohmann::ordered_json(nullptr);
    j["value"] = c.value ? nlohmann::ordered_json(*c.value) : nlohmann::ordered_json(nullptr);
    j["passed"] = c.passed;
    out.push_back(j);
  }
  return out;
}

}  // namespace recap::validate
