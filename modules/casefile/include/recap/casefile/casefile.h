// The case file of `recap assess` (YAML, docs/case-file.md): one patient, its timepoints with the
// folder holding each date's CT and PET, the target lesions marked on the baseline, new lesions,
// reviewer overrides and the criteria profile. Parsing is strict: an unknown key, a wrong type, a
// duplicate lesion id or a missing folder is an Error(CaseFile) naming the file and the key path.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "recap/response/case.h"
#include "recap/response/profile.h"

namespace recap::casefile {

using Point3 = std::array<double, 3>;

struct Lesion {
  std::string id;
  response::LesionKind kind = response::LesionKind::Nodal;
  Point3 seed_mm{0, 0, 0};  // LPS mm, on the timepoint the lesion is marked on
};

struct Timepoint {
  std::string label;
  std::filesystem::path dicom;  // resolved against the case file's folder
  std::vector<Lesion> new_lesions;
  std::optional<Point3> liver_centre_mm, blood_pool_centre_mm;
  std::optional<double> spleen_length_mm;
  std::map<std::string, response::Diameters> reviewer_diameters;  // lesion id -> reviewer's LDi/SDi
};

struct CaseFile {
  std::filesystem::path source;  // the file it was read from
  std::string patient_id;
  std::vector<Timepoint> timepoints;  // time order; [0] is the baseline
  std::vector<Lesion> targets;  // empty when target_lesions_from is given
  // A baseline TID 1500 SR (resolved path) whose measurement groups are the targets: recap assess
  // reads it against the baseline CT (docs/case-file.md).
  std::optional<std::filesystem::path> target_lesions_from;
  std::optional<std::filesystem::path> profile_path;  // resolved; empty: built-in lugano2014
  response::CriteriaProfile profile;                   // loaded (or the built-in one)
};

struct ParseOptions {
  bool check_folders = true;  // every timepoint's dicom folder must exist
};

// Parses YAML text; relative paths are resolved against `base_dir`. `source` names the file in
// errors. The profile file, when given, is loaded too.
CaseFile parseCaseFile(const std::string& yaml_text, const std::string& source,
                       const std::filesystem::path& base_dir, const ParseOptions& options = {});

// Reads and parses a case file (Error(CaseFile) naming it if it cannot be read).
CaseFile loadCaseFile(const std::filesystem::path& path, const ParseOptions& options = {});

}  // namespace recap::casefile
