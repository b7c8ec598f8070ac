// recap info and recap convert, run as a scheduler runs them: exit codes, stdout JSON, stderr
// messages naming the file and the problem, and outputs on disk.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <fstream>
#include <map>
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

// ---- recap convert output read back: NIfTI (ITK) against the DICOM files (DCMTK) ----------------

using FloatImage = itk::Image<float, 3>;

FloatImage::Pointer readNifti(const fs::path& p) {
  auto reader = itk::ImageFileReader<FloatImage>::New();
  reader->SetFileName(p.string());
  reader->Update();
  return reader->GetOutput();
}

// One DICOM slice as DCMTK reads it, independently of recap's loader.
struct DicomSlice {
  fs::path path;
  std::array<double, 3> ipp{};
  std::array<double, 6> iop{};
  std::array<double, 2> pixel_spacing{};  // between rows, between columns
  double slope = 1, intercept = 0;
  int rows = 0, cols = 0;
  std::vector<double> stored;  // rows x cols stored values, row by row
};

DicomSlice readDicomSlice(const fs::path& p) {
  DicomSlice s;
  s.path = p;
  DcmFileFormat file;
  const OFCondition c = file.loadFile(p.c_str());
  if (c.bad()) throw std::runtime_error(p.string() + ": " + c.text());
  DcmDataset& ds = *file.getDataset();
  for (unsigned long i = 0; i < 3; ++i) ds.findAndGetFloat64(DCM_ImagePositionPatient, s.ipp[i], i);
  for (unsigned long i = 0; i < 6; ++i) ds.findAndGetFloat64(DCM_ImageOrientationPatient, s.iop[i], i);
  for (unsigned long i = 0; i < 2; ++i) ds.findAndGetFloat64(DCM_PixelSpacing, s.pixel_spacing[i], i);
  ds.findAndGetFloat64(DCM_RescaleSlope, s.slope);
  ds.findAndGetFloat64(DCM_RescaleIntercept, s.intercept);
  Uint16 rows = 0, cols = 0, bits_stored = 16, representation = 0;
  ds.findAndGetUint16(DCM_Rows, rows);
  ds.findAndGetUint16(DCM_Columns, cols);
  ds.findAndGetUint16(DCM_BitsStored, bits_stored);
  ds.findAndGetUint16(DCM_PixelRepresentation, representation);
  s.rows = rows;
  s.cols = cols;
  const Uint16* words = nullptr;
  if (ds.findAndGetUint16Array(DCM_PixelData, words).bad() || words == nullptr)
    throw std::runtime_error(p.string() + ": no native pixel data");
  for (size_t i = 0; i < size_t(rows) * cols; ++i) {
    const uint16_t w = words[i] & static_cast<uint16_t>((1u << bits_stored) - 1u);
    s.stored.push_back(representation == 1 && bits_stored == 16 ? double(static_cast<int16_t>(w)) : double(w));
  }
  return s;
}

std::array<double, 3> cross(const std::array<double, 6>& iop) {
  return {iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]};
}

double along(const std::array<double, 3>& p, const std::array<double, 3>& n) { return p[0] * n[0] + p[1] * n[1] + p[2] * n[2]; }

// Reads every file of a series folder with DCMTK, sorted along the slice normal.
std::vector<DicomSlice> readDicomSeries(const fs::path& dir) {
  std::vector<DicomSlice> slices;
  for (const auto& e : fs::directory_iterator(dir)) slices.push_back(readDicomSlice(e.path()));
  const auto n = cross(slices.at(0).iop);
  std::sort(slices.begin(), slices.end(),
            [&](const DicomSlice& a, const DicomSlice& b) { return along(a.ipp, n) < along(b.ipp, n); });
  return slices;
}

// Checks a NIfTI written by `recap convert` against the DICOM series it came from: origin, direction,
// spacing, size, and voxels at the same physical position equal (stored x slope + intercept) x `scale`.
void expectNiftiMatchesDicom(const fs::path& nifti, const fs::path& dicom_dir, double scale, double rel_tol) {
  SCOPED_TRACE(nifti.string());
  const std::vector<DicomSlice> slices = readDicomSeries(dicom_dir);
  ASSERT_GE(slices.size(), 3u);
  const FloatImage::Pointer nii = readNifti(nifti);
  const DicomSlice& first = slices.front();
  const auto normal = cross(first.iop);
  // Geometry.
  const auto size = nii->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(size[0], static_cast<size_t>(first.cols));
  EXPECT_EQ(size[1], static_cast<size_t>(first.rows));
  EXPECT_EQ(size[2], slices.size());
  for (unsigned a = 0; a < 3; ++a) {
    EXPECT_NEAR(nii->GetOrigin()[a], first.ipp[a], 1e-3) << "origin vs ImagePositionPatient of the first slice, axis " << a;
    EXPECT_NEAR(nii->GetDirection()(a, 0), first.iop[a], 1e-5) << "direction column 0 vs IOP row direction";
    EXPECT_NEAR(nii->GetDirection()(a, 1), first.iop[3 + a], 1e-5) << "direction column 1 vs IOP column direction";
    EXPECT_NEAR(nii->GetDirection()(a, 2), normal[a], 1e-5) << "direction column 2 vs the slice normal";
  }
  EXPECT_NEAR(nii->GetSpacing()[0], first.pixel_spacing[1], 1e-5);
  EXPECT_NEAR(nii->GetSpacing()[1], first.pixel_spacing[0], 1e-5);
  const double step = along(slices[1].ipp, normal) - along(first.ipp, normal);
  EXPECT_NEAR(nii->GetSpacing()[2], step, 1e-4);
  // Voxels: on every slice, the four corners, the centre and one more pixel, found by position.
  size_t checked = 0;
  for (const DicomSlice& s : slices) {
    const std::vector<std::pair<int, int>> pixels = {
        {0, 0}, {0, s.cols - 1}, {s.rows - 1, 0}, {s.rows - 1, s.cols - 1}, {s.rows / 2, s.cols / 2}, {3, s.cols - 2}};
    for (auto [r, c] : pixels) {
      FloatImage::PointType p;
      for (unsigned a = 0; a < 3; ++a)
        p[a] = s.ipp[a] + c * s.pixel_spacing[1] * s.iop[a] + r * s.pixel_spacing[0] * s.iop[3 + a];
      FloatImage::IndexType idx;
      ASSERT_TRUE(nii->TransformPhysicalPointToIndex(p, idx)) << s.path << " r" << r << " c" << c << " is outside the NIfTI";
      FloatImage::PointType centre;
      nii->TransformIndexToPhysicalPoint(idx, centre);
      for (unsigned a = 0; a < 3; ++a) ASSERT_NEAR(centre[a], p[a], 1e-3) << "not at a voxel centre";
      const double expected = (s.stored[size_t(r) * s.cols + c] * s.slope + s.intercept) * scale;
      const double got = nii->GetPixel(idx);
      if (rel_tol == 0) {
        ASSERT_EQ(got, expected) << s.path << " r" << r << " c" << c;
      } else {
        ASSERT_NEAR(got, expected, rel_tol * std::abs(expected)) << s.path << " r" << r << " c" << c;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, slices.size() * 6);
}

// Distinct values that a misplaced row, column or slice cannot reproduce.
std::vector<float> gradient(const phantom::SeriesSpec& s, float base) {
  std::vector<float> v;
  for (int k = 0; k < s.slices; ++k)
    for (int r = 0; r < s.rows; ++r)
      for (int c = 0; c < s.cols; ++c) v.push_back(base + 7.0f * c + 13.0f * r + 101.0f * k);
  return v;
}

// recap convert on generated series: a feet-first 12-bit unsigned CT with non-square pixels and
// shuffled file names, an in-plane rotated CT (so that the direction matrix is not symmetric), and
// a PET with per-slice slopes. Each NIfTI is read back with ITK and compared with the DICOM read
// with DCMTK: geometry, and voxel values (CT: HU exactly; PET: rescaled value x the SUV factor
// worked out from the header values written).
TEST_F(Cli, ConvertedNiftiMatchesTheDicomFiles) {
  auto ff = ct();
  ff.series_description = "CT FFS";
  ff.patient_position = "FFS";
  ff.orientation = {-1, 0, 0, 0, 1, 0};  // normal (0, 0, -1): slices run head to feet
  ff.first_position = {30.0, -20.0, 120.0};
  ff.col_spacing_mm = 0.7;
  ff.row_spacing_mm = 0.9;
  ff.pixel_signed = false;
  ff.bits_stored = 12;
  ff.rescale_intercept = -1024;
  phantom::writeSeries(ff, patient_, study_, gradient(ff, -1000.0f), dir_ / "in" / "ct_ff");

  auto rot = ct();
  rot.series_uid = "1.2.826.0.1.3680043.10.1234.6.7";
  rot.series_number = 3;
  rot.series_description = "CT ROT";
  const double c20 = std::cos(20.0 * M_PI / 180.0), s20 = std::sin(20.0 * M_PI / 180.0);
  rot.orientation = {c20, s20, 0, -s20, c20, 0};
  rot.first_position = {-10.0, 5.0, -40.0};
  phantom::writeSeries(rot, patient_, study_, gradient(rot, -500.0f), dir_ / "in" / "ct_rot");

  const auto p = pet(true);
  phantom::writeSeries(p, patient_, study_, gradient(p, 3000.0f), dir_ / "in" / "pet");

  const fs::path out = dir_ / "out";
  const auto r = runRecap({"convert", (dir_ / "in").string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expectNiftiMatchesDicom(out / "2_CT_FFS.nii.gz", dir_ / "in" / "ct_ff", 1.0, 0.0);
  expectNiftiMatchesDicom(out / "3_CT_ROT.nii.gz", dir_ / "in" / "ct_rot", 1.0, 0.0);
  // 70 kg, 3e8 Bq decayed over the 3600 s from 09:15 to 10:15 with F-18's 6586.2 s.
  const double suv = kWeightKg * 1000.0 / (kDoseBq * std::pow(2.0, -3600.0 / kHalfLife));
  expectNiftiMatchesDicom(out / "4_PET_AC.nii.gz", dir_ / "in" / "pet", suv, 2e-6);
}

// --compression-level reaches the file: level 9 is marked "maximum compression" (XFL 2) and is
// smaller, level 1 "fastest" (XFL 4); both hold the same voxels.
TEST_F(Cli, ConvertCompressionLevelReachesTheFile) {
  auto s = pet(true);
  s.cols = s.rows = 40;
  s.slices = 12;
  std::vector<float> v = gradient(s, 2000.0f);
  uint32_t state = 7;
  for (float& x : v) {
    state = state * 1664525u + 1013904223u;
    x += static_cast<float>(state >> 25);  // 0..127 of noise, as a scanner's image has
  }
  phantom::writeSeries(s, patient_, study_, v, dir_ / "in");
  for (const char* level : {"1", "9"}) {
    const auto r = runRecap({"convert", (dir_ / "in").string(), "--out", (dir_ / level).string(),
                             "--compression-level", level});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const fs::path fast = dir_ / "1" / "4_PET_AC.nii.gz", small = dir_ / "9" / "4_PET_AC.nii.gz";
  std::ifstream a(fast, std::ios::binary), b(small, std::ios::binary);
  const std::string sa((std::istreambuf_iterator<char>(a)), {}), sb((std::istreambuf_iterator<char>(b)), {});
  ASSERT_GT(sa.size(), 10u);
  ASSERT_GT(sb.size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>(sa[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(sa[1]), 0x8b);
  EXPECT_EQ(sa[8], 4) << "XFL of level 1";
  EXPECT_EQ(sb[8], 2) << "XFL of level 9";
  EXPECT_LT(sb.size(), sa.size());
  const auto x = readNifti(fast), y = readNifti(small);
  ASSERT_EQ(x->GetLargestPossibleRegion().GetNumberOfPixels(), 40u * 40u * 12u);
  ASSERT_EQ(y->GetLargestPossibleRegion().GetNumberOfPixels(), 40u * 40u * 12u);
  for (size_t i = 0; i < 40u * 40u * 12u; ++i) ASSERT_EQ(x->GetBufferPointer()[i], y->GetBufferPointer()[i]) << i;
  expectNiftiMatchesDicom(small, dir_ / "in", kWeightKg * 1000.0 / (kDoseBq * std::pow(2.0, -3600.0 / kHalfLife)), 2e-6);
}

// ---- recap info --json: direction and slice gaps ------------------------------------------------

TEST_F(Cli, InfoJsonDirectionAndSliceGaps) {
  // An in-plane rotated CT: direction columns are the row direction, the column direction and the
  // normal, written row-major, so the matrix is [[c, -s, 0], [s, c, 0], [0, 0, 1]].
  auto rot = ct();
  rot.series_description = "CT ROT";
  const double c = std::cos(20.0 * M_PI / 180.0), sn = std::sin(20.0 * M_PI / 180.0);
  rot.orientation = {c, sn, 0, -sn, c, 0};
  write(rot, dir_ / "rot", 40.0f);
  // A feet-first CT: the x and z axes are flipped.
  auto ff = ct();
  ff.series_uid = "1.2.826.0.1.3680043.10.1234.6.8";
  ff.series_number = 3;
  ff.series_description = "CT FFS";
  ff.orientation = {-1, 0, 0, 0, 1, 0};
  ff.first_position = {24, -21, 100};
  write(ff, dir_ / "ff", 40.0f);
  // A CT with the slice at z = 9 missing (3 mm steps), and one with two slices missing in two gaps.
  auto gap = ct();
  gap.series_uid = "1.2.826.0.1.3680043.10.1234.6.9";
  gap.series_number = 4;
  gap.series_description = "CT GAP";
  gap.slices = 5;
  gap.positions = {{-24, -21, 0}, {-24, -21, 3}, {-24, -21, 6}, {-24, -21, 12}, {-24, -21, 15}};
  write(gap, dir_ / "gap", 40.0f);
  auto gaps = gap;
  gaps.series_uid = "1.2.826.0.1.3680043.10.1234.6.10";
  gaps.series_number = 5;
  gaps.series_description = "CT GAPS";
  gaps.slices = 6;
  gaps.positions = {{-24, -21, 0}, {-24, -21, 3}, {-24, -21, 9}, {-24, -21, 12}, {-24, -21, 15}, {-24, -21, 24}};
  write(gaps, dir_ / "gaps", 40.0f);

  const auto r = runRecap({"info", dir_.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;  // info describes irregular series; it does not fail on them
  const json j = json::parse(r.out);
  ASSERT_EQ(j["studies"].size(), 1u);
  std::map<std::string, json> by_uid;
  for (const auto& s : j["studies"][0]["series"]) by_uid[s["series_uid"]] = s;
  ASSERT_EQ(by_uid.size(), 4u);

  const json& gr = by_uid.at(rot.series_uid)["geometry"];
  const std::vector<double> want_rot{c, -sn, 0, sn, c, 0, 0, 0, 1};
  ASSERT_EQ(gr["direction"].size(), 9u);
  for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(gr["direction"][i].get<double>(), want_rot[i], 1e-9) << i;
  EXPECT_EQ(gr["regular"], true);
  EXPECT_EQ(gr["slice_gaps"], json::array());

  const json& gf = by_uid.at(ff.series_uid)["geometry"];
  const std::vector<double> want_ff{-1, 0, 0, 0, 1, 0, 0, 0, -1};
  for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(gf["direction"][i].get<double>(), want_ff[i], 1e-12) << i;
  EXPECT_EQ(gf["origin_mm"], json::array({24.0, -21.0, 100.0}));  // the head-most slice comes first

  const json& gg = by_uid.at(gap.series_uid)["geometry"];
  EXPECT_EQ(gg["regular"], false);
  EXPECT_EQ(gg["problem_code"], "bad_geometry");
  EXPECT_NE(gg["problem"].get<std::string>().find("1 slice(s) missing"), std::string::npos) << gg.dump();
  ASSERT_EQ(gg["slice_gaps"].size(), 1u) << gg.dump();
  EXPECT_NEAR(gg["slice_gaps"][0]["from_mm"].get<double>(), 6.0, 1e-9);
  EXPECT_NEAR(gg["slice_gaps"][0]["to_mm"].get<double>(), 12.0, 1e-9);
  EXPECT_EQ(gg["slice_gaps"][0]["missing"], 1);
  EXPECT_NEAR(gg["slice_step_min_mm"].get<double>(), 3.0, 1e-9);
  EXPECT_NEAR(gg["slice_step_max_mm"].get<double>(), 6.0, 1e-9);
  EXPECT_EQ(by_uid.at(gap.series_uid)["role"], "ct_volume");

  const json& g2 = by_uid.at(gaps.series_uid)["geometry"];
  EXPECT_EQ(g2["regular"], false);
  EXPECT_NE(g2["problem"].get<std::string>().find("3 slice(s) missing"), std::string::npos) << g2.dump();
  ASSERT_EQ(g2["slice_gaps"].size(), 2u) << g2.dump();
  EXPECT_NEAR(g2["slice_gaps"][0]["from_mm"].get<double>(), 3.0, 1e-9);
  EXPECT_NEAR(g2["slice_gaps"][0]["to_mm"].get<double>(), 9.0, 1e-9);
  EXPECT_EQ(g2["slice_gaps"][0]["missing"], 1);
  EXPECT_NEAR(g2["slice_gaps"][1]["from_mm"].get<double>(), 15.0, 1e-9);
  EXPECT_NEAR(g2["slice_gaps"][1]["to_mm"].get<double>(), 24.0, 1e-9);
  EXPECT_EQ(g2["slice_gaps"][1]["missing"], 2);

  // A series with gaps is never selected: one of the two regular CTs is.
  const std::string selected = j["studies"][0]["selected_ct"];
  EXPECT_TRUE(selected == rot.series_uid || selected == ff.series_uid) << selected;
}

// ---- DICOMDIR ----------------------------------------------------------------------------------

// An export with a DICOMDIR made by DCMTK's dcmmkdir: recap info counts it as skipped, reports no
// unreadable file and logs nothing about it; recap convert converts the images.
TEST_F(Cli, DicomDirIsSkippedQuietly) {
  auto s = ct();
  s.naming = phantom::FileNaming::InstanceNumber;  // IM000001...: valid DICOM file IDs
  write(s, dir_ / "DICOM" / "CT", 40.0f);
  const auto mk = runTool({"dcmmkdir", "+r", "+id", dir_.string(), "+D", (dir_ / "DICOMDIR").string(), "DICOM"});
  ASSERT_EQ(mk.exit_code, 0) << mk.out << mk.err;
  ASSERT_TRUE(fs::is_regular_file(dir_ / "DICOMDIR"));
  auto r = runRecap({"info", dir_.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["files_seen"], 11);
  EXPECT_EQ(j["dicom_instances"], 10);
  EXPECT_EQ(j["skipped_non_dicom"], 1);
  EXPECT_EQ(j["unreadable"], json::array());
  ASSERT_EQ(j["studies"].size(), 1u);
  EXPECT_EQ(j["studies"][0]["series"].size(), 1u);
  EXPECT_EQ(r.err.find("DICOMDIR"), std::string::npos) << r.err;
  r = runRecap({"convert", dir_.string(), "--out", (dir_ / "out").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "2_CT_WB.nii.gz"));
  EXPECT_EQ(r.err.find("DICOMDIR"), std::string::npos) << r.err;
}

// recap convert --pet-units sul: the voxels are SUVbw x LBM / weight (Janmahasatian), and the
// sidecar says SUL. A 70 kg, 1.75 m man: LBM = 9270 x 70 / (6680 + 216 x 70 / 1.75^2)
// = 648900 / 11617.142857 = 55.857108 kg, SUL / SUVbw = 0.79795868.
TEST_F(Cli, ConvertPetInSul) {
  const auto p = pet(true);
  phantom::writeSeries(p, patient_, study_, gradient(p, 3000.0f), dir_ / "in");
  auto r = runRecap({"convert", (dir_ / "in").string(), "--out", (dir_ / "sul").string(), "--pet-units", "sul"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = runRecap({"convert", (dir_ / "in").string(), "--out", (dir_ / "bw").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream side(dir_ / "sul" / "4_PET_AC.json");
  const json sj = json::parse(side);
  EXPECT_EQ(sj["units"], "SUL");
  EXPECT_NEAR(sj["suv"]["lbm_kg"].get<double>(), 648900.0 / 11617.142857142857, 1e-9);
  EXPECT_NEAR(sj["suv"]["sul_ratio"].get<double>(), 648900.0 / 11617.142857142857 / 70.0, 1e-12);
  const double ratio = 0.7979586817511067;
  EXPECT_NEAR(sj["suv"]["sul_ratio"].get<double>(), ratio, 1e-12);
  const auto sul = readNifti(dir_ / "sul" / "4_PET_AC.nii.gz"), bw = readNifti(dir_ / "bw" / "4_PET_AC.nii.gz");
  const size_t n = sul->GetLargestPossibleRegion().GetNumberOfPixels();
  ASSERT_EQ(n, bw->GetLargestPossibleRegion().GetNumberOfPixels());
  for (size_t i = 0; i < n; ++i)
    ASSERT_NEAR(sul->GetBufferPointer()[i], bw->GetBufferPointer()[i] * ratio, 1e-6 * std::abs(bw->GetBufferPointer()[i])) << i;
  const double suv = kWeightKg * 1000.0 / (kDoseBq * std::pow(2.0, -3600.0 / kHalfLife));
  expectNiftiMatchesDicom(dir_ / "sul" / "4_PET_AC.nii.gz", dir_ / "in", suv * ratio, 2e-6);
}

}  // namespace
}  // namespace recap::e2e
