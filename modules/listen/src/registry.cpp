#include "recap/listen/registry.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "recap/core/error.h"
#include <spdlog/spdlog.h>

namespace recap::listen {
namespace fs = std::filesystem;

namespace {

bool hasExt(const fs::path& p, std::initializer_list<const char*> exts) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(exts.begin(), exts.end(), [&](const char* x) { return e == x; });
}

// The PatientID of a registry file, "" if it has none or cannot be read (warned).
std::string patientOf(const fs::path& file, bool is_sr) {
  if (is_sr) {
    DcmFileFormat ff;
    if (ff.loadFileUntilTag(file.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData).bad()) {
      spdlog::warn(file.string() + ": registry: not readable as DICOM; skipped");
      return "";
    }
    OFString id;
    ff.getDataset()->findAndGetOFString(DCM_PatientID, id);
    return id.c_str();
  }
  try {
    const YAML::Node n = YAML::LoadFile(file.string());
    if (n.IsMap() && n["patient_id"]) return n["patient_id"].as<std::string>();
  } catch (const YAML::Exception& e) {
    spdlog::warn(file.string() + ": registry: not a readable case file (" + e.what() + "); skipped");
  }
  return "";
}

}  // namespace

std::optional<RegistryEntry> findPatient(const fs::path& registry, const std::string& patient_id) {
  std::error_code ec;
  if (!fs::is_directory(registry, ec))
    throw Error(ErrorCode::NoInput, registry.string(), "registry folder not found");
  std::optional<RegistryEntry> found;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(registry)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    if (!fs::is_regular_file(f)) continue;
    const bool yaml = hasExt(f, {".yaml", ".yml"}), sr = hasExt(f, {".dcm"});
    if (!yaml && !sr) continue;
    if (patientOf(f, sr) != patient_id) continue;
    if (found)
      throw Error(ErrorCode::CaseFile, f.string(),
                  "patient '" + patient_id + "' is also in " + found->file.string() + " (one registry entry per patient)");
    found = RegistryEntry{f, sr};
  }
  return found;
}

std::string timepointLabel(size_t index) { return index == 0 ? "baseline" : "fu" + std::to_string(index); }

std::string caseFileText(const RegistryEntry& entry, const std::string& patient_id, const std::vector<Timepoint>& timepoints) {
  const fs::path base = fs::absolute(entry.file).parent_path();
  auto absolute = [&](const std::string& p) { return fs::path(p).is_absolute() ? p : (base / p).lexically_normal().string(); };
  YAML::Node out;
  if (entry.is_sr) {
    out["patient_id"] = patient_id;
    out["target_lesions_from"] = fs::absolute(entry.file).lexically_normal().string();
  } else {
    YAML::Node in;
    try {
      in = YAML::LoadFile(entry.file.string());
    } catch (const YAML::Exception& e) {
      throw Error(ErrorCode::CaseFile, entry.file.string(), std::string("not valid YAML: ") + e.what());
    }
    if (!in["target_lesions"] && !in["target_lesions_from"])
      throw Error(ErrorCode::CaseFile, entry.file.string(), "registry case file without target_lesions or target_lesions_from");
    for (const auto& kv : in) {
      const auto key = kv.first.as<std::string>();
      if (key == "timepoints") continue;  // the received studies are the timepoints
      if (key == "profile" || key == "target_lesions_from") out[key] = absolute(kv.second.as<std::string>());
      else out[key] = kv.second;
    }
  }
  YAML::Node tps(YAML::NodeType::Sequence);
  for (const Timepoint& t : timepoints) {
    YAML::Node n;
    n["label"] = t.label;
    n["dicom"] = t.dicom.string();
    tps.push_back(n);
  }
  out["timepoints"] = tps;
  YAML::Emitter e;
  e << out;
  return std::string(e.c_str()) + "\n";
}

}  // namespace recap::listen
