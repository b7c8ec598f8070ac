// The patient registry of `recap listen`: a folder of case files (YAML with patient_id and
// target_lesions or target_lesions_from, no timepoints needed) or of baseline TID 1500 SRs (DICOM),
// matched by PatientID. The studies received for the patient, by study date, are the timepoints.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace recap::listen {

struct RegistryEntry {
  std::filesystem::path file;
  bool is_sr = false;  // a baseline SR (targets from it) rather than a case file
};

// The registry entry for `patient_id`, if any. Files that cannot be read are skipped with a
// warning; two entries for one patient throw Error(CaseFile) naming both.
std::optional<RegistryEntry> findPatient(const std::filesystem::path& registry, const std::string& patient_id);

struct Timepoint {
  std::string label;
  std::filesystem::path dicom;  // the study's archive folder
};

// The case file of `recap assess` for the entry and these timepoints (the first the baseline):
// the entry's keys with timepoints replaced, relative paths (profile, target_lesions_from) made
// absolute. Throws Error(CaseFile) naming the entry if it is not a usable case file.
std::string caseFileText(const RegistryEntry& entry, const std::string& patient_id,
                         const std::vector<Timepoint>& timepoints);

// Timepoint labels: baseline, fu1, fu2, ...
std::string timepointLabel(size_t index);

}  // namespace recap::listen
