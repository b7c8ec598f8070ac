// recap info and recap convert, run as a scheduler runs them: exit codes, stdout JSON, stderr
// messages naming the file and the problem, and outputs on disk.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "recap/phantom/compress.h"
#include "recap/phantom/dicom_writer.h"
#include "run.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace recap::e2e {
namespace {

constexpr double kWeightKg = 70.0, kDoseBq = 3.0e8, kHalfLife = 6586.2;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("recap-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    study_.study_uid = "1.2.826.0.1.3680043.10.1234.2.99";
    patient_.id = "E2E-001";
    patient_.weight_kg = kWeightKg;
  }
  void TearDown() override { fs::remove_all(dir_); }

  phantom::SeriesSpec ct() const {
    phantom::SeriesSpec s;
    s.series_uid = "1.2.826.0.1.3680043.10.1234.6.1";
    s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.9.3";
    s.series_number = 2;
    s.series_description = "CT WB";
    s.cols = 32;
    s.rows = 28;
    s.slices = 10;
    s.row_spacing_mm = s.col_spacing_mm = 1.5;
    s.slice_spacing_mm = s.slice_thickness_mm = 3.0;
    s.first_position = {-24, -21, -15};
    s.naming = phantom::FileNaming::Shuffled;
    return s;
  }
  phantom::SeriesSpec pet(bool ac) const {
    phantom::SeriesSpec s = ct();
    s.modality = "PT";
    s.series_uid = ac ? "1.2.826.0.1.3680043.10.1234.6.2" : "1.2.826.0.1.3680043.10.1234.6.3";
    s.series_number = ac ? 4 : 5;
    s.series_description = ac ? "PET AC" : "PET NAC";
    s.cols = s.rows = 12;
    s.row_spacing_mm = s.col_spacing_mm = 4.0;
    s.first_position = {-24, -24, -15};
    s.per_slice_slope = true;
    s.series_time = "101500";
    s.acquisition_times = {"101500"};
    s.pet = phantom::PetInfo{};
    s.pet->total_dose_bq = kDoseBq;
    s.pet->start_time = "091500";  // 60 min before the scan
    if (!ac) s.pet->corrected_image = "DECY\\RAN\\NORM";
    return s;
  }
  void write(const phantom::SeriesSpec& s, const fs::path& dir, float value) const {
    std::vector<float> v(static_cast<size_t>(s.cols) * s.rows * s.slices, value);
    for (size_t i = 0; i < v.size(); ++i) v[i] += static_cast<float>(i % 13);
    phantom::writeSeries(s, patient_, study_, v, dir);
  }
  // A PET/CT study as an archive exports it: CT, AC and NAC PET, a localizer, junk files.
  void writeStudy(const fs::path& root) const {
    write(ct(), root / "DICOM" / "0001", 40.0f);
    write(pet(true), root / "DICOM" / "0002", 5000.0f);
    write(pet(false), root / "DICOM" / "0003", 3000.0f);
    phantom::SeriesSpec loc = ct();
    loc.series_uid = "1.2.826.0.1.3680043.10.1234.6.4";
    loc.series_number = 1;
    loc.series_description = "Topogram";
    loc.image_type = "ORIGINAL\\PRIMARY\\LOCALIZER";
    loc.orientation = {1, 0, 0, 0, 0, -1};
    loc.slices = 1;
    write(loc, root / "DICOM" / "0004", 0.0f);
    std::ofstream(root / "README.TXT") << "export\n";
    std::ofstream(root / "DICOM" / ".lock") << "";
  }
  static json seriesByRole(const json& study, const std::string& role) {
    for (const auto& s : study["series"])
      if (s["role"] == role) return s;
    return nullptr;
  }

  fs::path dir_;
  phantom::StudyInfo study_;
  phantom::PatientInfo patient_;
};

TEST_F(Cli, VersionAndHelp) {
  auto r = runRecap({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("recap 0."), std::string::npos);
  r = runRecap({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("convert"), std::string::npos);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(runRecap({}).exit_code, 2);
  EXPECT_EQ(runRecap({"info"}).exit_code, 2);
  EXPECT_EQ(runRecap({"info", dir_.string(), "--bogus"}).exit_code, 2);
  EXPECT_EQ(runRecap({"convert", dir_.string()}).exit_code, 2);  // --out is required
  EXPECT_EQ(runRecap({"convert", dir_.string(), "--out", "x", "--compression-level", "12"}).exit_code, 2);
}

TEST_F(Cli, InfoJsonDescribesEverySeries) {
  writeStudy(dir_);
  const auto r = runRecap({"info", dir_.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["skipped_non_dicom"], 2);
  EXPECT_EQ(j["patients"], json::array({"E2E-001"}));
  ASSERT_EQ(j["studies"].size(), 1u);
  const json& st = j["studies"][0];
  EXPECT_EQ(st["series"].size(), 4u);
  const json ctj = seriesByRole(st, "ct_volume");
  ASSERT_FALSE(ctj.is_null());
  EXPECT_EQ(ctj["series_uid"], ct().series_uid);
  EXPECT_EQ(ctj["modality"], "CT");
  EXPECT_EQ(ctj["instances"], 10);
  EXPECT_EQ(ctj["geometry"]["size"], json::array({32, 28, 10}));
  EXPECT_EQ(ctj["geometry"]["spacing_mm"], json::array({1.5, 1.5, 3.0}));
  EXPECT_EQ(ctj["geometry"]["origin_mm"], json::array({-24.0, -21.0, -15.0}));
  EXPECT_EQ(ctj["geometry"]["slice_gaps"], json::array());
  EXPECT_EQ(st["selected_ct"], ct().series_uid);
  EXPECT_EQ(st["selected_pet"], pet(true).series_uid);
  EXPECT_FALSE(seriesByRole(st, "localizer").is_null());
  EXPECT_FALSE(seriesByRole(st, "pet_nac").is_null());
  const json petj = seriesByRole(st, "pet_ac");
  ASSERT_FALSE(petj["suv"].is_null()) << petj.dump();
  const double truth = kWeightKg * 1000.0 / (kDoseBq * std::pow(2.0, -3600.0 / kHalfLife));
  EXPECT_NEAR(petj["suv"]["bw_factor"].get<double>(), truth, truth * 1e-9);
  EXPECT_EQ(petj["suv"]["method"], "BQML");
  EXPECT_NEAR(petj["suv"]["decay_s"].get<double>(), 3600.0, 1e-6);
  EXPECT_EQ(petj["suv"]["scan_time"].get<std::string>().substr(0, 19), "2024-01-15T10:15:00");
  EXPECT_EQ(petj["suv"]["injection_time"].get<std::string>().substr(0, 19), "2024-01-15T09:15:00");
  // NAC PET: no SUV, and the reason says why.
  const json nac = seriesByRole(st, "pet_nac");
  EXPECT_TRUE(nac["suv"].is_null());
  EXPECT_NE(nac["suv_error"].get<std::string>().find("ATTN"), std::string::npos);
}

TEST_F(Cli, InfoTextMarksSelectedSeries) {
  writeStudy(dir_);
  const auto r = runRecap({"info", dir_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Patient E2E-001"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("*    2 CT  ct_volume"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SUV: BQML"), std::string::npos) << r.out;
}

TEST_F(Cli, NoDicomIsExitThreeNamingTheFolder) {
  std::ofstream(dir_ / "notes.txt") << "nothing here";
  auto r = runRecap({"info", dir_.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(dir_.string() + ": no DICOM files found"), std::string::npos) << r.err;
  r = runRecap({"info", (dir_ / "missing").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no such file or folder"), std::string::npos) << r.err;
  fs::create_directories(dir_ / "empty");
  EXPECT_EQ(runRecap({"convert", (dir_ / "empty").string(), "--out", (dir_ / "o").string()}).exit_code, 3);
}

TEST_F(Cli, OnlyCorruptDicomIsExitFour) {
  write(ct(), dir_, 40.0f);
  for (const auto& e : fs::directory_iterator(dir_)) fs::resize_file(e.path(), 300);
  const auto r = runRecap({"info", dir_.string()});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("could be read"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("unreadable: "), std::string::npos) << r.out;
}

TEST_F(Cli, ConvertWritesEveryVolumeAndRefusesToOverwrite) {
  writeStudy(dir_ / "in");
  const fs::path out = dir_ / "out";
  auto r = runRecap({"convert", (dir_ / "in").string(), "--out", out.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["outputs"].size(), 3u);  // CT, AC PET, NAC PET; not the localizer
  for (const char* name : {"2_CT_WB", "4_PET_AC", "5_PET_NAC"}) {
    EXPECT_TRUE(fs::exists(out / (std::string(name) + ".nii.gz"))) << name;
    EXPECT_TRUE(fs::exists(out / (std::string(name) + ".json"))) << name;
  }
  std::ifstream side(out / "4_PET_AC.json");
  const json pet_side = json::parse(side);
  EXPECT_EQ(pet_side["units"], "SUVbw");
  EXPECT_EQ(pet_side["selected"], true);
  EXPECT_EQ(pet_side["series_uid"], pet(true).series_uid);
  std::ifstream nac_side(out / "5_PET_NAC.json");
  EXPECT_EQ(json::parse(nac_side)["units"], "BQML");
  // Nothing but the outputs: no temporary files left behind.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(out)) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 6u);

  const auto before = fs::last_write_time(out / "2_CT_WB.nii.gz");
  r = runRecap({"convert", (dir_ / "in").string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_NE(r.err.find("already exists (use --force to overwrite)"), std::string::npos) << r.err;
  EXPECT_EQ(fs::last_write_time(out / "2_CT_WB.nii.gz"), before);
  r = runRecap({"convert", (dir_ / "in").string(), "--out", out.string(), "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// One bad volume (a missing slice) fails with its own exit code; the others are still written.
TEST_F(Cli, OneBadVolumeDoesNotStopTheOthers) {
  auto gap = ct();
  gap.slices = 5;
  gap.positions = {{-24, -21, 0}, {-24, -21, 3}, {-24, -21, 6}, {-24, -21, 12}, {-24, -21, 15}};
  write(gap, dir_ / "in" / "ct", 40.0f);
  write(pet(true), dir_ / "in" / "pet", 5000.0f);
  const auto r = runRecap({"convert", (dir_ / "in").string(), "--out", (dir_ / "out").string()});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("1 slice(s) missing"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(gap.series_uid), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "4_PET_AC.nii.gz"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "2_CT_WB.nii.gz"));
}

TEST_F(Cli, PetWithoutWeightIsExitSevenAndCtStillConverts) {
  patient_.weight_kg.reset();
  write(ct(), dir_ / "in" / "ct", 40.0f);
  write(pet(true), dir_ / "in" / "pet", 5000.0f);
  const auto r = runRecap({"convert", (dir_ / "in").string(), "--out", (dir_ / "out").string()});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.err.find("PatientWeight"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "2_CT_WB.nii.gz"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "4_PET_AC.nii.gz"));
}

TEST_F(Cli, OutputThatIsAFileIsExitEight) {
  write(ct(), dir_ / "in", 40.0f);
  std::ofstream(dir_ / "taken") << "x";
  const auto r = runRecap({"convert", (dir_ / "in").string(), "--out", (dir_ / "taken").string()});
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_NE(r.err.find("taken: exists and is not a folder"), std::string::npos) << r.err;
}

// Compressed input converts to the same voxels as uncompressed input.
TEST_F(Cli, CompressedAndNativeInputGiveTheSameNifti) {
  auto s = ct();
  s.naming = phantom::FileNaming::InstanceNumber;
  write(s, dir_ / "native", 40.0f);
  phantom::compressFolder(dir_ / "native", dir_ / "jls", phantom::Syntax::JpegLsLossless);
  ASSERT_EQ(runRecap({"convert", (dir_ / "native").string(), "--out", (dir_ / "a").string()}).exit_code, 0);
  ASSERT_EQ(runRecap({"convert", (dir_ / "jls").string(), "--out", (dir_ / "b").string()}).exit_code, 0);
  // Same compression level, same voxels, same header: the gzip streams are byte-identical.
  std::ifstream a(dir_ / "a" / "2_CT_WB.nii.gz", std::ios::binary), b(dir_ / "b" / "2_CT_WB.nii.gz", std::ios::binary);
  const std::string sa((std::istreambuf_iterator<char>(a)), {}), sb((std::istreambuf_iterator<char>(b)), {});
  EXPECT_FALSE(sa.empty());
  EXPECT_EQ(sa, sb);
}

}  // namespace
}  // namespace recap::e2e
