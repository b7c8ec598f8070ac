// A Secondary Capture image (RGB) in a timepoint's study: recap assess --dicom-out stores the SPD
// plot of the report this way, so that a PACS viewer shows it beside the SR. Plain types only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recap/srseg/sr.h"

namespace recap::srseg {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width x height x 3, row by row
};

struct CaptureWriteOptions {
  std::string sop_instance_uid;  // empty: a new UID
  std::string series_uid;        // empty: a new UID
  int series_number = 903;
  std::string series_description = "recap report";
  std::string image_comments;    // e.g. what the image shows
  std::string manufacturer = "recap";
  std::string software_version;
};

// Writes a Secondary Capture Image Storage object (Modality OT, conversion type WSD). Throws
// recap::Error(Output) naming `path`.
void writeSecondaryCapture(const std::filesystem::path& path, const SourceContext& source, const RgbImage& image,
                           const CaptureWriteOptions& options);

// Reads the pixels of an 8-bit RGB Secondary Capture back (tests). Throws recap::Error naming `path`.
RgbImage readSecondaryCapture(const std::filesystem::path& path);

}  // namespace recap::srseg
