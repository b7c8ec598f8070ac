// Writes synthetic CT and PET image series as DICOM files, the way vendors write them.
//
// Used by the tests (series with known geometry and values), by the sample generator in
// dicom_samples/, and by `recap phantom`. The writer quantises physical values (HU, Bq/ml, ...)
// to stored integers with the series' rescale slope/intercept, exactly as a scanner does, so a
// reader that applies the rescale gets the values back within half a quantisation step.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace recap::phantom {

struct PatientInfo {
  std::string id = "PHANTOM-001";
  std::string name = "Phantom^Patient";
  std::string sex = "M";                 // (0010,0040)
  std::string birth_date = "19600101";   // (0010,0030)
  std::optional<double> weight_kg = 75.0;  // (0010,1030)
  std::optional<double> size_m = 1.75;     // (0010,1020)
};

struct StudyInfo {
  std::string study_uid;            // required
  std::string study_date = "20240115";
  std::string study_time = "090000";
  std::string description = "PET-CT WB";
  std::string accession = "ACC0001";
  std::string study_id = "1";
};

// PET-specific attributes. Optional / empty values are not written.
struct PetInfo {
  std::string units = "BQML";                     // (0054,1001)
  std::string corrected_image = "DECY\\ATTN\\SCAT\\DTIM\\RAN\\NORM";  // (0028,0051)
  std::string decay_correction = "START";         // (0054,1102)
  std::string suv_type;                           // (0054,1006)
  std::string radiopharmaceutical = "Fluorodeoxyglucose";
  std::string start_time = "080000";              // (0018,1072)
  std::string start_datetime;                     // (0018,1078)
  std::optional<double> total_dose_bq = 3.7e8;    // (0018,1074)
  std::optional<double> half_life_s = 6586.2;     // (0018,1075)
  std::optional<double> positron_fraction = 0.97; // (0018,1076)
  std::optional<double> frame_reference_time_ms;  // (0054,1300)
  std::optional<double> actual_frame_duration_ms; // (0018,1242)
  std::optional<double> philips_suv_factor;       // (7053,1000) with creator "Philips PET Private Group"
  std::optional<double> philips_activity_factor;  // (7053,1009) same creator
  std::string ge_scan_datetime;                   // (0009,100D) with creator "GEMS_PETD_01"
};

enum class FileNaming {
  SopInstanceUid,  // "<SOPInstanceUID>.dcm"
  InstanceNumber,  // "IM000001" ... in slice order
  Shuffled         // random 8-hex-digit names without extension, unrelated to slice order
};

struct SeriesSpec {
  std::string modality = "CT";        // "CT" or "PT"
  std::string sop_class_uid;          // empty: CT Image Storage or PET Image Storage by modality
  std::string series_uid;             // required; SOP Instance UIDs are "<series_uid>.<k+1>"
  std::string frame_of_reference_uid; // required
  int series_number = 1;
  std::string series_description;
  std::string series_date = "20240115", series_time = "090000";
  std::string image_type = "ORIGINAL\\PRIMARY\\AXIAL";
  std::string manufacturer = "SIEMENS";
  std::string model = "Biograph";
  std::string convolution_kernel;     // (0018,1210), CT only
  std::string patient_position = "HFS";  // (0018,5100)

  // Geometry. Slice k (k = 0..slices-1, the order of `values`) lies at
  // first_position + k * slice_spacing * normal, normal = row_dir x col_dir, unless `positions`
  // is non-empty, in which case it gives each slice's Image Position (Patient) explicitly.
  int cols = 64, rows = 64, slices = 32;
  double row_spacing_mm = 1.0;        // distance between rows    = PixelSpacing[0]
  double col_spacing_mm = 1.0;        // distance between columns = PixelSpacing[1]
  double slice_spacing_mm = 2.0;
  double slice_thickness_mm = 2.0;
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};  // Image Orientation (Patient): row dir, col dir
  std::array<double, 3> first_position{0, 0, 0};        // IPP of slice 0
  std::vector<std::array<double, 3>> positions;         // optional explicit IPP per slice

  // Pixel encoding. stored = round((value - intercept) / slope), clamped to the stored range.
  bool pixel_signed = true;           // Pixel Representation 1 (signed) or 0 (unsigned)
  int bits_stored = 16;               // 12 or 16 (Bits Allocated is always 16)
  double rescale_slope = 1.0;         // CT: fixed slope; PET: ignored when per_slice_slope is set
  double rescale_intercept = 0.0;
  // PET as most scanners write it: each slice gets its own slope (max |value| / max stored value)
  // and intercept 0.
  bool per_slice_slope = false;

  // Acquisition time per slice; if empty, every slice gets series_date/series_time.
  std::string acquisition_date = "20240115";
  std::vector<std::string> acquisition_times;  // one TM per slice, or one for all

  // Instance Number per slice; if empty, 1..slices in slice order.
  std::vector<int> instance_numbers;

  std::optional<PetInfo> pet;  // written for PT
  FileNaming naming = FileNaming::SopInstanceUid;
  unsigned seed = 1;           // for shuffled names
  // Attributes to delete before writing, as (group, element), searched in the top level and in
  // the Radiopharmaceutical Information Sequence. Lets tests make headers with missing fields.
  std::vector<std::pair<uint16_t, uint16_t>> remove_tags;
};

// Writes `spec.slices` files into `dir` (created if needed) in Explicit VR Little Endian.
// `values` holds cols*rows*slices physical values, column index fastest, then row, then slice.
// Returns the written paths in slice order. Throws recap::Error(Output) on failure.
std::vector<std::filesystem::path> writeSeries(const SeriesSpec& spec, const PatientInfo& patient,
                                               const StudyInfo& study, const std::vector<float>& values,
                                               const std::filesystem::path& dir);

// The physical value a reader gets back for `value` after quantisation of slice `k` (tests
// compare against this, not against the unquantised value).
float quantised(const SeriesSpec& spec, const std::vector<float>& values, int k, float value);

}  // namespace recap::phantom
