// For the regression tests on corrupt slices: a file loaded as a one-slice series, as loadVolume
// loads every slice of a series.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "recap/core/error.h"
#include "recap/dicom/header.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"

namespace recap::test {

// The reason of the error loading `file` raises, "" when it loads. Expects the header to read and
// the error, if any, to be CorruptInput naming the file.
inline std::string loadProblem(const std::filesystem::path& file) {
  const dicom::ReadResult r = dicom::readHeader(file);
  EXPECT_EQ(r.outcome, dicom::ReadOutcome::Ok) << file << ": " << r.problem;
  dicom::Series series;
  series.modality = r.header.modality;
  series.uid = r.header.series_uid;
  series.instances.push_back(r.header);
  try {
    (void)dicom::loadVolume(series);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptInput) << e.what();
    EXPECT_EQ(e.file(), file.string());
    return e.reason();
  }
  return {};
}

}  // namespace recap::test
