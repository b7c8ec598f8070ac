#include "recap/validate/records.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "recap/batch/csv.h"
#include "recap/validate/masks.h"
#include "recap/core/error.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap::validate {

void RecordSet::append(const RecordSet& other) {
  timepoints.insert(timepoints.end(), other.timepoints.begin(), other.timepoints.end());
  lesions.insert(lesions.end(), other.lesions.begin(), other.lesions.end());
  masks.insert(masks.end(), other.masks.begin(), other.masks.end());
  sources.insert(sources.end(), other.sources.begin(), other.sources.end());
}

namespace {

[[noreturn]] void invalid(const std::string& source, const std::string& reason) {
  throw Error(ErrorCode::CaseFile, source, reason);
}

const json& field(const json& object, const char* key, const std::string& source, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) invalid(source, where + key + ": missing");
  return object.at(key);
}

std::string stringField(const json& object, const char* key, const std::string& source, const std::string& where) {
  const json& v = field(object, key, source, where);
  if (!v.is_string()) invalid(source, where + key + ": not a string");
  return v.get<std::string>();
}

std::optional<double> numberField(const json& object, const char* key, const std::string& source, const std::string& where) {
  const json& v = field(object, key, source, where);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number()) invalid(source, where + key + ": not a number");
  return v.get<double>();
}

std::optional<std::string> optionalString(const json& object, const char* key, const std::string& source,
                                          const std::string& where) {
  if (!object.contains(key) || object.at(key).is_null()) return std::nullopt;
  if (!object.at(key).is_string()) invalid(source, where + key + ": not a string");
  return object.at(key).get<std::string>();
}

std::optional<int> optionalScore(const json& object, const char* key, const std::string& source, const std::string& where) {
  if (!object.contains(key) || object.at(key).is_null()) return std::nullopt;
  const json& v = object.at(key);
  if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > 5) invalid(source, where + key + ": not a score 1..5");
  return v.get<int>();
}

bool isDicom(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char buf[132] = {};
  return in.read(buf, sizeof buf) && std::string(buf + 128, 4) == "DICM";
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::NoInput, path.string(), "cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json parseJson(const fs::path& path) {
  try {
    return json::parse(readFile(path));
  } catch (const json::exception& e) {
    invalid(path.string(), std::string("not valid JSON: ") + e.what());
  }
}

DicomReferenceLoader& dicomLoader() {
  static DicomReferenceLoader loader;
  return loader;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

}  // namespace

RecordSet readTruth(const json& truth, const std::string& source) {
  RecordSet r;
  r.sources.push_back(source);
  TimepointRecord tp;
  tp.patient_id = stringField(truth, "patient_id", source, "");
  tp.timepoint = stringField(truth, "label", source, "");
  tp.source = source;
  if (truth.contains("expected")) {
    tp.ct_response = optionalString(truth["expected"], "ct_response", source, "expected.");
    tp.deauville = optionalScore(truth["expected"], "deauville", source, "expected.");
  }
  r.timepoints.push_back(tp);
  const json& lesions = field(truth, "lesions", source, "");
  if (!lesions.is_array()) invalid(source, "lesions: not a list");
  for (size_t i = 0; i < lesions.size(); ++i) {
    const json& l = lesions[i];
    const std::string where = "lesions[" + std::to_string(i) + "].";
    LesionRecord lr;
    lr.patient_id = tp.patient_id;
    lr.timepoint = tp.timepoint;
    lr.source = source;
    lr.lesion_id = stringField(l, "id", source, where);
    lr.status = stringField(l, "status", source, where);
    if (lr.status != "measured" && lr.status != "too_small" && lr.status != "absent")
      invalid(source, where + "status: '" + lr.status + "' is not measured, too_small or absent");
    lr.is_new = l.contains("new") && l["new"].is_boolean() && l["new"].get<bool>();
    if (lr.status != "absent") {
      lr.ldi_mm = numberField(l, "ldi_mm", source, where);
      lr.sdi_mm = numberField(l, "sdi_mm", source, where);
      lr.ppd_mm2 = numberField(l, "ppd_mm2", source, where);
      if (l.contains("suv_max")) lr.suv_max = numberField(l, "suv_max", source, where);
    } else {
      lr.ldi_mm = lr.sdi_mm = lr.ppd_mm2 = 0.0;
    }
    r.lesions.push_back(lr);
  }
  return r;
}

RecordSet readReaderCsv(const std::string& text, const std::string& source) {
  std::vector<std::vector<std::string>> rows;
  try {
    rows = batch::parseCsv(text);
  } catch (const std::invalid_argument& e) {
    invalid(source, e.what());
  }
  if (rows.empty()) invalid(source, "empty: expected a header row");
  static const std::vector<std::string> required = {"patient_id", "timepoint", "lesion_id", "ldi_mm",
                                                    "sdi_mm", "ct_response", "deauville"};
  static const std::vector<std::string> optional = {"suv_max"};
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    const std::string name = trim(rows[0][i]);
    if (std::find(required.begin(), required.end(), name) == required.end() &&
        std::find(optional.begin(), optional.end(), name) == optional.end())
      invalid(source, "line 1: unknown column '" + name +
                          "' (columns: patient_id, timepoint, lesion_id, ldi_mm, sdi_mm, ct_response, deauville, suv_max)");
    if (col.count(name)) invalid(source, "line 1: column '" + name + "' twice");
    col[name] = i;
  }
  for (const std::string& name : required)
    if (!col.count(name)) invalid(source, "line 1: missing column '" + name + "'");

  RecordSet r;
  r.sources.push_back(source);
  std::map<std::string, size_t> timepoint_at;  // patient/timepoint -> index in r.timepoints
  std::map<std::string, size_t> line_of;       // patient/timepoint/lesion -> line
  for (size_t n = 1; n < rows.size(); ++n) {
    const auto& row = rows[n];
    const std::string line = "line " + std::to_string(n + 1) + ": ";
    if (row.size() == 1 && trim(row[0]).empty()) continue;  // a blank line
    if (row.size() != rows[0].size())
      invalid(source, line + std::to_string(row.size()) + " cells, the header has " + std::to_string(rows[0].size()));
    auto cell = [&](const std::string& name) { return col.count(name) ? trim(row[col.at(name)]) : std::string(); };
    auto number = [&](const std::string& name) -> std::optional<double> {
      const std::string s = cell(name);
      if (s.empty()) return std::nullopt;
      try {
        size_t used = 0;
        const double v = std::stod(s, &used);
        if (used == s.size() && std::isfinite(v) && v >= 0) return v;
      } catch (const std::exception&) {
      }
      invalid(source, line + name + ": '" + s + "' is not a number >= 0");
    };
    const std::string patient = cell("patient_id"), timepoint = cell("timepoint"), lesion = cell("lesion_id");
    if (patient.empty()) invalid(source, line + "patient_id is empty");
    if (timepoint.empty()) invalid(source, line + "timepoint is empty");

    std::optional<std::string> response;
    if (!cell("ct_response").empty()) {
      std::string s = cell("ct_response");
      for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
      if (s != "CR" && s != "PR" && s != "SD" && s != "PD" && s != "IR")
        invalid(source, line + "ct_response: '" + cell("ct_response") + "' is not CR, PR, SD, PD or IR");
      response = s;
    }
    std::optional<int> deauville;
    if (!cell("deauville").empty()) {
      const std::string s = cell("deauville");
      if (s.size() != 1 || s[0] < '1' || s[0] > '5') invalid(source, line + "deauville: '" + s + "' is not a score 1..5");
      deauville = s[0] - '0';
    }
    const std::string tp_key = patient + "\n" + timepoint;
    auto it = timepoint_at.find(tp_key);
    if (it == timepoint_at.end()) {
      it = timepoint_at.emplace(tp_key, r.timepoints.size()).first;
      r.timepoints.push_back({patient, timepoint, response, deauville, source + ":" + std::to_string(n + 1)});
    } else {
      TimepointRecord& tp = r.timepoints[it->second];
      if (response && tp.ct_response && *response != *tp.ct_response)
        invalid(source, line + "ct_response " + *response + " differs from " + *tp.ct_response + " given earlier for " +
                            patient + " " + timepoint);
      if (deauville && tp.deauville && *deauville != *tp.deauville)
        invalid(source, line + "deauville " + std::to_string(*deauville) + " differs from " + std::to_string(*tp.deauville) +
                            " given earlier for " + patient + " " + timepoint);
      if (response) tp.ct_response = response;
      if (deauville) tp.deauville = deauville;
    }
    if (lesion.empty()) {
      if (!cell("ldi_mm").empty() || !cell("sdi_mm").empty()) invalid(source, line + "diameters given without a lesion_id");
      continue;
    }
    const std::string key = tp_key + "\n" + lesion;
    if (line_of.count(key))
      invalid(source, line + "lesion " + lesion + " at " + patient + " " + timepoint + " already given at line " +
                          std::to_string(line_of[key]));
    line_of[key] = n + 1;
    LesionRecord l;
    l.patient_id = patient;
    l.timepoint = timepoint;
    l.lesion_id = lesion;
    l.source = source + ":" + std::to_string(n + 1);
    l.ldi_mm = number("ldi_mm");
    l.sdi_mm = number("sdi_mm");
    l.suv_max = number("suv_max");
    if (l.ldi_mm && l.sdi_mm && *l.sdi_mm > *l.ldi_mm)
      invalid(source, line + "sdi_mm " + cell("sdi_mm") + " is larger than ldi_mm " + cell("ldi_mm"));
    if (l.ldi_mm && *l.ldi_mm == 0) {
      l.status = "absent";
      l.sdi_mm = l.ppd_mm2 = 0.0;
    } else if (l.ldi_mm && l.sdi_mm) {
      l.status = "measured";
      l.ppd_mm2 = *l.ldi_mm * *l.sdi_mm;
    }
    r.lesions.push_back(l);
  }
  return r;
}

RecordSet readAssessment(const json& a, const std::string& source) {
  RecordSet r;
  r.sources.push_back(source);
  const std::string patient = stringField(a, "patient_id", source, "");
  const json& tps = field(a, "timepoints", source, "");
  if (!tps.is_array()) invalid(source, "timepoints: not a list");
  for (size_t t = 0; t < tps.size(); ++t) {
    const json& tp = tps[t];
    const std::string where = "timepoints[" + std::to_string(t) + "].";
    TimepointRecord tr;
    tr.patient_id = patient;
    tr.timepoint = stringField(tp, "label", source, where);
    tr.ct_response = optionalString(tp, "ct_response", source, where);
    tr.deauville = optionalScore(tp, "deauville", source, where);
    tr.source = source;
    r.timepoints.push_back(tr);
    const json& lesions = field(tp, "lesions", source, where);
    for (size_t i = 0; i < lesions.size(); ++i) {
      const json& l = lesions[i];
      const std::string lw = where + "lesions[" + std::to_string(i) + "].";
      LesionRecord lr;
      lr.patient_id = patient;
      lr.timepoint = tr.timepoint;
      lr.source = source;
      lr.lesion_id = stringField(l, "id", source, lw);
      lr.status = stringField(l, "status", source, lw);
      lr.ldi_mm = numberField(l, "ldi_mm", source, lw);
      lr.sdi_mm = numberField(l, "sdi_mm", source, lw);
      lr.ppd_mm2 = numberField(l, "ppd_mm2", source, lw);
      lr.suv_max = numberField(l, "suv_max", source, lw);
      lr.is_new = l.contains("new") && l["new"].is_boolean() && l["new"].get<bool>();
      r.lesions.push_back(lr);
    }
  }
  return r;
}

void setDicomReferenceLoader(DicomReferenceLoader loader) { dicomLoader() = std::move(loader); }

RecordSet loadReference(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(ErrorCode::NoInput, path.string(), "reference not found");
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(path, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_regular_file() && it->path().filename() == "truth.json") files.push_back(it->path());
    }
    if (ec) throw Error(ErrorCode::NoInput, path.string(), "cannot be listed: " + ec.message());
    if (files.empty()) throw Error(ErrorCode::NoInput, path.string(), "no truth.json below this folder");
    std::sort(files.begin(), files.end());
    RecordSet r;
    for (const fs::path& f : files) r.append(readTruth(parseJson(f), f.string()));
    return r;
  }
  const std::string ext = path.extension().string();
  if (ext == ".csv") return readReaderCsv(readFile(path), path.string());
  if (ext == ".json") {
    const json j = parseJson(path);
    if (j.is_object() && j.contains("timepoint_truth")) {  // phantom.json: every timepoint's truth
      RecordSet r;
      for (const json& t : j["timepoint_truth"]) r.append(readTruth(t, path.string()));
      return r;
    }
    return readTruth(j, path.string());
  }
  if (isDicom(path)) {
    if (!dicomLoader())
      throw Error(ErrorCode::Unsupported, path.string(), "DICOM SR/SEG references are not readable yet by this build");
    RecordSet r = dicomLoader()(path);
    if (r.sources.empty()) r.sources.push_back(path.string());
    return r;
  }
  invalid(path.string(), "not a reference: expected a folder of truth.json, a .json truth, a reader .csv or a DICOM SR/SEG file");
}

Results loadResults(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(ErrorCode::NoInput, dir.string(), "results folder not found");
  std::vector<fs::path> folders;
  if (fs::exists(dir / "assessment.json", ec)) {
    folders.push_back(dir);
  } else {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_directory() && !name.empty() && name[0] != '.' && fs::exists(e.path() / "assessment.json")) folders.push_back(e.path());
    }
    std::sort(folders.begin(), folders.end());
  }
  if (folders.empty())
    throw Error(ErrorCode::NoInput, dir.string(), "no assessment.json in this folder or its case folders (recap assess or batch output)");
  Results res;
  for (const fs::path& f : folders) {
    const fs::path file = f / "assessment.json";
    const json a = parseJson(file);
    const RecordSet r = readAssessment(a, file.string());
    const std::string patient = a.at("patient_id").get<std::string>();  // checked by readAssessment
    if (res.folders.count(patient))
      invalid(file.string(), "patient " + patient + " is also in " + (res.folders[patient] / "assessment.json").string());
    res.folders[patient] = f;
    res.records.append(r);
    // The lesion masks recap assess --dicom-out wrote beside it: <label>_SEG.dcm.
    std::vector<fs::path> segs;
    for (const auto& e : fs::directory_iterator(f, ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name.size() > 8 && name.compare(name.size() - 8, 8, "_SEG.dcm") == 0) segs.push_back(e.path());
    }
    std::sort(segs.begin(), segs.end());
    for (const fs::path& seg : segs) {
      const std::string name = seg.filename().string();
      for (LesionMask m : readSegMasks(seg)) {
        m.patient_id = patient;
        m.timepoint = name.substr(0, name.size() - 8);
        res.records.masks.push_back(std::move(m));
      }
    }
  }
  return res;
}

void checkUnique(const RecordSet& records) {
  std::map<std::string, std::string> seen;
  for (const auto& t : records.timepoints) {
    const auto [it, fresh] = seen.emplace(t.patient_id + "\n" + t.timepoint, t.source);
    if (!fresh) invalid(t.source, "patient " + t.patient_id + " timepoint " + t.timepoint + " is also given in " + it->second);
  }
  seen.clear();
  for (const auto& l : records.lesions) {
    const auto [it, fresh] = seen.emplace(l.patient_id + "\n" + l.timepoint + "\n" + l.lesion_id, l.source);
    if (!fresh)
      invalid(l.source, "patient " + l.patient_id + " timepoint " + l.timepoint + " lesion " + l.lesion_id +
                            " is also given in " + it->second);
  }
}

}  // namespace recap::validate
