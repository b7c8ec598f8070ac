// For the regression tests on corrupt slices: a file loaded as a one-slice series, as loadVolume
// loads every slice of a series; and the valid slices (the volume fuzzer's seeds) those tests change
// a few bytes of.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

#include "recap/core/error.h"
#include "recap/dicom/header.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"

namespace recap::test {

// The reason of the error loading `file` raises, "" when it loads. Expects the header to read and
// the error, if any, to be CorruptInput naming the file. A PET slice loads in `options`' units (Raw
// for one that is not attenuation-corrected, whose SUV recap refuses before decoding it).
inline std::string loadProblem(const std::filesystem::path& file, const dicom::LoadOptions& options = {}) {
  const dicom::ReadResult r = dicom::readHeader(file);
  EXPECT_EQ(r.outcome, dicom::ReadOutcome::Ok) << file << ": " << r.problem;
  dicom::Series series;
  series.modality = r.header.modality;
  series.uid = r.header.series_uid;
  series.instances.push_back(r.header);
  try {
    (void)dicom::loadVolume(series, options);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptInput) << e.what();
    EXPECT_EQ(e.file(), file.string());
    return e.reason();
  }
  return {};
}

// A valid JPEG 2000 CT slice (the volume fuzzer's seed).
inline std::filesystem::path validJpeg2000Slice() {
  return std::filesystem::path(RECAP_SOURCE_DIR) / "fuzz/corpus/volume/ct_j2k.dcm";
}

// One of the volume fuzzer's seed slices, fuzz/corpus/volume/NAME.dcm.
inline std::filesystem::path seedSlice(const std::string& name) {
  return std::filesystem::path(RECAP_SOURCE_DIR) / ("fuzz/corpus/volume/" + name + ".dcm");
}

// The seeds' PET slices are not attenuation-corrected: they load in the series' own units.
inline dicom::LoadOptions rawPetUnits() {
  dicom::LoadOptions o;
  o.pet_units = dicom::PetUnits::Raw;
  return o;
}

inline std::string fileBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// loadProblem of `bytes` written to a temporary file (named after `name` and the process), removed after.
inline std::string loadProblemOfBytes(const std::string& bytes, const std::string& name,
                                      const dicom::LoadOptions& options = {}) {
  const std::filesystem::path p =
      std::filesystem::temp_directory_path() / ("recap_" + name + "_" + std::to_string(::getpid()) + ".dcm");
  std::ofstream(p, std::ios::binary) << bytes;
  const std::string reason = loadProblem(p, options);
  std::filesystem::remove(p);
  return reason;
}

}  // namespace recap::test
