// Indexing a folder tree of DICOM files into patients, studies and series, and choosing the
// series recap uses. The rules are documented in docs/ingestion.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "recap/dicom/header.h"

namespace recap::dicom {

// What a series is, for recap's purposes.
enum class SeriesRole {
  CtVolume,      // axial CT image volume
  PetAc,         // attenuation-corrected PET image volume
  PetNac,        // PET without attenuation correction
  Localizer,     // CT scout / topogram / localizer
  Derived,       // MIP, screen capture, secondary capture, non-axial reformat
  Report,        // structured report (SR)
  Segmentation,  // DICOM SEG
  Other          // anything else (RT objects, presentation states, unsupported images)
};

const char* roleName(SeriesRole role);  // "ct_volume", "pet_ac", ...

struct Series {
  std::string uid;
  std::string modality;
  std::vector<InstanceHeader> instances;  // in the order found; see geometry.h for slice order
  SeriesRole role = SeriesRole::Other;
  std::string role_reason;  // why it got this role

  const InstanceHeader& first() const { return instances.front(); }
  std::string label() const;  // "series 3 'CT WB 3mm' (1.2.3...)" for messages
};

struct Study {
  std::string uid;
  std::string patient_id, patient_name, date, time, description;
  std::vector<Series> series;  // ordered by series number, then UID

  // The series recap would use, with the reasons (empty optional: none suitable).
  std::optional<size_t> selected_ct, selected_pet;
  std::string ct_selection_reason, pet_selection_reason;
};

struct UnreadableFile {
  std::filesystem::path path;
  std::string problem;
};

struct Index {
  std::filesystem::path root;
  std::vector<Study> studies;  // ordered by date/time, then UID
  size_t files_seen = 0;
  size_t dicom_instances = 0;
  size_t skipped_non_dicom = 0;   // text files, lock files, DICOMDIR, ...
  size_t duplicate_instances = 0; // same SOP Instance UID found twice (second copy ignored)
  std::vector<UnreadableFile> unreadable;

  std::vector<std::string> patientIds() const;
};

struct IndexOptions {
  unsigned threads = 0;  // 0: recap::workerThreads() (one per core unless ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS says)
};

// Walks `root` (a folder, recursively, or a single file), reads each file's header once without
// its pixel data, groups, classifies and selects. Throws Error(NoInput) if `root` does not exist.
// Finding no DICOM is not an error here (the Index is empty); callers decide.
Index indexPath(const std::filesystem::path& root, const IndexOptions& options = {});

// Classification and selection, exposed for tests (indexPath applies both).
void classifySeries(Series& series);
void selectSeries(Study& study);

}  // namespace recap::dicom
