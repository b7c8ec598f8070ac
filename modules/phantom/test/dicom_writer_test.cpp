#include "recap/phantom/dicom_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "recap/core/error.h"
#include "test_support.h"

namespace recap::phantom {
namespace {

using test::getDouble;
using test::getInt;
using test::getString;
using test::getUs;
using test::loadDicom;
using test::storedPixels;
using test::TempDir;

constexpr int kCols = 16, kRows = 12, kSlices = 5;
constexpr size_t kSlice = static_cast<size_t>(kCols) * kRows;
const char* const kSeriesUid = "1.2.826.0.1.3680043.9.7777.10";

SeriesSpec ctSpec() {
  SeriesSpec s;
  s.modality = "CT";
  s.series_uid = kSeriesUid;
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.9.7777.11";
  s.series_number = 3;
  s.series_description = "CT WB 3mm";
  s.convolution_kernel = "B31f";
  s.patient_position = "FFS";
  s.cols = kCols;
  s.rows = kRows;
  s.slices = kSlices;
  s.row_spacing_mm = 0.8;
  s.col_spacing_mm = 0.9;
  s.slice_spacing_mm = 3.0;
  s.slice_thickness_mm = 2.5;
  s.orientation = {-1, 0, 0, 0, 1, 0};  // feet first: normal = row x col = (0, 0, -1)
  s.first_position = {100.5, -50.25, -200};
  s.rescale_intercept = -1024;
  return s;
}

SeriesSpec petSpec() {
  SeriesSpec s = ctSpec();
  s.modality = "PT";
  s.series_uid = "1.2.826.0.1.3680043.9.7777.20";
  s.convolution_kernel.clear();
  s.rescale_intercept = 0;
  s.per_slice_slope = true;
  PetInfo pet;
  pet.suv_type = "BW";
  pet.start_datetime = "20240115080000.00";
  pet.frame_reference_time_ms = 1234.5;
  pet.actual_frame_duration_ms = 180000;
  pet.philips_suv_factor = 0.000123;
  pet.philips_activity_factor = 1.5;
  pet.ge_scan_datetime = "20240115083000.00";
  s.pet = pet;
  return s;
}

StudyInfo study() {
  StudyInfo s;
  s.study_uid = "1.2.826.0.1.3680043.9.7777.1";
  return s;
}

// Values spanning [lo, hi] in a fixed pseudo-random pattern.
std::vector<float> pattern(float lo, float hi, int slices = kSlices) {
  std::vector<float> v(kSlice * slices);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = lo + (hi - lo) * static_cast<float>((i * 7919) % 1000) / 999.0f;
  return v;
}

std::vector<std::filesystem::path> write(const SeriesSpec& spec, const std::vector<float>& values,
                                         const std::filesystem::path& dir) {
  return writeSeries(spec, PatientInfo{}, study(), values, dir);
}

// ------------------------------------------------------------------------------------------------

TEST(DicomWriter, CtFilesHaveTheStandardModulesAndGeometry) {
  TempDir dir("ct");
  const SeriesSpec spec = ctSpec();
  const auto paths = write(spec, pattern(-1000, 1000), dir.path() / "ct");
  ASSERT_EQ(paths.size(), 5u);
  for (int k = 0; k < kSlices; ++k) {
    SCOPED_TRACE("slice " + std::to_string(k));
    const std::string uid = std::string(kSeriesUid) + "." + std::to_string(k + 1);
    EXPECT_EQ(paths[k], dir.path() / "ct" / (uid + ".dcm"));
    auto file = loadDicom(paths[k]);
    DcmItem& meta = *file->getMetaInfo();
    DcmItem& ds = *file->getDataset();
    EXPECT_EQ(getString(meta, DCM_TransferSyntaxUID), "1.2.840.10008.1.2.1");
    EXPECT_EQ(getString(meta, DCM_MediaStorageSOPClassUID), "1.2.840.10008.5.1.4.1.1.2");
    EXPECT_EQ(getString(meta, DCM_MediaStorageSOPInstanceUID), uid);
    EXPECT_EQ(getString(ds, DCM_SOPClassUID), "1.2.840.10008.5.1.4.1.1.2");
    EXPECT_EQ(getString(ds, DCM_SOPInstanceUID), uid);
    EXPECT_EQ(getString(ds, DCM_PatientName), "Phantom^Patient");
    EXPECT_EQ(getString(ds, DCM_PatientID), "PHANTOM-001");
    EXPECT_EQ(getString(ds, DCM_PatientBirthDate), "19600101");
    EXPECT_EQ(getString(ds, DCM_PatientSex), "M");
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_PatientWeight), 75.0);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_PatientSize), 1.75);
    EXPECT_EQ(getString(ds, DCM_StudyInstanceUID), "1.2.826.0.1.3680043.9.7777.1");
    EXPECT_EQ(getString(ds, DCM_StudyDate), "20240115");
    EXPECT_EQ(getString(ds, DCM_AccessionNumber), "ACC0001");
    EXPECT_TRUE(ds.tagExists(DCM_ReferringPhysicianName));
    EXPECT_EQ(getString(ds, DCM_ReferringPhysicianName), "");
    EXPECT_EQ(getString(ds, DCM_Modality), "CT");
    EXPECT_EQ(getString(ds, DCM_SeriesInstanceUID), kSeriesUid);
    EXPECT_EQ(getInt(ds, DCM_SeriesNumber), 3);
    EXPECT_EQ(getString(ds, DCM_SeriesDescription), "CT WB 3mm");
    EXPECT_EQ(getString(ds, DCM_PatientPosition), "FFS");
    EXPECT_EQ(getString(ds, DCM_FrameOfReferenceUID), "1.2.826.0.1.3680043.9.7777.11");
    EXPECT_TRUE(ds.tagExists(DCM_PositionReferenceIndicator));
    EXPECT_EQ(getString(ds, DCM_Manufacturer), "SIEMENS");
    EXPECT_EQ(getString(ds, DCM_ManufacturerModelName), "Biograph");
    EXPECT_EQ(getInt(ds, DCM_InstanceNumber), k + 1);
    EXPECT_EQ(getString(ds, DCM_ImageType), "ORIGINAL\\PRIMARY\\AXIAL");
    EXPECT_EQ(getString(ds, DCM_AcquisitionTime), "090000");

    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_PixelSpacing, 0), 0.8);  // row spacing first
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_PixelSpacing, 1), 0.9);
    EXPECT_EQ(getString(ds, DCM_ImageOrientationPatient), "-1\\0\\0\\0\\1\\0");
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_ImagePositionPatient, 0), 100.5);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_ImagePositionPatient, 1), -50.25);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_ImagePositionPatient, 2), -200.0 - 3.0 * k);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_SliceLocation), 200.0 + 3.0 * k);  // IPP . (0,0,-1)
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_SliceThickness), 2.5);

    EXPECT_EQ(getUs(ds, DCM_SamplesPerPixel), 1);
    EXPECT_EQ(getString(ds, DCM_PhotometricInterpretation), "MONOCHROME2");
    EXPECT_EQ(getUs(ds, DCM_Rows), 12);
    EXPECT_EQ(getUs(ds, DCM_Columns), 16);
    EXPECT_EQ(getUs(ds, DCM_BitsAllocated), 16);
    EXPECT_EQ(getUs(ds, DCM_BitsStored), 16);
    EXPECT_EQ(getUs(ds, DCM_HighBit), 15);
    EXPECT_EQ(getUs(ds, DCM_PixelRepresentation), 1);
    DcmElement* pixels = nullptr;
    ASSERT_TRUE(ds.findAndGetElement(DCM_PixelData, pixels).good());
    EXPECT_EQ(pixels->getVR(), EVR_OW);
    EXPECT_EQ(pixels->getLength(), kSlice * 2);

    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_RescaleIntercept), -1024.0);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_RescaleSlope), 1.0);
    EXPECT_EQ(getString(ds, DCM_RescaleType), "HU");
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_KVP), 120.0);
    EXPECT_EQ(getString(ds, DCM_ConvolutionKernel), "B31f");
    EXPECT_TRUE(ds.tagExists(DCM_AcquisitionNumber));
    EXPECT_FALSE(ds.tagExists(DCM_RadiopharmaceuticalInformationSequence));
  }
}

// ------------------------------------------------------------------------------------------------

struct Encoding {
  bool is_signed;
  int bits;
  long lo, hi;  // the stored range, written out rather than computed
  double slope, intercept;
};

class Quantisation : public ::testing::TestWithParam<Encoding> {};

TEST_P(Quantisation, StoredValuesAreRoundedAndClampedAndQuantisedMatches) {
  const Encoding e = GetParam();
  SeriesSpec spec = ctSpec();
  spec.pixel_signed = e.is_signed;
  spec.bits_stored = e.bits;
  spec.rescale_slope = e.slope;
  spec.rescale_intercept = e.intercept;
  std::vector<float> values = pattern(-3000, 5000);
  values[0] = -1e6f;  // below every range
  values[1] = 1e6f;   // above every range
  values[2] = static_cast<float>(e.intercept + 10.49 * e.slope);  // rounds down to 10
  values[3] = static_cast<float>(e.intercept + 10.51 * e.slope);  // rounds up to 11

  TempDir dir("quant");
  const auto paths = write(spec, values, dir.path());
  for (int k = 0; k < kSlices; ++k) {
    auto file = loadDicom(paths[k]);
    DcmItem& ds = *file->getDataset();
    EXPECT_EQ(getUs(ds, DCM_BitsStored), e.bits);
    EXPECT_EQ(getUs(ds, DCM_HighBit), e.bits - 1);
    EXPECT_EQ(getUs(ds, DCM_PixelRepresentation), e.is_signed ? 1 : 0);
    const double slope = getDouble(ds, DCM_RescaleSlope), intercept = getDouble(ds, DCM_RescaleIntercept);
    EXPECT_DOUBLE_EQ(slope, e.slope);
    EXPECT_DOUBLE_EQ(intercept, e.intercept);
    const std::vector<long> stored = storedPixels(ds);
    ASSERT_EQ(stored.size(), kSlice);
    for (size_t i = 0; i < kSlice; ++i) {
      const float v = values[k * kSlice + i];
      const long expected = std::clamp(std::lround((v - e.intercept) / e.slope), e.lo, e.hi);
      ASSERT_EQ(stored[i], expected) << "slice " << k << " voxel " << i << " value " << v;
      ASSERT_FLOAT_EQ(quantised(spec, values, k, v), static_cast<float>(stored[i] * slope + intercept));
    }
    if (k == 0) {
      EXPECT_EQ(stored[0], e.lo);
      EXPECT_EQ(stored[1], e.hi);
      EXPECT_EQ(stored[2], 10);
      EXPECT_EQ(stored[3], 11);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, Quantisation,
                         ::testing::Values(Encoding{true, 12, -2048, 2047, 1.0, -1024},
                                           Encoding{false, 12, 0, 4095, 1.0, -1024},
                                           Encoding{true, 16, -32768, 32767, 0.5, -1024},
                                           Encoding{false, 16, 0, 65535, 0.25, -5000}),
                         [](const ::testing::TestParamInfo<Encoding>& info) {
                           return std::string(info.param.is_signed ? "signed" : "unsigned") +
                                  std::to_string(info.param.bits);
                         });

TEST(DicomWriter, Signed12BitValuesAreSignExtendedTo16Bits) {
  SeriesSpec spec = ctSpec();
  spec.bits_stored = 12;
  spec.rescale_intercept = 0;
  std::vector<float> values(kSlice * kSlices, -5.0f);
  TempDir dir("sign");
  const auto paths = write(spec, values, dir.path());
  auto file = loadDicom(paths[0]);
  const Uint16* raw = nullptr;
  ASSERT_TRUE(file->getDataset()->findAndGetUint16Array(DCM_PixelData, raw).good());
  EXPECT_EQ(raw[0], 0xFFFB);
}

// ------------------------------------------------------------------------------------------------

// PET slice k: a pattern in [0, (k + 1) * 1000] Bq/ml reaching its maximum in voxel 5; the last
// slice is empty.
std::vector<float> petValues() {
  std::vector<float> v = pattern(0, 1);
  for (int k = 0; k < kSlices; ++k) {
    v[k * kSlice + 5] = 1.0f;
    for (size_t i = 0; i < kSlice; ++i) v[k * kSlice + i] *= (k == kSlices - 1) ? 0.0f : (k + 1) * 1000.0f;
  }
  return v;
}

TEST(DicomWriter, PetHasPerSliceSlopeAndQuantisedMatchesStoredValues) {
  const SeriesSpec spec = petSpec();
  const std::vector<float> values = petValues();
  TempDir dir("pet");
  const auto paths = write(spec, values, dir.path());
  for (int k = 0; k < kSlices; ++k) {
    SCOPED_TRACE("slice " + std::to_string(k));
    auto file = loadDicom(paths[k]);
    DcmItem& ds = *file->getDataset();
    const double slope = getDouble(ds, DCM_RescaleSlope);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_RescaleIntercept), 0.0);
    const std::vector<long> stored = storedPixels(ds);
    ASSERT_EQ(stored.size(), kSlice);
    if (k == kSlices - 1) {
      EXPECT_GT(slope, 0.0);  // an empty slice still has a usable slope
      EXPECT_LT(slope, 1e-6);
      EXPECT_EQ(*std::max_element(stored.begin(), stored.end()), 0);
    } else {
      const double max_value = (k + 1) * 1000.0;
      EXPECT_NEAR(slope, max_value / 32767.0, 1e-9 * max_value / 32767.0);
      EXPECT_EQ(*std::max_element(stored.begin(), stored.end()), 32767);
    }
    for (size_t i = 0; i < kSlice; ++i) {
      const float v = values[k * kSlice + i];
      ASSERT_EQ(stored[i], std::lround(v / slope)) << "voxel " << i;
      const float q = quantised(spec, values, k, v);
      ASSERT_FLOAT_EQ(q, static_cast<float>(stored[i] * slope));
      ASSERT_LE(std::fabs(q - v), 0.5 * slope + 1e-3);
    }
  }
}

TEST(DicomWriter, UnsignedPetUsesTheUnsignedMaximum) {
  SeriesSpec spec = petSpec();
  spec.pixel_signed = false;
  const std::vector<float> values = petValues();
  TempDir dir("pet-unsigned");
  const auto paths = write(spec, values, dir.path());
  auto file = loadDicom(paths[1]);
  EXPECT_NEAR(getDouble(*file->getDataset(), DCM_RescaleSlope), 2000.0 / 65535.0, 1e-12);
  const std::vector<long> stored = storedPixels(*file->getDataset());
  EXPECT_EQ(*std::max_element(stored.begin(), stored.end()), 65535);
}

TEST(DicomWriter, PetHasPetModulesIsotopeAndPrivateTags) {
  const SeriesSpec spec = petSpec();
  TempDir dir("pet-attrs");
  const auto paths = write(spec, petValues(), dir.path());
  for (int k = 0; k < kSlices; ++k) {
    SCOPED_TRACE("slice " + std::to_string(k));
    auto file = loadDicom(paths[k]);
    DcmItem& ds = *file->getDataset();
    EXPECT_EQ(getString(*file->getMetaInfo(), DCM_MediaStorageSOPClassUID), "1.2.840.10008.5.1.4.1.1.128");
    EXPECT_EQ(getString(ds, DCM_SOPClassUID), "1.2.840.10008.5.1.4.1.1.128");
    EXPECT_EQ(getString(ds, DCM_Modality), "PT");
    EXPECT_EQ(getString(ds, DCM_Units), "BQML");
    EXPECT_EQ(getString(ds, DCM_CountsSource), "EMISSION");
    EXPECT_EQ(getString(ds, DCM_SeriesType), "WHOLE BODY\\IMAGE");
    EXPECT_EQ(getString(ds, DCM_CorrectedImage), "DECY\\ATTN\\SCAT\\DTIM\\RAN\\NORM");
    EXPECT_TRUE(ds.tagExists(DCM_RandomsCorrectionMethod));
    EXPECT_EQ(getString(ds, DCM_DecayCorrection), "START");
    EXPECT_TRUE(ds.tagExists(DCM_ReconstructionMethod));
    EXPECT_EQ(getUs(ds, DCM_NumberOfSlices), kSlices);
    EXPECT_EQ(getString(ds, DCM_SUVType), "BW");
    EXPECT_EQ(getUs(ds, DCM_ImageIndex), k + 1);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_DecayFactor), 1.0);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_FrameReferenceTime), 1234.5);
    EXPECT_EQ(getInt(ds, DCM_ActualFrameDuration), 180000);
    EXPECT_FALSE(ds.tagExists(DCM_RescaleType));
    EXPECT_FALSE(ds.tagExists(DCM_KVP));

    DcmItem* rp = nullptr;
    ASSERT_TRUE(ds.findAndGetSequenceItem(DCM_RadiopharmaceuticalInformationSequence, rp, 0).good());
    EXPECT_EQ(getString(*rp, DCM_Radiopharmaceutical), "Fluorodeoxyglucose");
    EXPECT_EQ(getString(*rp, DCM_RadiopharmaceuticalStartTime), "080000");
    EXPECT_EQ(getString(*rp, DCM_RadiopharmaceuticalStartDateTime), "20240115080000.00");
    EXPECT_DOUBLE_EQ(getDouble(*rp, DCM_RadionuclideTotalDose), 3.7e8);
    EXPECT_DOUBLE_EQ(getDouble(*rp, DCM_RadionuclideHalfLife), 6586.2);
    EXPECT_DOUBLE_EQ(getDouble(*rp, DCM_RadionuclidePositronFraction), 0.97);
    EXPECT_FALSE(ds.tagExists(DCM_RadionuclideTotalDose));  // only inside the sequence
    DcmItem* code = nullptr;
    ASSERT_TRUE(rp->findAndGetSequenceItem(DCM_RadionuclideCodeSequence, code, 0).good());
    EXPECT_EQ(getString(*code, DCM_CodeValue), "C-111A1");
    EXPECT_EQ(getString(*code, DCM_CodingSchemeDesignator), "SRT");
    EXPECT_EQ(getString(*code, DCM_CodeMeaning), "^18^Fluorine");

    const auto suv = test::privateTag(ds, 0x7053, "Philips PET Private Group", 0x00);
    const auto activity = test::privateTag(ds, 0x7053, "Philips PET Private Group", 0x09);
    const auto scan = test::privateTag(ds, 0x0009, "GEMS_PETD_01", 0x0D);
    ASSERT_TRUE(suv && activity && scan);
    EXPECT_DOUBLE_EQ(getDouble(ds, *suv), 0.000123);
    EXPECT_DOUBLE_EQ(getDouble(ds, *activity), 1.5);
    EXPECT_EQ(getString(ds, *scan), "20240115083000.00");
  }
}

TEST(DicomWriter, OptionalPetAttributesAreOmittedWhenNotGiven) {
  SeriesSpec spec = petSpec();
  spec.pet = PetInfo{};
  spec.pet->total_dose_bq.reset();
  TempDir dir("pet-min");
  const auto paths = write(spec, petValues(), dir.path());
  auto file = loadDicom(paths[0]);
  DcmItem& ds = *file->getDataset();
  EXPECT_FALSE(ds.tagExists(DCM_SUVType));
  EXPECT_FALSE(ds.tagExists(DCM_FrameReferenceTime));
  EXPECT_FALSE(ds.tagExists(DCM_ActualFrameDuration));
  EXPECT_FALSE(test::privateTag(ds, 0x7053, "Philips PET Private Group", 0x00));
  EXPECT_FALSE(test::privateTag(ds, 0x0009, "GEMS_PETD_01", 0x0D));
  DcmItem* rp = nullptr;
  ASSERT_TRUE(ds.findAndGetSequenceItem(DCM_RadiopharmaceuticalInformationSequence, rp, 0).good());
  EXPECT_FALSE(rp->tagExists(DCM_RadionuclideTotalDose));
  EXPECT_FALSE(rp->tagExists(DCM_RadiopharmaceuticalStartDateTime));
  EXPECT_TRUE(rp->tagExists(DCM_RadionuclideHalfLife));
}

TEST(DicomWriter, RemoveTagsDeletesFromTopLevelAndRadiopharmaceuticalItem) {
  SeriesSpec spec = petSpec();
  spec.remove_tags = {{0x0010, 0x1030}, {0x0018, 0x1074}, {0x0054, 0x1001}};
  TempDir dir("remove");
  const auto paths = write(spec, petValues(), dir.path());
  for (const auto& p : paths) {
    auto file = loadDicom(p);
    DcmItem& ds = *file->getDataset();
    EXPECT_FALSE(ds.tagExists(DCM_PatientWeight));
    EXPECT_FALSE(ds.tagExists(DCM_Units));
    EXPECT_TRUE(ds.tagExists(DCM_PatientSize));
    DcmItem* rp = nullptr;
    ASSERT_TRUE(ds.findAndGetSequenceItem(DCM_RadiopharmaceuticalInformationSequence, rp, 0).good());
    EXPECT_FALSE(rp->tagExists(DCM_RadionuclideTotalDose));
    EXPECT_DOUBLE_EQ(getDouble(*rp, DCM_RadionuclideHalfLife), 6586.2);
  }
}

// ------------------------------------------------------------------------------------------------

TEST(DicomWriter, AcquisitionTimesAndInstanceNumbers) {
  SeriesSpec spec = ctSpec();
  spec.acquisition_date = "20240116";
  spec.acquisition_times = {"100000", "100010", "100020", "100030", "100040.5"};
  spec.instance_numbers = {10, 8, 6, 4, 2};
  TempDir dir("times");
  auto paths = write(spec, pattern(0, 100), dir.path() / "per-slice");
  for (int k = 0; k < kSlices; ++k) {
    auto file = loadDicom(paths[k]);
    EXPECT_EQ(getString(*file->getDataset(), DCM_AcquisitionDate), "20240116");
    EXPECT_EQ(getString(*file->getDataset(), DCM_AcquisitionTime), spec.acquisition_times[k]);
    EXPECT_EQ(getInt(*file->getDataset(), DCM_InstanceNumber), 10 - 2 * k);
    EXPECT_EQ(getString(*file->getDataset(), DCM_ContentTime), "090000");
  }
  spec.acquisition_times = {"101500"};
  spec.instance_numbers.clear();
  paths = write(spec, pattern(0, 100), dir.path() / "one");
  for (int k = 0; k < kSlices; ++k) {
    auto file = loadDicom(paths[k]);
    EXPECT_EQ(getString(*file->getDataset(), DCM_AcquisitionTime), "101500");
    EXPECT_EQ(getInt(*file->getDataset(), DCM_InstanceNumber), k + 1);
  }
  spec.acquisition_times = {"1", "2"};
  EXPECT_THROW(write(spec, pattern(0, 100), dir.path() / "bad"), recap::Error);
}

TEST(DicomWriter, ExplicitPositionsAreHonoured) {
  SeriesSpec spec = ctSpec();
  spec.positions = {{0, 0, 10}, {0, 0, 7}, {0, 0, 7}, {0, 0, 1}, {0.5, 0, -4.5}};  // duplicate, gap, shift
  TempDir dir("positions");
  const auto paths = write(spec, pattern(0, 100), dir.path());
  for (int k = 0; k < kSlices; ++k) {
    auto file = loadDicom(paths[k]);
    DcmItem& ds = *file->getDataset();
    for (int i = 0; i < 3; ++i)
      EXPECT_DOUBLE_EQ(getDouble(ds, DCM_ImagePositionPatient, i), spec.positions[k][i]);
    EXPECT_DOUBLE_EQ(getDouble(ds, DCM_SliceLocation), -spec.positions[k][2]);
  }
  spec.positions.pop_back();
  EXPECT_THROW(write(spec, pattern(0, 100), dir.path() / "bad"), recap::Error);
}

TEST(DicomWriter, InstanceNumberNaming) {
  SeriesSpec spec = ctSpec();
  spec.naming = FileNaming::InstanceNumber;
  TempDir dir("im");
  const auto paths = write(spec, pattern(0, 100), dir.path());
  ASSERT_EQ(paths.size(), 5u);
  EXPECT_EQ(paths[0].filename(), "IM000001");
  EXPECT_EQ(paths[4].filename(), "IM000005");
  for (const auto& p : paths) EXPECT_TRUE(std::filesystem::is_regular_file(p));
}

TEST(DicomWriter, ShuffledNamesAreDistinctHexAndNotInSliceOrder) {
  TempDir dir("shuffled");
  std::set<std::vector<std::string>> distinct_series;
  for (unsigned seed = 1; seed <= 8; ++seed) {
    SeriesSpec spec = ctSpec();
    spec.naming = FileNaming::Shuffled;
    spec.seed = seed;
    const auto out = dir.path() / ("seed" + std::to_string(seed));
    const auto paths = write(spec, pattern(0, 100), out);
    std::vector<std::string> names;
    for (const auto& p : paths) names.push_back(p.filename().string());
    for (const auto& n : names) {
      EXPECT_EQ(n.size(), 8u) << n;
      EXPECT_EQ(n.find_first_not_of("0123456789abcdef"), std::string::npos) << n;
    }
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_NE(sorted, names) << "seed " << seed;
    EXPECT_NE(std::vector<std::string>(sorted.rbegin(), sorted.rend()), names) << "seed " << seed;
    // The files on disk are these names, and slice k is in names[k].
    EXPECT_EQ(static_cast<size_t>(std::distance(std::filesystem::directory_iterator(out), {})), names.size());
    auto file = loadDicom(paths[2]);
    EXPECT_EQ(getInt(*file->getDataset(), DCM_InstanceNumber), 3);
    distinct_series.insert(names);
    // Same seed, same names.
    EXPECT_EQ(write(spec, pattern(0, 100), dir.path() / "again").back().filename(), paths.back().filename());
    std::filesystem::remove_all(dir.path() / "again");
  }
  EXPECT_EQ(distinct_series.size(), 8u);
}

TEST(DicomWriter, ShuffledNamesAreNotInSliceOrderEvenForTwoOrThreeSlices) {
  TempDir dir("shuffled-small");
  for (int slices = 2; slices <= 3; ++slices) {
    for (unsigned seed = 1; seed <= 16; ++seed) {
      SeriesSpec spec = ctSpec();
      spec.slices = slices;
      spec.naming = FileNaming::Shuffled;
      spec.seed = seed;
      const auto out = dir.path() / (std::to_string(slices) + "-" + std::to_string(seed));
      std::vector<std::string> names;
      for (const auto& p : write(spec, pattern(0, 100, slices), out)) names.push_back(p.filename().string());
      std::vector<std::string> sorted = names;
      std::sort(sorted.begin(), sorted.end());
      EXPECT_NE(sorted, names) << slices << " slices, seed " << seed;
      if (slices == 3) {
        EXPECT_NE(std::vector<std::string>(sorted.rbegin(), sorted.rend()), names) << "seed " << seed;
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------

TEST(DicomWriter, InvalidSpecAndUnwritableFolderThrow) {
  TempDir dir("errors");
  SeriesSpec spec = ctSpec();
  try {
    write(spec, std::vector<float>(10), dir.path());
    FAIL() << "expected an error";
  } catch (const recap::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Internal);
    EXPECT_NE(e.reason().find("values"), std::string::npos) << e.reason();
  }
  const auto blocker = dir.path() / "a-file";
  std::ofstream(blocker) << "not a folder";
  try {
    write(spec, pattern(0, 1), blocker / "sub");
    FAIL() << "expected an error";
  } catch (const recap::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Output);
  }
}

TEST(DicomWriter, ExplicitSopClassIsUsed) {
  SeriesSpec spec = ctSpec();
  spec.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2.1";  // Enhanced CT, to show the override
  TempDir dir("sop");
  const auto paths = write(spec, pattern(0, 1), dir.path());
  auto file = loadDicom(paths[0]);
  EXPECT_EQ(getString(*file->getDataset(), DCM_SOPClassUID), "1.2.840.10008.5.1.4.1.1.2.1");
  EXPECT_EQ(getString(*file->getMetaInfo(), DCM_MediaStorageSOPClassUID), "1.2.840.10008.5.1.4.1.1.2.1");
}

}  // namespace
}  // namespace recap::phantom
