// Criteria profiles: the built-in Lugano 2014 profile, the strict YAML reader, and comparison.
// One table of fields drives the reader and the comparison, so a key cannot be read but not
// compared (or the reverse).
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "internal.h"
#include "recap/core/error.h"
#include "recap/response/profile.h"

namespace recap::response {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

enum class Type { Number, Integer, Flag, Text, Liver, SpleenRef };

// One key of the profile. Numbers must lie in (lo, hi]; integers in [lo, hi].
struct Field {
  const char* path;  // "section.key", or "key" at the top level
  Type type;
  double lo = 0, hi = kInf;
  double& (*number)(CriteriaProfile&) = nullptr;
  int& (*integer)(CriteriaProfile&) = nullptr;
  bool& (*flag)(CriteriaProfile&) = nullptr;
  std::string& (*text)(CriteriaProfile&) = nullptr;
  LiverStatistic& (*liver)(CriteriaProfile&) = nullptr;
  SpleenReference& (*spleen_ref)(CriteriaProfile&) = nullptr;
};

Field num(const char* path, double& (*f)(CriteriaProfile&), double lo, double hi) {
  Field x{path, Type::Number, lo, hi};
  x.number = f;
  return x;
}
Field integer(const char* path, int& (*f)(CriteriaProfile&), double lo, double hi) {
  Field x{path, Type::Integer, lo, hi};
  x.integer = f;
  return x;
}
Field flag(const char* path, bool& (*f)(CriteriaProfile&)) {
  Field x{path, Type::Flag};
  x.flag = f;
  return x;
}
Field text(const char* path, std::string& (*f)(CriteriaProfile&)) {
  Field x{path, Type::Text};
  x.text = f;
  return x;
}
Field liver(const char* path, LiverStatistic& (*f)(CriteriaProfile&)) {
  Field x{path, Type::Liver};
  x.liver = f;
  return x;
}
Field spleenRef(const char* path, SpleenReference& (*f)(CriteriaProfile&)) {
  Field x{path, Type::SpleenRef};
  x.spleen_ref = f;
  return x;
}

#define M(member) [](CriteriaProfile& p) -> auto& { return p.member; }

const std::vector<Field>& fields() {
  static const std::vector<Field> table = {
      text("name", M(name)),
      text("version", M(version)),
      integer("ct.max_target_lesions", M(ct.max_target_lesions), 1, 20),
      num("ct.measurable_node_ldi_mm", M(ct.measurable_node_ldi_mm), 0, 100),
      num("ct.measurable_extranodal_ldi_mm", M(ct.measurable_extranodal_ldi_mm), 0, 100),
      num("ct.too_small_ldi_mm", M(ct.too_small_ldi_mm), 0, 50),
      num("ct.too_small_sdi_mm", M(ct.too_small_sdi_mm), 0, 50),
      num("ct.cr_node_max_ldi_mm", M(ct.cr_node_max_ldi_mm), 0, 100),
      num("ct.pr_spd_decrease_pct", M(ct.pr_spd_decrease_pct), 0, 100),
      flag("ct.pr_requires_spleen_regression", M(ct.pr_requires_spleen_regression)),
      num("ct.pr_spleen_regression_fraction", M(ct.pr_spleen_regression_fraction), 0, 1),
      num("ct.pd_lesion_min_ldi_mm", M(ct.pd_lesion_min_ldi_mm), 0, 100),
      num("ct.pd_ppd_increase_pct", M(ct.pd_ppd_increase_pct), 0, 1000),
      num("ct.pd_increment_band_ldi_mm", M(ct.pd_increment_band_ldi_mm), 0, 200),
      num("ct.pd_increment_small_mm", M(ct.pd_increment_small_mm), 0, 100),
      num("ct.pd_increment_large_mm", M(ct.pd_increment_large_mm), 0, 100),
      num("ct.new_node_axis_mm", M(ct.new_node_axis_mm), 0, 100),
      num("ct.new_extranodal_axis_mm", M(ct.new_extranodal_axis_mm), 0, 100),
      flag("ct.small_new_lesions_block_cr", M(ct.small_new_lesions_block_cr)),
      num("spleen.normal_max_mm", M(spleen.normal_max_mm), 0, 500),
      num("spleen.splenomegaly_increase_fraction", M(spleen.splenomegaly_increase_fraction), 0, 10),
      num("spleen.increase_mm", M(spleen.increase_mm), 0, 200),
      spleenRef("spleen.reference", M(spleen.reference)),
      liver("deauville.score4_liver", M(deauville.score4_liver)),
      num("deauville.score5_factor", M(deauville.score5_factor), 0, 10),
      liver("deauville.score5_liver", M(deauville.score5_liver)),
      flag("deauville.new_lesion_scores_5", M(deauville.new_lesion_scores_5)),
      num("qpet.cutoff_3", M(qpet.cutoff_3), 0, 100),
      num("qpet.cutoff_4", M(qpet.cutoff_4), 0, 100),
      num("qpet.cutoff_5", M(qpet.cutoff_5), 0, 100),
      num("metabolic.significant_change_pct", M(metabolic.significant_change_pct), 0, 100),
      flag("lyric.enabled", M(lyric.enabled)),
      num("lyric.window_weeks", M(lyric.window_weeks), 0, 520),
      num("lyric.ir_max_spd_increase_pct", M(lyric.ir_max_spd_increase_pct), 0, 1000),
  };
  return table;
}

#undef M

std::pair<std::string, std::string> split(const std::string& path) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) return {"", path};
  return {path.substr(0, dot), path.substr(dot + 1)};
}

// The value of a field as profile text (for differences).
std::string valueText(const Field& f, CriteriaProfile& p) {
  switch (f.type) {
    case Type::Number: return detail::num(f.number(p), 6);
    case Type::Integer: return std::to_string(f.integer(p));
    case Type::Flag: return f.flag(p) ? "true" : "false";
    case Type::Text: return "'" + f.text(p) + "'";
    case Type::Liver: return toString(f.liver(p));
    case Type::SpleenRef: return toString(f.spleen_ref(p));
  }
  return "?";
}

struct Reader {
  std::string source;

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw Error(ErrorCode::CaseFile, source, path + ": " + what);
  }

  // Rejects non-mappings, duplicate keys and keys outside `allowed`.
  void checkKeys(const YAML::Node& node, const std::string& path, const std::set<std::string>& allowed) const {
    if (!node.IsMap()) fail(path.empty() ? "(top level)" : path, "expected a mapping");
    std::set<std::string> seen;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) fail(path.empty() ? "(top level)" : path, "keys must be plain names");
      const std::string key = kv.first.Scalar();
      const std::string full = path.empty() ? key : path + "." + key;
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(full, "unknown key (allowed: " + list + ")");
      }
      if (!seen.insert(key).second) fail(full, "duplicate key");
    }
  }

  void readField(const Field& f, const YAML::Node& v, CriteriaProfile& p) const {
    const std::string path = f.path;
    if (!v.IsScalar()) fail(path, "expected a single value, not a list or mapping");
    const std::string raw = v.Scalar();
    switch (f.type) {
      case Type::Number: {
        double x = 0;
        try {
          x = v.as<double>();
        } catch (const YAML::Exception&) {
          fail(path, "expected a number, got '" + raw + "'");
        }
        if (!std::isfinite(x) || x <= f.lo || x > f.hi)
          fail(path, raw + " is out of range (must be > " + detail::num(f.lo, 6) + " and <= " +
                         detail::num(f.hi, 6) + ")");
        f.number(p) = x;
        return;
      }
      case Type::Integer: {
        int x = 0;
        try {
          x = v.as<int>();
        } catch (const YAML::Exception&) {
          fail(path, "expected a whole number, got '" + raw + "'");
        }
        if (x < f.lo || x > f.hi)
          fail(path, raw + " is out of range (" + detail::num(f.lo) + " to " + detail::num(f.hi) + ")");
        f.integer(p) = x;
        return;
      }
      case Type::Flag:
        if (raw != "true" && raw != "false") fail(path, "expected true or false, got '" + raw + "'");
        f.flag(p) = raw == "true";
        return;
      case Type::Text:
        if (raw.empty()) fail(path, "expected a non-empty string");
        f.text(p) = raw;
        return;
      case Type::Liver:
        if (raw == "mean") f.liver(p) = LiverStatistic::Mean;
        else if (raw == "max") f.liver(p) = LiverStatistic::Max;
        else fail(path, "'" + raw + "' is not one of: mean, max");
        return;
      case Type::SpleenRef:
        if (raw == "baseline") f.spleen_ref(p) = SpleenReference::Baseline;
        else if (raw == "nadir") f.spleen_ref(p) = SpleenReference::Nadir;
        else fail(path, "'" + raw + "' is not one of: baseline, nadir");
        return;
    }
  }

  // Relations between keys.
  void checkConsistency(const CriteriaProfile& p) const {
    if (p.ct.too_small_sdi_mm > p.ct.too_small_ldi_mm)
      fail("ct.too_small_sdi_mm", "must not exceed ct.too_small_ldi_mm (" + detail::num(p.ct.too_small_ldi_mm) + ")");
    if (p.ct.pd_increment_small_mm > p.ct.pd_increment_large_mm)
      fail("ct.pd_increment_small_mm",
           "must not exceed ct.pd_increment_large_mm (" + detail::num(p.ct.pd_increment_large_mm) + ")");
    if (!(p.qpet.cutoff_3 < p.qpet.cutoff_4)) fail("qpet.cutoff_4", "must be greater than qpet.cutoff_3");
    if (!(p.qpet.cutoff_4 < p.qpet.cutoff_5)) fail("qpet.cutoff_5", "must be greater than qpet.cutoff_4");
  }
};

}  // namespace

CriteriaProfile lugano2014Profile() { return CriteriaProfile{}; }

CriteriaProfile parseProfile(const std::string& yaml_text, const std::string& source) {
  const Reader reader{source};
  const YAML::Node root = [&] {
    try {
      return YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
      throw Error(ErrorCode::CaseFile, source,
                  "YAML syntax error at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
  }();
  if (!root || root.IsNull()) throw Error(ErrorCode::CaseFile, source, "the profile is empty");

  // Allowed keys per section, from the field table.
  std::map<std::string, std::set<std::string>> allowed;
  for (const Field& f : fields()) {
    const auto [section, key] = split(f.path);
    allowed[section].insert(key);
    if (!section.empty()) allowed[""].insert(section);
  }
  reader.checkKeys(root, "", allowed[""]);
  for (const auto& [section, keys] : allowed)
    if (!section.empty() && root[section]) reader.checkKeys(root[section], section, keys);

  CriteriaProfile p;
  for (const Field& f : fields()) {
    const auto [section, key] = split(f.path);
    const YAML::Node parent = section.empty() ? root : root[section];
    const YAML::Node v = parent ? parent[key] : YAML::Node();
    if (!parent || !v) reader.fail(f.path, "missing key (a profile gives every key)");
    reader.readField(f, v, p);
  }
  reader.checkConsistency(p);
  return p;
}

CriteriaProfile loadProfileFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::NoInput, path.string(), "cannot open the criteria profile");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseProfile(ss.str(), path.string());
}

std::vector<std::string> profileDifferences(const CriteriaProfile& a, const CriteriaProfile& b) {
  CriteriaProfile x = a, y = b;
  std::vector<std::string> out;
  for (const Field& f : fields()) {
    const std::string va = valueText(f, x), vb = valueText(f, y);
    const bool same = f.type == Type::Number ? f.number(x) == f.number(y) : va == vb;
    if (!same) out.push_back(std::string(f.path) + ": " + va + " vs " + vb);
  }
  return out;
}

}  // namespace recap::response
