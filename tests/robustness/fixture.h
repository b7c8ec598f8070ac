// The robustness catalogue (docs/robustness.md): bad input given to the real recap executable.
// Each test asserts the exit code, that the [error] line names the file or folder and the
// problem, and that no partial output is left. Inputs are small: series written with the phantom
// module's DICOM writer (edited with DCMTK's tools where a writer cannot make them) and a tiny
// two-timepoint patient made by `recap phantom --spec` (about 1 s to make, 1.5 s to assess).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../e2e/run.h"
#include "recap/phantom/dicom_writer.h"

namespace recap::robustness {

namespace fs = std::filesystem;
using e2e::RunResult;
using e2e::readText;
using e2e::runRecap;
using e2e::runTool;

class Robustness : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A 32 x 28 x 10 CT series and a 12 x 12 x 10 PET series of one study (3 mm slices).
  phantom::SeriesSpec ct() const;
  phantom::SeriesSpec pet() const;
  // Writes `s` into `dir` with values that vary by voxel; returns the files in slice order.
  std::vector<fs::path> write(const phantom::SeriesSpec& s, const fs::path& dir, float value = 40.0f) const;

  // The tiny patient (CT, AC and NAC PET at baseline and fu1, one node) copied to dir_/NAME, with
  // its case file dir_/NAME.yaml (`extra` appended). Returns the case file.
  fs::path tinyCase(const std::string& name, const std::string& extra = "") const;

  // The exit code is `code` and one [error] line holds every one of `parts`.
  static void expectError(const RunResult& r, int code, const std::vector<std::string>& parts);
  // Every file under `dir` (recursively), relative; empty when `dir` does not exist.
  static std::vector<std::string> filesUnder(const fs::path& dir);

  fs::path dir_;
  phantom::PatientInfo patient_;
  phantom::StudyInfo study_;
};

// Replaces the first occurrence of `from` in the file's bytes by `to` (same length). False if absent.
bool patchBytes(const fs::path& file, const std::string& from, const std::string& to);
// Byte offset of the first occurrence of `needle` in the file (npos if absent).
size_t findBytes(const fs::path& file, const std::string& needle);

}  // namespace recap::robustness
