// One DICOM instance's header, read without its pixel data.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "recap/suv/suv.h"

namespace recap::dicom {

// The attributes recap uses, as found in one file. Strings have surrounding spaces removed;
// multi-valued strings are joined with '\'. Absent numeric attributes are empty optionals.
struct InstanceHeader {
  std::filesystem::path path;
  std::string transfer_syntax_uid;
  std::string sop_class_uid, sop_instance_uid;
  std::string modality;
  std::string patient_id, patient_name, patient_sex, patient_birth_date;
  std::string study_uid, study_date, study_time, study_description, accession_number;
  std::string series_uid, series_description, series_date, series_time;
  std::optional<int> series_number;
  std::string frame_of_reference_uid;
  std::string image_type;
  std::optional<int> instance_number;
  std::string manufacturer, model, convolution_kernel, patient_position, body_part;
  std::string acquisition_date, acquisition_time;

  // Image pixel module.
  int rows = 0, cols = 0, samples_per_pixel = 1, number_of_frames = 1;
  int bits_allocated = 0, bits_stored = 0, high_bit = 0, pixel_representation = 0;
  std::string photometric;
  bool has_pixel_data = false;

  // Image plane module.
  std::optional<std::array<double, 3>> position;      // Image Position (Patient), mm
  std::optional<std::array<double, 6>> orientation;   // Image Orientation (Patient)
  std::optional<std::array<double, 2>> pixel_spacing; // [between rows, between columns], mm
  std::optional<double> slice_thickness;
  double rescale_slope = 1.0, rescale_intercept = 0.0;

  suv::PetHeader pet;  // filled for PT
};

enum class ReadOutcome {
  Ok,         // a DICOM instance; header filled
  NotDicom,   // not a DICOM file (skipped quietly)
  Directory,  // a DICOMDIR or other media file without an image (skipped quietly)
  Unreadable  // looks like DICOM but cannot be parsed; `problem` says why
};

struct ReadResult {
  ReadOutcome outcome = ReadOutcome::NotDicom;
  InstanceHeader header;
  std::string problem;
};

// Reads one file's header, stopping before the pixel data. Never throws for bad input.
ReadResult readHeader(const std::filesystem::path& path);

// Turns off DCMTK's and GDCM's own console logging (recap reports problems itself). Idempotent.
void quietLibraries();

// The transfer syntaxes recap decodes, and a human name for any UID.
bool isSupportedTransferSyntax(const std::string& uid);
std::string transferSyntaxName(const std::string& uid);
// Whether a supported transfer syntax stores its pixel data encapsulated (a sequence of items: the
// JPEG family, JPEG 2000, RLE), and whether it is JPEG 2000, JPEG-LS, or JPEG (ISO/IEC 10918-1:
// baseline, extended, lossless). False for an unsupported one.
bool isEncapsulatedTransferSyntax(const std::string& uid);
bool isJpeg2000TransferSyntax(const std::string& uid);
bool isJpegLsTransferSyntax(const std::string& uid);
bool isJpegTransferSyntax(const std::string& uid);

// True if the backslash-separated value list `values` contains `token` (case-insensitive).
bool hasValue(const std::string& values, const std::string& token);

}  // namespace recap::dicom
