// Parsing the case file of recap assess. Strict, like the phantom spec reader: every key known,
// every value of the right type, errors as "<key path>: <problem>" naming the file.
#include "recap/casefile/casefile.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "recap/core/error.h"

namespace fs = std::filesystem;

namespace recap::casefile {
namespace {

struct Ctx {
  std::string source;
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw Error(ErrorCode::CaseFile, source, path + ": " + what);
  }
};

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

void checkKeys(const Ctx& ctx, const YAML::Node& node, const std::string& path, const std::set<std::string>& allowed) {
  if (!node.IsMap()) ctx.fail(path.empty() ? "(top level)" : path, "expected a mapping");
  for (const auto& kv : node) {
    // A list or mapping used as a key ("seed_mm: , [1, 2]" in a flow mapping) is no key name.
    if (!kv.first.IsScalar()) ctx.fail(path.empty() ? "(top level)" : path, "a key is a list or mapping, not a name");
    const std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      ctx.fail(join(path, key), "unknown key (allowed: " + list + ")");
    }
  }
}

std::string readString(const Ctx& ctx, const YAML::Node& node, const std::string& path, const char* key) {
  const YAML::Node v = node[key];
  if (!v) ctx.fail(join(path, key), "missing");
  if (!v.IsScalar()) ctx.fail(join(path, key), "expected a string");
  const std::string s = v.as<std::string>();
  if (s.empty()) ctx.fail(join(path, key), "must not be empty");
  return s;
}

double readNumber(const Ctx& ctx, const YAML::Node& v, const std::string& path) {
  if (!v.IsScalar()) ctx.fail(path, "expected a number");
  try {
    return v.as<double>();
  } catch (const YAML::Exception&) {
    ctx.fail(path, "expected a number");
  }
}

std::optional<double> readPositive(const Ctx& ctx, const YAML::Node& node, const std::string& path, const char* key) {
  const YAML::Node v = node[key];
  if (!v) return std::nullopt;
  const double d = readNumber(ctx, v, join(path, key));
  if (!(d > 0)) ctx.fail(join(path, key), "must be a positive number of mm");
  return d;
}

std::optional<Point3> readPoint(const Ctx& ctx, const YAML::Node& node, const std::string& path, const char* key) {
  const YAML::Node v = node[key];
  if (!v) return std::nullopt;
  if (!v.IsSequence() || v.size() != 3) ctx.fail(join(path, key), "expected a list of 3 numbers [x, y, z] (LPS mm)");
  Point3 p;
  for (size_t i = 0; i < 3; ++i) p[i] = readNumber(ctx, v[i], at(join(path, key), i));
  return p;
}

const YAML::Node sequence(const Ctx& ctx, const YAML::Node& node, const std::string& path, const char* key,
                          bool required) {
  const YAML::Node v = node[key];
  if (!v) {
    if (required) ctx.fail(join(path, key), "missing");
    return YAML::Node(YAML::NodeType::Sequence);
  }
  if (!v.IsSequence()) ctx.fail(join(path, key), "expected a list");
  return v;
}

Lesion readLesion(const Ctx& ctx, const YAML::Node& n, const std::string& path) {
  checkKeys(ctx, n, path, {"id", "kind", "seed_mm"});
  Lesion l;
  l.id = readString(ctx, n, path, "id");
  const std::string kind = readString(ctx, n, path, "kind");
  if (kind == "nodal") l.kind = response::LesionKind::Nodal;
  else if (kind == "extranodal") l.kind = response::LesionKind::Extranodal;
  else ctx.fail(join(path, "kind"), "'" + kind + "' is not one of: nodal, extranodal");
  const auto seed = readPoint(ctx, n, path, "seed_mm");
  if (!seed) ctx.fail(join(path, "seed_mm"), "missing");
  l.seed_mm = *seed;
  return l;
}

}  // namespace

namespace {

CaseFile parseChecked(const std::string& yaml_text, const std::string& source, const fs::path& base_dir,
                      const ParseOptions& options) {
  const Ctx ctx{source};
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::CaseFile, source, "not valid YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")");
  }
  checkKeys(ctx, root, "", {"patient_id", "timepoints", "target_lesions", "target_lesions_from", "profile"});
  CaseFile c;
  c.source = source;
  c.patient_id = readString(ctx, root, "", "patient_id");

  std::set<std::string> ids;  // every lesion id, targets and new lesions together
  // The targets are listed, or read (by recap assess) from a baseline TID 1500 SR made in a viewer.
  if (root["target_lesions_from"]) {
    if (root["target_lesions"]) ctx.fail("target_lesions_from", "give either target_lesions or target_lesions_from, not both");
    const fs::path p = base_dir / readString(ctx, root, "", "target_lesions_from");
    if (options.check_folders && !fs::is_regular_file(p)) ctx.fail("target_lesions_from", "file not found: " + p.string());
    c.target_lesions_from = p;
  }
  const YAML::Node targets = sequence(ctx, root, "", "target_lesions", !c.target_lesions_from);
  for (size_t i = 0; i < targets.size(); ++i) {
    Lesion l = readLesion(ctx, targets[i], at("target_lesions", i));
    if (!ids.insert(l.id).second) ctx.fail(at("target_lesions", i) + ".id", "duplicate lesion id '" + l.id + "'");
    c.targets.push_back(l);
  }

  if (root["profile"]) {
    const fs::path p = base_dir / readString(ctx, root, "", "profile");
    if (!fs::is_regular_file(p)) ctx.fail("profile", "file not found: " + p.string());
    c.profile_path = p;
    c.profile = response::loadProfileFile(p);
  } else {
    c.profile = response::lugano2014Profile();
  }
  if (c.targets.empty() && !c.target_lesions_from) ctx.fail("target_lesions", "at least one target lesion is needed");
  if (int(c.targets.size()) > c.profile.ct.max_target_lesions)
    ctx.fail("target_lesions", std::to_string(c.targets.size()) + " target lesions, more than the " +
                                   std::to_string(c.profile.ct.max_target_lesions) + " the profile '" +
                                   c.profile.name + "' allows");

  const YAML::Node tps = sequence(ctx, root, "", "timepoints", true);
  if (tps.size() == 0) ctx.fail("timepoints", "at least one timepoint (the baseline) is needed");
  std::set<std::string> labels;
  for (size_t t = 0; t < tps.size(); ++t) {
    const std::string path = at("timepoints", t);
    const YAML::Node n = tps[t];
    checkKeys(ctx, n, path, {"label", "dicom", "new_lesions", "liver_centre_mm", "blood_pool_centre_mm",
                             "spleen_length_mm", "lesion_overrides"});
    Timepoint tp;
    tp.label = readString(ctx, n, path, "label");
    if (!labels.insert(tp.label).second) ctx.fail(path + ".label", "duplicate label '" + tp.label + "'");
    tp.dicom = base_dir / readString(ctx, n, path, "dicom");
    if (options.check_folders && !fs::is_directory(tp.dicom))
      ctx.fail(path + ".dicom", "folder not found: " + tp.dicom.string());
    const YAML::Node news = sequence(ctx, n, path, "new_lesions", false);
    if (t == 0 && news.size() > 0) ctx.fail(path + ".new_lesions", "the baseline cannot have new lesions (mark them as targets)");
    for (size_t i = 0; i < news.size(); ++i) {
      Lesion l = readLesion(ctx, news[i], at(path + ".new_lesions", i));
      if (!ids.insert(l.id).second) ctx.fail(at(path + ".new_lesions", i) + ".id", "duplicate lesion id '" + l.id + "'");
      tp.new_lesions.push_back(l);
    }
    tp.liver_centre_mm = readPoint(ctx, n, path, "liver_centre_mm");
    tp.blood_pool_centre_mm = readPoint(ctx, n, path, "blood_pool_centre_mm");
    tp.spleen_length_mm = readPositive(ctx, n, path, "spleen_length_mm");
    const YAML::Node ov = sequence(ctx, n, path, "lesion_overrides", false);
    for (size_t i = 0; i < ov.size(); ++i) {
      const std::string op = at(path + ".lesion_overrides", i);
      checkKeys(ctx, ov[i], op, {"id", "ldi_mm", "sdi_mm"});
      const std::string id = readString(ctx, ov[i], op, "id");
      if (!c.target_lesions_from &&
          std::none_of(c.targets.begin(), c.targets.end(), [&](const Lesion& l) { return l.id == id; }))
        ctx.fail(op + ".id", "'" + id + "' is not a target lesion");
      const auto ldi = readPositive(ctx, ov[i], op, "ldi_mm"), sdi = readPositive(ctx, ov[i], op, "sdi_mm");
      if (!ldi) ctx.fail(op + ".ldi_mm", "missing");
      if (!sdi) ctx.fail(op + ".sdi_mm", "missing");
      if (*sdi > *ldi) ctx.fail(op + ".sdi_mm", "larger than ldi_mm");
      if (!tp.reviewer_diameters.emplace(id, response::Diameters{*ldi, *sdi}).second)
        ctx.fail(op + ".id", "a second override for '" + id + "'");
    }
    c.timepoints.push_back(std::move(tp));
  }
  return c;
}

}  // namespace

CaseFile parseCaseFile(const std::string& yaml_text, const std::string& source, const fs::path& base_dir,
                       const ParseOptions& options) {
  try {
    return parseChecked(yaml_text, source, base_dir, options);
  } catch (const YAML::Exception& e) {
    // Every structure is checked before it is read; this is the net under a case missed there
    // (found by fuzz/casefile_fuzz.cpp), so that no YAML shape ends as an internal error.
    throw Error(ErrorCode::CaseFile, source, "cannot be read: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")");
  }
}

CaseFile loadCaseFile(const fs::path& path, const ParseOptions& options) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::CaseFile, path.string(), "cannot be read (missing or not a file)");
  std::stringstream ss;
  ss << in.rdbuf();
  fs::path base = path.parent_path();
  if (base.empty()) base = ".";
  return parseCaseFile(ss.str(), path.string(), base, options);
}

}  // namespace recap::casefile
