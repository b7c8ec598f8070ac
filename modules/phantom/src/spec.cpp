// Parsing phantom specs (YAML). Strict: every key is known, every value has the right type, and
// errors name the key path ("timepoints[1].pose.shift_mm: expected a list of 3 numbers").
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "recap/core/error.h"
#include "recap/phantom/spec.h"

namespace fs = std::filesystem;

namespace recap::phantom {

namespace {

struct Ctx {
  std::string source;
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw Error(ErrorCode::CaseFile, source, path + ": " + what);
  }
};

void checkKeys(const Ctx& ctx, const YAML::Node& node, const std::string& path, std::set<std::string> allowed) {
  if (!node.IsMap()) ctx.fail(path, "expected a mapping");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      ctx.fail(path.empty() ? key : path + "." + key, "unknown key (allowed: " + list + ")");
    }
  }
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

template <typename T>
void read(const Ctx& ctx, const YAML::Node& node, const std::string& path, const char* key, T& out) {
  const YAML::Node v = node[key];
  if (!v) return;
  try {
    out = v.as<T>();
  } catch (const YAML::Exception&) {
    ctx.fail(join(path, key), std::is_same<T, std::string>::value ? "expected a string"
                              : std::is_same<T, bool>::value      ? "expected true or false"
                                                                  : "expected a number");
  }
}

void readVec3(const Ctx& ctx, const YAML::Node& node, const std::string& path, const char* key, Vec3& out) {
  const YAML::Node v = node[key];
  if (!v) return;
  if (!v.IsSequence() || v.size() != 3) ctx.fail(join(path, key), "expected a list of 3 numbers");
  try {
    for (size_t i = 0; i < 3; ++i) out[i] = v[i].as<double>();
  } catch (const YAML::Exception&) {
    ctx.fail(join(path, key), "expected a list of 3 numbers");
  }
}

template <typename E>
E readEnum(const Ctx& ctx, const YAML::Node& node, const std::string& path, const char* key,
           const std::vector<std::pair<const char*, E>>& names, E fallback) {
  std::string text;
  read(ctx, node, path, key, text);
  if (text.empty()) return fallback;
  for (const auto& [n, e] : names)
    if (text == n) return e;
  std::string list;
  for (const auto& [n, e] : names) list += (list.empty() ? "" : ", ") + std::string(n);
  ctx.fail(join(path, key), "'" + text + "' is not one of: " + list);
}

// The fields CT and PET grids share.
template <typename Grid>
void parseGridCommon(const Ctx& ctx, const YAML::Node& n, const std::string& path, Grid& g) {
  read(ctx, n, path, "matrix", g.matrix);
  read(ctx, n, path, "pixel_mm", g.pixel_mm);
  read(ctx, n, path, "slice_mm", g.slice_mm);
  read(ctx, n, path, "z_from_mm", g.z_from_mm);
  read(ctx, n, path, "z_to_mm", g.z_to_mm);
  readVec3(ctx, n, path, "centre_mm", g.centre_mm);
  read(ctx, n, path, "feet_first", g.feet_first);
  if (g.matrix <= 0 || g.pixel_mm <= 0 || g.slice_mm <= 0 || g.z_to_mm <= g.z_from_mm)
    ctx.fail(path, "matrix, pixel_mm and slice_mm must be positive and z_to_mm above z_from_mm");
}

void parseCt(const Ctx& ctx, const YAML::Node& n, const std::string& path, CtGrid& ct) {
  checkKeys(ctx, n, path, {"matrix", "pixel_mm", "slice_mm", "z_from_mm", "z_to_mm", "centre_mm", "feet_first", "noise_hu"});
  parseGridCommon(ctx, n, path, ct);
  read(ctx, n, path, "noise_hu", ct.noise_hu);
}

void parsePet(const Ctx& ctx, const YAML::Node& n, const std::string& path, PetGrid& pet) {
  checkKeys(ctx, n, path,
            {"matrix", "pixel_mm", "slice_mm", "z_from_mm", "z_to_mm", "centre_mm", "feet_first", "fwhm_mm", "noise_cv"});
  parseGridCommon(ctx, n, path, pet);
  read(ctx, n, path, "fwhm_mm", pet.fwhm_mm);
  read(ctx, n, path, "noise_cv", pet.noise_cv);
}

constexpr Syntax kAllSyntaxes[] = {Syntax::ExplicitLittle, Syntax::ImplicitLittle, Syntax::Deflated,
                                   Syntax::JpegLossless,   Syntax::JpegLsLossless, Syntax::JpegLsNearLossless,
                                   Syntax::Rle,            Syntax::J2kLossless,    Syntax::J2kLossy};

void parseEncoding(const Ctx& ctx, const YAML::Node& n, const std::string& path, Encoding& e) {
  checkKeys(ctx, n, path, {"vendor", "transfer_syntax", "ct_signed", "naming", "localizer", "nac", "junk"});
  e.vendor = readEnum<PetVendor>(ctx, n, path, "vendor",
                                 {{"siemens", PetVendor::Siemens},
                                  {"ge", PetVendor::Ge},
                                  {"philips", PetVendor::Philips},
                                  {"philips-activity", PetVendor::PhilipsActivity}},
                                 e.vendor);
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (Syntax x : kAllSyntaxes) v.push_back(syntaxName(x));
    return v;
  }();
  std::vector<std::pair<const char*, Syntax>> syntaxes;
  for (size_t i = 0; i < names.size(); ++i) syntaxes.emplace_back(names[i].c_str(), kAllSyntaxes[i]);
  e.syntax = readEnum<Syntax>(ctx, n, path, "transfer_syntax", syntaxes, e.syntax);
  read(ctx, n, path, "ct_signed", e.ct_signed);
  e.naming = readEnum<FileNaming>(
      ctx, n, path, "naming",
      {{"sop", FileNaming::SopInstanceUid}, {"instance", FileNaming::InstanceNumber}, {"shuffled", FileNaming::Shuffled}},
      e.naming);
  read(ctx, n, path, "localizer", e.localizer);
  read(ctx, n, path, "nac", e.nac);
  read(ctx, n, path, "junk", e.junk);
}

void parseTimepointBody(const Ctx& ctx, const YAML::Node& n, const std::string& path, TimepointSpec& tp) {
  if (n["physiology"]) {
    const std::string p = join(path, "physiology");
    checkKeys(ctx, n["physiology"], p, {"liver_suv", "blood_pool_suv", "spleen_suv", "spleen_length_mm"});
    read(ctx, n["physiology"], p, "liver_suv", tp.physiology.liver_suv);
    read(ctx, n["physiology"], p, "blood_pool_suv", tp.physiology.blood_pool_suv);
    read(ctx, n["physiology"], p, "spleen_suv", tp.physiology.spleen_suv);
    read(ctx, n["physiology"], p, "spleen_length_mm", tp.physiology.spleen_length_mm);
  }
  if (n["pose"]) {
    const std::string p = join(path, "pose");
    checkKeys(ctx, n["pose"], p, {"shift_mm", "rotation_deg"});
    readVec3(ctx, n["pose"], p, "shift_mm", tp.pose.shift_mm);
    readVec3(ctx, n["pose"], p, "rotation_deg", tp.pose.rotation_deg);
  }
  if (n["ct"]) parseCt(ctx, n["ct"], join(path, "ct"), tp.ct);
  if (n["pet"]) parsePet(ctx, n["pet"], join(path, "pet"), tp.pet);
  if (n["encoding"]) parseEncoding(ctx, n["encoding"], join(path, "encoding"), tp.encoding);
  if (n["injection"]) {
    const std::string p = join(path, "injection");
    checkKeys(ctx, n["injection"], p, {"dose_mbq", "uptake_min", "half_life_s"});
    read(ctx, n["injection"], p, "dose_mbq", tp.injection.dose_mbq);
    read(ctx, n["injection"], p, "uptake_min", tp.injection.uptake_min);
    read(ctx, n["injection"], p, "half_life_s", tp.injection.half_life_s);
  }
}

TimepointSpec parseTimepoint(const Ctx& ctx, const YAML::Node& n, const std::string& path, const TimepointSpec& base) {
  checkKeys(ctx, n, path,
            {"label", "date", "scan_time", "physiology", "pose", "ct", "pet", "encoding", "injection", "expected"});
  TimepointSpec tp = base;
  read(ctx, n, path, "label", tp.label);
  if (tp.label.empty()) ctx.fail(join(path, "label"), "required");
  read(ctx, n, path, "date", tp.date);
  read(ctx, n, path, "scan_time", tp.scan_time);
  parseTimepointBody(ctx, n, path, tp);
  // Every time the generator writes for this timepoint stays within its study date: injection
  // (scan - uptake) and, for GE, a series time 40 minutes after the scan.
  {
    const std::string& t = tp.scan_time;
    const bool digits = t.size() == 6 && t.find_first_not_of("0123456789") == std::string::npos;
    const int s = digits ? std::stoi(t.substr(0, 2)) * 3600 + std::stoi(t.substr(2, 2)) * 60 + std::stoi(t.substr(4, 2)) : -1;
    if (!digits || std::stoi(t.substr(0, 2)) > 23 || std::stoi(t.substr(2, 2)) > 59 || std::stoi(t.substr(4, 2)) > 59)
      ctx.fail(join(path, "scan_time"), "expected HHMMSS, got '" + t + "'");
    const double injection = s - 60 * tp.injection.uptake_min;
    const int last = s + (tp.encoding.vendor == PetVendor::Ge ? 40 * 60 : 4 * 60);
    if (injection < 0 || last >= 86400)
      ctx.fail(join(path, "scan_time"), "the injection (scan - uptake_min) and the series times must fall on the "
                                        "study date; " + t + " with " + std::to_string(int(tp.injection.uptake_min)) +
                                        " min uptake crosses midnight");
  }
  if (n["expected"]) {
    const std::string p = join(path, "expected");
    checkKeys(ctx, n["expected"], p, {"ct_response", "deauville", "reason"});
    read(ctx, n["expected"], p, "ct_response", tp.expected.ct_response);
    read(ctx, n["expected"], p, "deauville", tp.expected.deauville);
    read(ctx, n["expected"], p, "reason", tp.expected.reason);
    const auto& r = tp.expected.ct_response;
    if (!r.empty() && r != "CR" && r != "PR" && r != "SD" && r != "PD")
      ctx.fail(join(p, "ct_response"), "'" + r + "' is not one of: CR, PR, SD, PD");
    if (tp.expected.deauville < 0 || tp.expected.deauville > 5) ctx.fail(join(p, "deauville"), "must be 1-5");
  }
  return tp;
}

LesionState parseState(const Ctx& ctx, const YAML::Node& n, const std::string& path) {
  LesionState s;
  if (n.IsScalar()) {
    if (n.as<std::string>() == "absent") {
      s.present = false;
      return s;
    }
    ctx.fail(path, "expected 'absent' or a mapping with diameters_mm and suv");
  }
  checkKeys(ctx, n, path, {"diameters_mm", "suv"});
  if (!n["diameters_mm"]) ctx.fail(join(path, "diameters_mm"), "required");
  readVec3(ctx, n, path, "diameters_mm", s.diameters_mm);
  read(ctx, n, path, "suv", s.suv);
  for (double d : s.diameters_mm)
    if (d <= 0) ctx.fail(join(path, "diameters_mm"), "diameters must be positive (use 'absent' for no lesion)");
  return s;
}

Lesion parseLesion(const Ctx& ctx, const YAML::Node& n, const std::string& path, size_t timepoints) {
  checkKeys(ctx, n, path, {"id", "kind", "shape", "site", "centre_mm", "rotation_deg", "hu", "states"});
  Lesion l;
  read(ctx, n, path, "id", l.id);
  if (l.id.empty()) ctx.fail(join(path, "id"), "required");
  l.kind = readEnum<LesionKind>(ctx, n, path, "kind", {{"nodal", LesionKind::Nodal}, {"extranodal", LesionKind::Extranodal}},
                                l.kind);
  l.shape = readEnum<LesionShape>(ctx, n, path, "shape",
                                  {{"ellipsoid", LesionShape::Ellipsoid}, {"lobulated", LesionShape::Lobulated}}, l.shape);
  read(ctx, n, path, "site", l.site);
  if (!n["centre_mm"]) ctx.fail(join(path, "centre_mm"), "required");
  readVec3(ctx, n, path, "centre_mm", l.centre_mm);
  read(ctx, n, path, "rotation_deg", l.rotation_deg);
  read(ctx, n, path, "hu", l.hu);
  const YAML::Node states = n["states"];
  if (!states || !states.IsSequence() || states.size() != timepoints)
    ctx.fail(join(path, "states"), "expected a list with one state per timepoint (" + std::to_string(timepoints) + ")");
  for (size_t i = 0; i < states.size(); ++i)
    l.states.push_back(parseState(ctx, states[i], join(path, "states") + "[" + std::to_string(i) + "]"));
  return l;
}

void parsePatient(const Ctx& ctx, const YAML::Node& n, PatientInfo& p) {
  checkKeys(ctx, n, "patient", {"id", "name", "sex", "birth_date", "weight_kg", "height_m"});
  read(ctx, n, "patient", "id", p.id);
  read(ctx, n, "patient", "name", p.name);
  read(ctx, n, "patient", "sex", p.sex);
  read(ctx, n, "patient", "birth_date", p.birth_date);
  if (n["weight_kg"]) {
    double w = 0;
    read(ctx, n, "patient", "weight_kg", w);
    p.weight_kg = w;
  }
  if (n["height_m"]) {
    double h = 0;
    read(ctx, n, "patient", "height_m", h);
    p.size_m = h;
  }
}

}  // namespace

PhantomSpec parseSpec(const std::string& text, const std::string& source) {
  Ctx ctx{source};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::CaseFile, source,
                "YAML syntax error at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  checkKeys(ctx, root, "", {"name", "description", "seed", "patient", "defaults", "timepoints", "lesions"});
  PhantomSpec spec;
  read(ctx, root, "", "name", spec.name);
  read(ctx, root, "", "description", spec.description);
  read(ctx, root, "", "seed", spec.seed);
  if (root["patient"]) parsePatient(ctx, root["patient"], spec.patient);
  TimepointSpec base;
  if (root["defaults"]) {
    checkKeys(ctx, root["defaults"], "defaults", {"physiology", "pose", "ct", "pet", "encoding", "injection"});
    parseTimepointBody(ctx, root["defaults"], "defaults", base);
  }
  const YAML::Node tps = root["timepoints"];
  if (!tps || !tps.IsSequence() || tps.size() < 1 || tps.size() > 4)
    ctx.fail("timepoints", "expected a list of 1 to 4 timepoints");
  std::set<std::string> labels;
  for (size_t i = 0; i < tps.size(); ++i) {
    spec.timepoints.push_back(parseTimepoint(ctx, tps[i], "timepoints[" + std::to_string(i) + "]", base));
    if (!labels.insert(spec.timepoints.back().label).second)
      ctx.fail("timepoints[" + std::to_string(i) + "].label", "duplicate label '" + spec.timepoints.back().label + "'");
  }
  for (size_t i = 1; i < spec.timepoints.size(); ++i)
    if (spec.timepoints[i].date < spec.timepoints[i - 1].date)
      ctx.fail("timepoints[" + std::to_string(i) + "].date", "timepoints must be in date order");
  const YAML::Node lesions = root["lesions"];
  if (lesions) {
    if (!lesions.IsSequence()) ctx.fail("lesions", "expected a list");
    std::set<std::string> ids;
    for (size_t i = 0; i < lesions.size(); ++i) {
      spec.lesions.push_back(parseLesion(ctx, lesions[i], "lesions[" + std::to_string(i) + "]", spec.timepoints.size()));
      if (!ids.insert(spec.lesions.back().id).second)
        ctx.fail("lesions[" + std::to_string(i) + "].id", "duplicate id '" + spec.lesions.back().id + "'");
    }
  }
  return spec;
}

PhantomSpec loadSpecFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::NoInput, path.string(), "cannot open the spec file");
  std::stringstream ss;
  ss << in.rdbuf();
  PhantomSpec spec = parseSpec(ss.str(), path.string());
  if (spec.name.empty()) spec.name = path.stem().string();
  return spec;
}

}  // namespace recap::phantom
