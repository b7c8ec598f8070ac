// NIfTI output read back with ITK's own NIfTI reader: the same place in patient space, the same
// values, for head-first and feet-first CT and for float PET.
#include "recap/export/nifti.h"

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <fstream>

#include "recap/core/error.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "recap/export/describe.h"
#include "recap/phantom/dicom_writer.h"

namespace fs = std::filesystem;

namespace recap {
namespace {

class NiftiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recap-nifti-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  dicom::Volume writeAndLoad(const phantom::SeriesSpec& spec, const std::vector<float>& values) {
    phantom::StudyInfo st;
    st.study_uid = "1.2.826.0.1.3680043.10.1234.2.7";
    phantom::writeSeries(spec, phantom::PatientInfo{}, st, values, dir_ / "dicom");
    index_ = dicom::indexPath(dir_ / "dicom");
    return dicom::loadVolume(index_.studies.at(0).series.at(0));
  }

  fs::path dir_;
  dicom::Index index_;
};

phantom::SeriesSpec ct(bool feet_first) {
  phantom::SeriesSpec s;
  s.series_uid = "1.2.826.0.1.3680043.10.1234.5.1";
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.9.2";
  s.series_number = 3;
  s.series_description = "CT WB 3mm/soft";
  s.cols = 20;
  s.rows = 16;
  s.slices = 7;
  s.row_spacing_mm = 0.75;
  s.col_spacing_mm = 0.75;
  s.slice_spacing_mm = 3.0;
  s.first_position = feet_first ? std::array<double, 3>{7.0, -112.5, 400.0} : std::array<double, 3>{-7.0, -112.5, -400.0};
  if (feet_first) s.orientation = {-1, 0, 0, 0, 1, 0};
  s.patient_position = feet_first ? "FFS" : "HFS";
  return s;
}

std::vector<float> ramp(const phantom::SeriesSpec& s) {
  std::vector<float> v;
  for (int k = 0; k < s.slices; ++k)
    for (int r = 0; r < s.rows; ++r)
      for (int c = 0; c < s.cols; ++c) v.push_back(static_cast<float>(-1000 + 100 * k + 7 * r + c));
  return v;
}

template <typename TPixel>
typename itk::Image<TPixel, 3>::Pointer readBack(const fs::path& p) {
  auto reader = itk::ImageFileReader<itk::Image<TPixel, 3>>::New();
  reader->SetFileName(p.string());
  reader->Update();
  return reader->GetOutput();
}

void expectSameGeometry(const dicom::Image* a, const itk::ImageBase<3>* b) {
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_NEAR(a->GetOrigin()[i], b->GetOrigin()[i], 1e-4) << "origin " << i;
    EXPECT_NEAR(a->GetSpacing()[i], b->GetSpacing()[i], 1e-5) << "spacing " << i;
    for (unsigned j = 0; j < 3; ++j) EXPECT_NEAR(a->GetDirection()(i, j), b->GetDirection()(i, j), 1e-6);
    EXPECT_EQ(a->GetLargestPossibleRegion().GetSize()[i], b->GetLargestPossibleRegion().GetSize()[i]);
  }
}

// Voxel (c, r) of the DICOM slice at z = first + 3k is at the same physical point in the NIfTI.
void expectDicomValuesAtTheirPositions(const phantom::SeriesSpec& s, const std::vector<float>& values,
                                       const itk::Image<int16_t, 3>* nii) {
  const double sign = s.orientation[0];  // +1 head-first, -1 feet-first (row direction)
  const double nz = s.orientation[0] * s.orientation[4];
  for (int k : {0, 3, 6})
    for (auto [r, c] : {std::pair{0, 0}, std::pair{5, 11}, std::pair{15, 19}}) {
      itk::Image<int16_t, 3>::PointType p;
      p[0] = s.first_position[0] + sign * c * s.col_spacing_mm;
      p[1] = s.first_position[1] + r * s.row_spacing_mm;
      p[2] = s.first_position[2] + nz * k * s.slice_spacing_mm;
      itk::Image<int16_t, 3>::IndexType idx;
      ASSERT_TRUE(nii->TransformPhysicalPointToIndex(p, idx)) << "point outside the NIfTI";
      EXPECT_EQ(nii->GetPixel(idx), values[(static_cast<size_t>(k) * s.rows + r) * s.cols + c]) << k << "," << r << "," << c;
    }
}

TEST_F(NiftiTest, HeadFirstCtRoundTripsAsInt16) {
  const auto spec = ct(false);
  const auto values = ramp(spec);
  const dicom::Volume v = writeAndLoad(spec, values);
  const fs::path out = dir_ / "ct.nii.gz";
  exporter::writeNifti(v, out);
  auto io = itk::ImageIOFactory::CreateImageIO(out.c_str(), itk::ImageIOFactory::FileModeEnum::ReadMode);
  ASSERT_TRUE(io);
  io->SetFileName(out.string());
  io->ReadImageInformation();
  EXPECT_EQ(io->GetComponentType(), itk::IOComponentEnum::SHORT);
  auto nii = readBack<int16_t>(out);
  expectSameGeometry(v.image.GetPointer(), nii.GetPointer());
  expectDicomValuesAtTheirPositions(spec, values, nii.GetPointer());
}

TEST_F(NiftiTest, FeetFirstCtRoundTrips) {
  const auto spec = ct(true);
  const auto values = ramp(spec);
  const dicom::Volume v = writeAndLoad(spec, values);
  const fs::path out = dir_ / "ct_ff.nii.gz";
  exporter::writeNifti(v, out);
  auto nii = readBack<int16_t>(out);
  expectSameGeometry(v.image.GetPointer(), nii.GetPointer());
  expectDicomValuesAtTheirPositions(spec, values, nii.GetPointer());
}

TEST_F(NiftiTest, PetIsWrittenAsFloatSuv) {
  phantom::SeriesSpec s = ct(false);
  s.modality = "PT";
  s.series_description = "PET AC";
  s.per_slice_slope = true;
  s.pet = phantom::PetInfo{};
  s.pet->start_time = "080000";
  s.series_time = s.acquisition_date.empty() ? "090000" : "090000";
  s.acquisition_times = {"090000"};
  std::vector<float> values(static_cast<size_t>(s.cols) * s.rows * s.slices);
  for (size_t i = 0; i < values.size(); ++i) values[i] = 1000.0f + static_cast<float>(i % 97) * 50.0f;
  const dicom::Volume v = writeAndLoad(s, values);
  ASSERT_EQ(v.units, "SUVbw");
  const fs::path out = dir_ / "pet.nii.gz";
  exporter::writeNifti(v, out);
  auto nii = readBack<float>(out);
  expectSameGeometry(v.image.GetPointer(), nii.GetPointer());
  const float* a = v.image->GetBufferPointer();
  const float* b = nii->GetBufferPointer();
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(a[i], b[i]) << i;
  // SUV = Bq/ml x 75 kg x 1000 / (3.7e8 Bq decayed over 3600 s); check one voxel against that truth.
  const double factor = 75.0 * 1000.0 / (3.7e8 * std::pow(2.0, -3600.0 / 6586.2));
  EXPECT_NEAR(b[0], phantom::quantised(s, values, 0, values[0]) * factor, 1e-5);
}

TEST_F(NiftiTest, UnwritableTargetIsOutputErrorAndLeavesNothing) {
  const auto spec = ct(false);
  const dicom::Volume v = writeAndLoad(spec, ramp(spec));
  try {
    exporter::writeNifti(v, dir_ / "missing-folder" / "ct.nii.gz");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Output);
    EXPECT_NE(std::string(e.what()).find("missing-folder/ct.nii.gz"), std::string::npos);
  }
}

// ---- gzip level --------------------------------------------------------------------------------

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The whole decompressed content of a .gz file, read with zlib's own gzip reader.
std::string gunzip(const fs::path& p) {
  gzFile f = gzopen(p.c_str(), "rb");
  if (f == nullptr) return {};
  std::string out;
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return out;
}

// A PET-like float volume: a smooth field plus deterministic noise, so that gzip levels differ.
phantom::SeriesSpec noisyPet() {
  phantom::SeriesSpec s = ct(false);
  s.modality = "PT";
  s.series_description = "PET AC";
  s.cols = s.rows = 48;
  s.slices = 12;
  s.row_spacing_mm = s.col_spacing_mm = 4.0;
  s.per_slice_slope = true;
  s.pet = phantom::PetInfo{};
  s.acquisition_times = {"090000"};
  return s;
}

std::vector<float> noisyValues(const phantom::SeriesSpec& s) {
  std::vector<float> v(static_cast<size_t>(s.cols) * s.rows * s.slices);
  uint32_t state = 12345;
  for (size_t i = 0; i < v.size(); ++i) {
    state = state * 1664525u + 1013904223u;
    v[i] = 2000.0f + static_cast<float>((i % 48) * 40) + static_cast<float>(state >> 24);
  }
  return v;
}

TEST_F(NiftiTest, CompressionLevelReachesTheGzipStream) {
  const auto spec = noisyPet();
  const dicom::Volume v = writeAndLoad(spec, noisyValues(spec));
  const fs::path fast = dir_ / "fast.nii.gz", small = dir_ / "small.nii.gz", dflt = dir_ / "default.nii.gz";
  exporter::writeNifti(v, fast, {1});
  exporter::writeNifti(v, small, {9});
  exporter::writeNifti(v, dflt);
  const std::string a = slurp(fast), b = slurp(small), c = slurp(dflt);
  ASSERT_GT(a.size(), 10u);
  ASSERT_GT(b.size(), 10u);
  // gzip member header (RFC 1952): 1f 8b, method 8 (deflate), then at byte 8 XFL, which zlib sets
  // to 4 for its fastest level, 2 for level 9 and 0 for the others.
  for (const std::string* g : {&a, &b, &c}) {
    EXPECT_EQ(static_cast<unsigned char>((*g)[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>((*g)[1]), 0x8b);
    EXPECT_EQ((*g)[2], 8);
  }
  EXPECT_EQ((a)[8], 4) << "level 1 should be marked 'fastest'";
  EXPECT_EQ((b)[8], 2) << "level 9 should be marked 'maximum compression'";
  EXPECT_EQ((c)[8], 0) << "the default level 6 carries XFL 0";
  EXPECT_LT(b.size(), a.size()) << "level 9 (" << b.size() << " B) should be smaller than level 1 (" << a.size() << " B)";
  EXPECT_LE(b.size(), c.size());
  EXPECT_TRUE(a != b) << "level 1 and level 9 wrote the same bytes";
  // The same NIfTI inside: byte for byte, and 352 + 48*48*12 float voxels long.
  const std::string ua = gunzip(fast), ub = gunzip(small);
  EXPECT_EQ(ua.size(), 352u + 48u * 48u * 12u * 4u);
  EXPECT_TRUE(ua == ub) << "levels 1 and 9 decompress to different NIfTI files";
  EXPECT_TRUE(ua == gunzip(dflt)) << "levels 1 and 6 decompress to different NIfTI files";
  // And ITK reads both to the voxels of the loaded volume.
  for (const fs::path& p : {fast, small}) {
    auto nii = readBack<float>(p);
    expectSameGeometry(v.image.GetPointer(), nii.GetPointer());
    const float* x = v.image->GetBufferPointer();
    const float* y = nii->GetBufferPointer();
    for (size_t i = 0; i < 48u * 48u * 12u; ++i) ASSERT_EQ(x[i], y[i]) << p << " voxel " << i;
  }
  // Nothing but the three outputs: the uncompressed and compressed temporaries are gone.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 3u);
}

TEST_F(NiftiTest, LevelOutsideOneToNineIsRefused) {
  const auto spec = ct(false);
  const dicom::Volume v = writeAndLoad(spec, ramp(spec));
  for (int level : {0, 10}) {
    try {
      exporter::writeNifti(v, dir_ / "ct.nii.gz", {level});
      FAIL() << "expected an error for level " << level;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Usage);
    }
  }
  EXPECT_FALSE(fs::exists(dir_ / "ct.nii.gz"));
}

// A write cut short (here by the file-size limit, as a full disk would) is an Output error; the
// previous file stays as it was and no temporary file is left. The NIfTI library itself only
// prints such failures, so recap checks the uncompressed file's length.
TEST_F(NiftiTest, WriteCutShortKeepsThePreviousFileAndLeavesNothing) {
  const auto spec = noisyPet();
  const dicom::Volume v = writeAndLoad(spec, noisyValues(spec));
  const fs::path out = dir_ / "out" / "pet.nii.gz";
  fs::create_directories(out.parent_path());
  exporter::writeNifti(v, out, {1});
  const std::string before = slurp(out);
  struct rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  struct rlimit limited = old;
  limited.rlim_cur = 20000;  // the uncompressed file is 110 944 bytes
  auto previous = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  bool threw = false;
  ErrorCode code = ErrorCode::Internal;
  try {
    exporter::writeNifti(v, out, {9});
  } catch (const Error& e) {
    threw = true;
    code = e.code();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  EXPECT_TRUE(threw);
  EXPECT_EQ(code, ErrorCode::Output);
  EXPECT_EQ(slurp(out), before);
  EXPECT_EQ(std::distance(fs::directory_iterator(out.parent_path()), fs::directory_iterator()), 1);
}

TEST(VolumeBaseName, SanitisesDescription) {
  dicom::Series s;
  dicom::InstanceHeader h;
  h.series_number = 3;
  h.series_description = "CT WB 3mm/soft (AC)";
  s.modality = "CT";
  s.instances.push_back(h);
  EXPECT_EQ(exporter::volumeBaseName(s), "3_CT_WB_3mm_soft__AC_");
}

}  // namespace
}  // namespace recap
