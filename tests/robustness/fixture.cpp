#include "fixture.h"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>

#include "tiny_spec.h"

namespace recap::robustness {

namespace {

// The tiny patient (tests/support/tiny_spec.h), rendered once per test process.
const fs::path& tinyPatient() {
  static std::once_flag once;
  static fs::path dir;
  std::call_once(once, [] {
    dir = fs::temp_directory_path() / ("recap-robustness-tiny-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "spec.yaml") << recap::testing::tinyPhantomSpec("tiny", 5, "TINY-1", "Phantom^Tiny");
    const RunResult r = runRecap({"phantom", "--spec", (dir / "spec.yaml").string(), "--out", (dir / "p").string(), "--no-noise"});
    if (r.exit_code != 0) throw std::runtime_error("recap phantom failed: " + r.err);
    std::atexit([] { fs::remove_all(dir); });
  });
  return dir;
}

}  // namespace

void Robustness::SetUp() {
  static int n = 0;
  dir_ = fs::temp_directory_path() / ("recap-robustness-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  study_.study_uid = "1.2.826.0.1.3680043.10.1234.11.1";
  patient_.id = "ROBUST-001";
  patient_.weight_kg = 70.0;
}

void Robustness::TearDown() { fs::remove_all(dir_); }

phantom::SeriesSpec Robustness::ct() const {
  phantom::SeriesSpec s;
  s.series_uid = "1.2.826.0.1.3680043.10.1234.11.2";
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.11.3";
  s.series_number = 2;
  s.series_description = "CT WB";
  s.cols = 32;
  s.rows = 28;
  s.slices = 10;
  s.row_spacing_mm = s.col_spacing_mm = 1.5;
  s.slice_spacing_mm = s.slice_thickness_mm = 3.0;
  s.first_position = {-24, -21, -15};
  return s;
}

phantom::SeriesSpec Robustness::pet() const {
  phantom::SeriesSpec s = ct();
  s.modality = "PT";
  s.series_uid = "1.2.826.0.1.3680043.10.1234.11.4";
  s.series_number = 4;
  s.series_description = "PET AC";
  s.cols = s.rows = 12;
  s.row_spacing_mm = s.col_spacing_mm = 4.0;
  s.first_position = {-24, -24, -15};
  s.per_slice_slope = true;
  s.series_time = "101500";
  s.acquisition_times = {"101500"};
  s.pet = phantom::PetInfo{};
  s.pet->total_dose_bq = 3.0e8;
  s.pet->start_time = "091500";
  return s;
}

std::vector<fs::path> Robustness::write(const phantom::SeriesSpec& s, const fs::path& dir, float value) const {
  std::vector<float> v(static_cast<size_t>(s.cols) * s.rows * s.slices, value);
  for (size_t i = 0; i < v.size(); ++i) v[i] += static_cast<float>(i % 13);
  return phantom::writeSeries(s, patient_, study_, v, dir);
}

fs::path Robustness::tinyCase(const std::string& name, const std::string& extra) const {
  fs::copy(tinyPatient() / "p", dir_ / name, fs::copy_options::recursive);
  const fs::path file = dir_ / (name + ".yaml");
  std::ofstream(file) << "patient_id: TINY-1\ntimepoints:\n  - {label: baseline, dicom: " << name
                      << "/baseline}\n  - {label: fu1, dicom: " << name
                      << "/fu1}\ntarget_lesions:\n  - {id: L1, kind: nodal, seed_mm: [42, 25, -120]}\n"
                      << extra;
  return file;
}

void Robustness::expectError(const RunResult& r, int code, const std::vector<std::string>& parts) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  std::istringstream lines(r.err);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    if (line.rfind("[error] ", 0) != 0) continue;
    bool all = true;
    for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
    found = found || all;
  }
  EXPECT_TRUE(found) << "no [error] line with every part of the expected message in:\n" << r.err;
}

std::vector<std::string> Robustness::filesUnder(const fs::path& dir) {
  std::vector<std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (!e.is_directory()) files.push_back(fs::relative(e.path(), dir).string());
  return files;
}

size_t findBytes(const fs::path& file, const std::string& needle) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find(needle);
}

bool patchBytes(const fs::path& file, const std::string& from, const std::string& to) {
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  const size_t at = bytes.find(from);
  if (at == std::string::npos || from.size() != to.size()) return false;
  bytes.replace(at, from.size(), to);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  return true;
}

}  // namespace recap::robustness
