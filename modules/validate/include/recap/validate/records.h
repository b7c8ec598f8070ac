// What recap validate compares: per patient, timepoint and lesion, the values a reference (phantom
// truth, a reader's CSV, a DICOM SR or SEG) and recap's results (assessment.json) hold. Every
// source becomes the same records, so a new kind of reference only needs a function producing them.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace recap::validate {

struct LesionRecord {
  std::string patient_id, timepoint, lesion_id;
  std::string status;  // "measured", "too_small", "absent", or "" when the source does not say
  std::optional<double> ldi_mm, sdi_mm, ppd_mm2, suv_max;
  bool is_new = false;  // a new lesion (not a target: not in the SPD)
  std::string source;   // the file it came from (for messages)
};

struct TimepointRecord {
  std::string patient_id, timepoint;
  std::optional<std::string> ct_response;  // empty at baseline or when not given
  std::optional<int> deauville;            // 1..5
  std::string source;
};

// A lesion's mask on one timepoint's CT (from a DICOM SEG segment): frames on a common plane
// geometry, each a rows x columns mask (0 or 1, row by row) at its Image Position (Patient).
struct LesionMask {
  std::string patient_id, timepoint;  // either may be empty for a reference SEG (paired by study)
  std::string study_uid, lesion_id;   // the lesion id is the segment's tracking id, else its label
  int rows = 0, columns = 0;
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};  // row direction, column direction
  std::array<double, 2> pixel_spacing{1, 1};            // [between rows, between columns] (mm)
  struct Frame {
    std::array<double, 3> position{0, 0, 0};            // centre of the frame's first pixel, LPS mm
    std::vector<uint8_t> mask;
  };
  std::vector<Frame> frames;
  std::string source;
};

struct RecordSet {
  std::vector<TimepointRecord> timepoints;
  std::vector<LesionRecord> lesions;
  std::vector<LesionMask> masks;
  std::vector<std::string> sources;  // files read
  void append(const RecordSet& other);
};

// Phantom truth: one truth.json object (docs/phantom.md). Throws recap::Error(CaseFile) naming
// `source` when a field is missing or of the wrong type.
RecordSet readTruth(const nlohmann::json& truth, const std::string& source);

// A reader's CSV: header `patient_id,timepoint,lesion_id,ldi_mm,sdi_mm,ct_response,deauville`
// (any order; optional `suv_max`). One row per lesion per timepoint; ct_response and deauville
// repeat on a timepoint's rows (they must agree) and may be empty; a row with an empty lesion_id
// gives only the timepoint's reading. LDi 0 means absent. Throws Error(CaseFile) naming the file
// and line for an unknown or missing column, a bad number, response or score, or a duplicate row.
RecordSet readReaderCsv(const std::string& text, const std::string& source);

// assessment.json of recap assess (docs/formats.md) as records.
RecordSet readAssessment(const nlohmann::json& assessment, const std::string& source);

// A loader for DICOM references (TID 1500 SR, SEG): given a DICOM file, its records. recap validate
// registers readDicomReference (sr_reference.h); without a loader loadReference refuses DICOM files
// with Error(Unsupported).
using DicomReferenceLoader = std::function<RecordSet(const std::filesystem::path&)>;
void setDicomReferenceLoader(DicomReferenceLoader loader);

// A reference from `path`: a folder (every truth.json below it), a truth.json or phantom.json
// file, a reader's .csv, or a DICOM file (through the registered DICOM loader). Throws
// Error(NoInput) when the path is missing or holds no reference, Error(CaseFile) when a file is
// invalid.
RecordSet loadReference(const std::filesystem::path& path);

// recap's results under `dir`: `dir/assessment.json` (one recap assess output) or every
// `dir/<case>/assessment.json` (recap batch output; failed cases have none), with the lesion masks
// of the `<label>_SEG.dcm` files beside them (recap assess --dicom-out). `folders` maps each
// patient id to its output folder (where report.html is). Throws Error(NoInput) when there is
// none, Error(CaseFile) when two folders hold the same patient.
struct Results {
  RecordSet records;
  std::map<std::string, std::filesystem::path> folders;
};
Results loadResults(const std::filesystem::path& dir);

// Throws Error(CaseFile) when two records share a key (patient, timepoint[, lesion]), naming both sources.
void checkUnique(const RecordSet& records);

}  // namespace recap::validate
