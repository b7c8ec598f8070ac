// NIfTI output read back with ITK's own NIfTI reader: the same place in patient space, the same
// values, for head-first and feet-first CT and for float PET.
#include "recap/export/nifti.h"

#include <gtest/gtest.h>
#include <itkImageFileReader.h>
#include <unistd.h>

#include <cmath>

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
