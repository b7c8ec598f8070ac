// `recap phantom --spec FILE --out DIR` run as a user runs it: a small two-timepoint spec written
// here, on coarse grids set in the spec itself (so it runs in seconds), checked for its exit code,
// its folder layout, and truth.json / phantom.json against the spec and the analytic shapes; and
// invalid specs refused with exit code 9 and the offending key named on stderr.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "../e2e/run.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap {
namespace {

using e2e::runRecap;

// Two timepoints. Baseline in the identity pose; fu1 shifted and turned 2 degrees about z, with
// another CT slice spacing and other z ranges (so other slice counts), and without the localizer,
// the NAC PET and the stray files. The lesion's centre falls exactly on a CT slice at both
// timepoints (baseline: -90 + 6 * 5 = -60; fu1: -60 + 8 = -52 = -100 + 12 * 4), so the truth's
// LDi and SDi are the ellipsoid's own in-plane axes.
constexpr const char* kSpec = R"(name: cli-small
description: Two timepoints on coarse grids, for the command-line test.
seed: 7
patient: {id: CLI-001, name: "Cli^Test", sex: F, birth_date: "19700101", weight_kg: 70, height_m: 1.70}
defaults:
  ct:  {matrix: 128, pixel_mm: 3.0, slice_mm: 5, z_from_mm: -90, z_to_mm: 10, noise_hu: 12}
  pet: {matrix: 64, pixel_mm: 6.0, slice_mm: 5, z_from_mm: -90, z_to_mm: 10, fwhm_mm: 7, noise_cv: 0.1}
  encoding: {vendor: siemens, transfer_syntax: explicit-little, naming: instance}
timepoints:
  - label: baseline
    date: "20240101"
    expected: {deauville: 5, reason: "hot liver lesion"}
  - label: fu1
    date: "20240301"
    pose: {shift_mm: [10, -5, 8], rotation_deg: [0, 0, 2]}
    ct: {z_from_mm: -100, z_to_mm: 12, slice_mm: 4}
    pet: {z_from_mm: -100, z_to_mm: 20}
    encoding: {localizer: false, nac: false, junk: false}
    expected: {ct_response: PR, deauville: 4, reason: "smaller"}
lesions:
  - id: L1
    kind: extranodal
    site: liver, right lobe
    centre_mm: [-110, 20, -60]
    rotation_deg: 0
    states:
      - {diameters_mm: [30, 24, 20], suv: 8}
      - {diameters_mm: [14, 10, 10], suv: 3}
)";

class PhantomCli : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("recap-phantom-cli-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path writeSpec(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  fs::path dir_;
};

json readJson(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return json::parse(in);
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

size_t regularFiles(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

// Slice count of a grid from its z range, as the spec defines it (slice centres from z_from to
// at most z_to).
long slicesFor(double from, double to, double step) { return long(std::floor((to - from) / step + 1e-6)) + 1; }

TEST_F(PhantomCli, SpecFileGeneratesTheLayoutAndTruthItDescribes) {
  const fs::path spec = writeSpec("cli-small.yaml", kSpec), out = dir_ / "out";
  const auto r = runRecap({"phantom", "--spec", spec.string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cli-small: patient CLI-001, 2 timepoints, 1 lesions"), std::string::npos) << r.out;

  // Layout: one folder per timepoint and phantom.json, nothing half-written left behind.
  EXPECT_EQ(entries(out), (std::set<std::string>{"baseline", "fu1", "phantom.json"}));
  EXPECT_EQ(entries(out / "baseline"), (std::set<std::string>{"DICOM", "README.TXT", "truth.json"}));
  EXPECT_EQ(entries(out / "baseline" / "DICOM"), (std::set<std::string>{"1", "2", "3", "4", ".lock", "Thumbs.db"}));
  EXPECT_EQ(entries(out / "fu1"), (std::set<std::string>{"DICOM", "truth.json"}));
  EXPECT_EQ(entries(out / "fu1" / "DICOM"), (std::set<std::string>{"2", "3"}));
  // One file per slice, as many slices as the spec's z ranges hold; `naming: instance`.
  const long ct0 = slicesFor(-90, 10, 5), pet0 = slicesFor(-90, 10, 5);   // 21, 21
  const long ct1 = slicesFor(-100, 12, 4), pet1 = slicesFor(-100, 20, 5);  // 29, 25
  EXPECT_EQ(long(regularFiles(out / "baseline" / "DICOM" / "1")), 1);
  EXPECT_EQ(long(regularFiles(out / "baseline" / "DICOM" / "2")), ct0);
  EXPECT_EQ(long(regularFiles(out / "baseline" / "DICOM" / "3")), pet0);
  EXPECT_EQ(long(regularFiles(out / "baseline" / "DICOM" / "4")), pet0);
  EXPECT_EQ(long(regularFiles(out / "fu1" / "DICOM" / "2")), ct1);
  EXPECT_EQ(long(regularFiles(out / "fu1" / "DICOM" / "3")), pet1);
  EXPECT_TRUE(fs::is_regular_file(out / "fu1" / "DICOM" / "2" / "IM000001"));
  EXPECT_TRUE(fs::is_regular_file(out / "fu1" / "DICOM" / "2" / ("IM0000" + std::to_string(ct1))));

  // truth.json per timepoint: what the spec asked for, and the lesion's analytic truth.
  const json b = readJson(out / "baseline" / "truth.json"), f = readJson(out / "fu1" / "truth.json");
  // The blood-pool VOI (thoracic aorta, body z +150) lies outside this PET (z up to +20): unknown,
  // so null, not a zero that would read as a measurement. The liver sphere is inside.
  EXPECT_TRUE(b["blood_pool_suv_mean"].is_null()) << b["blood_pool_suv_mean"];
  EXPECT_TRUE(b["liver_suv_mean"].is_number()) << b["liver_suv_mean"];
  EXPECT_EQ(b["label"], "baseline");
  EXPECT_EQ(b["date"], "20240101");
  EXPECT_EQ(b["timepoint_index"], 0);
  EXPECT_EQ(f["label"], "fu1");
  EXPECT_EQ(f["timepoint_index"], 1);
  EXPECT_EQ(f["expected"]["ct_response"], "PR");
  EXPECT_EQ(f["expected"]["deauville"], 4);
  EXPECT_EQ(b["grids"]["ct"]["size"], json({128, 128, ct0}));
  EXPECT_EQ(b["grids"]["pet"]["size"], json({64, 64, pet0}));
  EXPECT_EQ(f["grids"]["ct"]["size"], json({128, 128, ct1}));
  EXPECT_EQ(f["grids"]["pet"]["size"], json({64, 64, pet1}));
  EXPECT_TRUE(f["nac_series_uid"].is_null());
  EXPECT_TRUE(f["localizer_series_uid"].is_null());
  EXPECT_NE(b["study_uid"], f["study_uid"]);

  ASSERT_EQ(b["lesions"].size(), 1u);
  ASSERT_EQ(f["lesions"].size(), 1u);
  const json& l0 = b["lesions"][0];
  const json& l1 = f["lesions"][0];
  EXPECT_EQ(l0["id"], "L1");
  EXPECT_EQ(l0["status"], "measured");
  EXPECT_EQ(l1["status"], "measured");
  EXPECT_EQ(l0["new"], false);
  EXPECT_NEAR(l0["ldi_mm"].get<double>(), 30.0, 1e-3);
  EXPECT_NEAR(l0["sdi_mm"].get<double>(), 24.0, 1e-3);
  EXPECT_NEAR(l0["ppd_mm2"].get<double>(), 30.0 * 24.0, 0.1);
  EXPECT_EQ(l0["slice_index"], 6);
  EXPECT_NEAR(l0["slice_z_mm"].get<double>(), -60.0, 1e-6);
  EXPECT_NEAR(l0["volume_ml"].get<double>(), M_PI / 6 * 30 * 24 * 20 / 1000, 1e-3);
  EXPECT_NEAR(l1["ldi_mm"].get<double>(), 14.0, 1e-3);
  EXPECT_NEAR(l1["sdi_mm"].get<double>(), 10.0, 1e-3);
  EXPECT_EQ(l1["slice_index"], 12);
  // fu1's centre: p = Rz(2 deg) * (-110, 20, -60) + (10, -5, 8).
  const double a = 2.0 * M_PI / 180;
  const json& c1 = l1["centre_mm"];
  EXPECT_NEAR(c1[0].get<double>(), -110 * std::cos(a) - 20 * std::sin(a) + 10, 1e-6);
  EXPECT_NEAR(c1[1].get<double>(), -110 * std::sin(a) + 20 * std::cos(a) - 5, 1e-6);
  EXPECT_NEAR(c1[2].get<double>(), -52.0, 1e-6);

  // phantom.json: the spec summary and every timepoint's truth.
  const json all = readJson(out / "phantom.json");
  EXPECT_EQ(all["name"], "cli-small");
  EXPECT_EQ(all["patient"]["id"], "CLI-001");
  ASSERT_EQ(all["timepoints"].size(), 2u);
  EXPECT_EQ(all["timepoints"][1]["label"], "fu1");
  ASSERT_EQ(all["timepoint_truth"].size(), 2u);
  EXPECT_EQ(all["timepoint_truth"][0], b);
  EXPECT_EQ(all["timepoint_truth"][1], f);

  // The same folder again: refused (exit 8, output), and what was there is untouched.
  const auto again = runRecap({"-q", "phantom", "--spec", spec.string(), "--out", out.string()});
  EXPECT_EQ(again.exit_code, 8) << again.err;
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  EXPECT_EQ(readJson(out / "fu1" / "truth.json"), f);
}

TEST_F(PhantomCli, InvalidSpecsExitNineNamingTheKey) {
  struct Case {
    const char* what;
    std::string text;
    std::vector<std::string> in_message;
  };
  const std::string spec = kSpec;
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t at = spec.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    std::string s = spec;
    return s.replace(at, from.size(), to);
  };
  const std::vector<Case> cases = {
      {"unknown key", replace("ct: {z_from_mm: -100,", "ct: {colour: red, z_from_mm: -100,"),
       {"timepoints[1].ct.colour: unknown key"}},
      {"unknown top-level key", spec + "comment: not a key\n", {"comment: unknown key"}},
      {"lesion with a missing state", replace("      - {diameters_mm: [14, 10, 10], suv: 3}\n", ""),
       {"lesions[0].states", "one state per timepoint (2)"}},
      {"lesion state without diameters", replace("{diameters_mm: [14, 10, 10], suv: 3}", "{suv: 3}"),
       {"lesions[0].states[1].diameters_mm: required"}},
      {"injection before midnight", replace("date: \"20240101\"", "date: \"20240101\"\n    scan_time: \"003000\""),
       {"timepoints[0].scan_time", "crosses midnight"}},
      {"scan time not a time", replace("date: \"20240101\"", "date: \"20240101\"\n    scan_time: \"25h\""),
       {"timepoints[0].scan_time: expected HHMMSS"}},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const fs::path file = writeSpec("bad" + std::to_string(n) + ".yaml", c.text);
    const fs::path out = dir_ / ("bad-out" + std::to_string(n++));
    const auto r = runRecap({"phantom", "--spec", file.string(), "--out", out.string()});
    EXPECT_EQ(r.exit_code, 9) << r.err;
    for (const auto& m : c.in_message) EXPECT_NE(r.err.find(m), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(file.string()), std::string::npos) << "names the spec file: " << r.err;
    EXPECT_FALSE(fs::exists(out)) << "nothing written for an invalid spec";
  }
  // A spec file that does not exist is missing input (3), not an invalid spec.
  const auto missing = runRecap({"phantom", "--spec", (dir_ / "none.yaml").string(), "--out", (dir_ / "o").string()});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
}

}  // namespace
}  // namespace recap
