// PET series written with each vendor's SUV encoding, read back through recap's ingestion: the
// voxels must come out in SUVbw, with the truth computed here from the activity written.
#include <gtest/gtest.h>

#include <cmath>

#include "recap/core/error.h"
#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "synth.h"

namespace recap {
namespace {

using test::TempDir;

constexpr double kWeightKg = 82.0;
constexpr double kDoseBq = 3.5e8;
constexpr double kHalfLife = 6586.2;

// Activity (Bq/ml, or counts for CNTS) as a function of position: a smooth field, different per slice.
float activityAt(double x, double y, double z) { return static_cast<float>(5000.0 + 40.0 * x + 25.0 * y + 60.0 * z); }

phantom::SeriesSpec petSpec() {
  phantom::SeriesSpec s;
  s.modality = "PT";
  s.series_uid = "1.2.826.0.1.3680043.10.1234.4.1";
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.9.1";
  s.series_number = 5;
  s.series_description = "PET WB AC";
  s.cols = s.rows = 12;
  s.slices = 5;
  s.row_spacing_mm = s.col_spacing_mm = 4.0;
  s.slice_spacing_mm = s.slice_thickness_mm = 3.0;
  s.first_position = {-20, -20, -6};
  s.pixel_signed = true;
  s.per_slice_slope = true;
  s.series_date = "20240115";
  s.series_time = "100000";
  s.acquisition_date = "20240115";
  s.acquisition_times = {"100000"};
  s.pet = phantom::PetInfo{};
  s.pet->start_time = "090000";
  s.pet->total_dose_bq = kDoseBq;
  s.pet->half_life_s = kHalfLife;
  return s;
}

phantom::PatientInfo patient() {
  phantom::PatientInfo p;
  p.weight_kg = kWeightKg;
  return p;
}

// Writes the series, loads it, and returns the largest relative error of the loaded voxels
// against expected_factor x (the quantised value written at that position).
double maxRelativeError(const phantom::SeriesSpec& spec, double expected_factor, dicom::Volume* out = nullptr,
                        const phantom::PatientInfo& who = patient(), const dicom::LoadOptions& load = {}) {
  TempDir tmp;
  const auto values = test::fillByPosition(spec, activityAt);
  phantom::writeSeries(spec, who, test::study(), values, tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  dicom::Volume v = dicom::loadVolume(index.studies.at(0).series.at(0), load);
  // The writer quantises per slice; compare to the quantised value, so the check is exact up to float.
  double worst = 0;
  const auto size = v.image->GetLargestPossibleRegion().GetSize();
  dicom::Image::IndexType idx;
  for (idx[2] = 0; idx[2] < long(size[2]); ++idx[2])
    for (idx[1] = 0; idx[1] < long(size[1]); ++idx[1])
      for (idx[0] = 0; idx[0] < long(size[0]); ++idx[0]) {
        const long k = idx[2];  // head-first, slices written in increasing z: slice k = index k
        const float written = values[(k * spec.rows + idx[1]) * spec.cols + idx[0]];
        const double expected = phantom::quantised(spec, values, static_cast<int>(k), written) * expected_factor;
        worst = std::max(worst, std::abs(v.image->GetPixel(idx) - expected) / std::abs(expected));
      }
  if (out) *out = v;
  return worst;
}

double bqmlFactor(double decay_s) { return kWeightKg * 1000.0 / (kDoseBq * std::pow(2.0, -decay_s / kHalfLife)); }

TEST(SuvPaths, BqmlDecayedToSeriesTime) {
  dicom::Volume v;
  EXPECT_LT(maxRelativeError(petSpec(), bqmlFactor(3600.0), &v), 1e-6);
  EXPECT_EQ(v.units, "SUVbw");
  ASSERT_TRUE(v.suv);
  EXPECT_EQ(v.suv->method, "BQML");
  EXPECT_EQ(v.suv->scan_time_source, "series");
  EXPECT_NEAR(v.suv->decay_s, 3600.0, 1e-6);
}

// Activity of 1 SUV everywhere reads back as 1.0 within 1 % over a large uniform region.
TEST(SuvPaths, UniformActivityOfOneSuvReadsOne) {
  auto spec = petSpec();
  TempDir tmp;
  const double activity = 1.0 / bqmlFactor(3600.0);  // Bq/ml that is exactly SUV 1
  std::vector<float> values(static_cast<size_t>(spec.cols) * spec.rows * spec.slices, static_cast<float>(activity));
  phantom::writeSeries(spec, patient(), test::study(), values, tmp.path());
  const dicom::Volume v = dicom::loadVolume(dicom::indexPath(tmp.path()).studies.at(0).series.at(0));
  const float* p = v.image->GetBufferPointer();
  for (size_t i = 0; i < values.size(); ++i) ASSERT_NEAR(p[i], 1.0, 0.01);
}

TEST(SuvPaths, StartDateTimePreferredOverStartTime) {
  auto spec = petSpec();
  spec.pet->start_datetime = "20240115083000";  // 90 min before the scan, start_time says 60
  EXPECT_LT(maxRelativeError(spec, bqmlFactor(5400.0)), 1e-6);
}

TEST(SuvPaths, DecayCorrectionAdminUsesUndecayedDose) {
  auto spec = petSpec();
  spec.pet->decay_correction = "ADMIN";
  EXPECT_LT(maxRelativeError(spec, kWeightKg * 1000.0 / kDoseBq), 1e-6);
}

// GE rewrites SeriesTime on post-processed series; the private scan datetime gives the truth.
TEST(SuvPaths, GeRewrittenSeriesTimeUsesPrivateScanTime) {
  auto spec = petSpec();
  spec.manufacturer = "GE MEDICAL SYSTEMS";
  spec.series_time = "113000";           // after acquisition: rewritten at series creation
  spec.acquisition_times = {"101000"};
  spec.pet->ge_scan_datetime = "20240115100500";  // 65 min after injection
  dicom::Volume v;
  EXPECT_LT(maxRelativeError(spec, bqmlFactor(3900.0), &v), 1e-6);
  EXPECT_EQ(v.suv->scan_time_source, "ge-private");
}

// Without the GE attribute, a rewritten series time falls back to the earliest acquisition time.
TEST(SuvPaths, RewrittenSeriesTimeFallsBackToEarliestAcquisition) {
  auto spec = petSpec();
  spec.series_time = "113000";
  spec.acquisition_times = {"101500", "101000", "102000", "100800", "101200"};  // earliest 10:08
  dicom::Volume v;
  EXPECT_LT(maxRelativeError(spec, bqmlFactor(4080.0), &v), 1e-6);
  EXPECT_EQ(v.suv->scan_time_source, "earliest-acquisition");
}

TEST(SuvPaths, PhilipsCntsWithSuvScaleFactor) {
  auto spec = petSpec();
  spec.manufacturer = "Philips Medical Systems";
  spec.pet->units = "CNTS";
  spec.pet->philips_suv_factor = 0.000321;
  dicom::Volume v;
  EXPECT_LT(maxRelativeError(spec, 0.000321, &v), 1e-6);
  EXPECT_EQ(v.suv->method, "CNTS-7053,1000");
}

TEST(SuvPaths, PhilipsCntsWithActivityScaleFactor) {
  auto spec = petSpec();
  spec.manufacturer = "Philips Medical Systems";
  spec.pet->units = "CNTS";
  spec.pet->philips_activity_factor = 2.75;  // counts x slope x 2.75 = Bq/ml
  dicom::Volume v;
  EXPECT_LT(maxRelativeError(spec, 2.75 * bqmlFactor(3600.0), &v), 1e-6);
  EXPECT_EQ(v.suv->method, "CNTS-7053,1009");
}

TEST(SuvPaths, RawUnitsOnRequest) {
  TempDir tmp;
  auto spec = petSpec();
  const auto values = test::fillByPosition(spec, activityAt);
  phantom::writeSeries(spec, patient(), test::study(), values, tmp.path());
  dicom::LoadOptions raw;
  raw.pet_units = dicom::PetUnits::Raw;
  const dicom::Volume v = dicom::loadVolume(dicom::indexPath(tmp.path()).studies.at(0).series.at(0), raw);
  EXPECT_EQ(v.units, "BQML");
  EXPECT_NEAR(v.image->GetPixel({{0, 0, 0}}), phantom::quantised(spec, values, 0, values[0]), 1e-2);
}

// ---- Radionuclides other than F-18: the half-life comes from the header ----------------------

// Ga-68 (half-life 4062.6 s), 150 MBq injected at 09:00, scanned at 10:00, 82 kg. By hand:
//   decayed dose = 1.5e8 x 2^(-3600 / 4062.6) = 1.5e8 x 0.541063 = 8.1159420e7 Bq
//   bw_factor    = 82 x 1000 / 8.1159420e7 = 1.0103571e-3 g/ml per Bq/ml
// (with F-18's 6586.2 s it would be 7.98e-4: a hard-coded half-life cannot pass).
TEST(SuvPaths, Ga68UsesItsOwnHalfLife) {
  auto spec = petSpec();
  spec.pet->radiopharmaceutical = "Ga-68 DOTATATE";
  spec.pet->half_life_s = 4062.6;
  spec.pet->total_dose_bq = 1.5e8;
  dicom::Volume v;
  EXPECT_LT(maxRelativeError(spec, 0.0010103571416184732, &v), 1e-6);
  ASSERT_TRUE(v.suv);
  EXPECT_NEAR(v.suv->bw_factor, 0.0010103571416184732, 1e-9 * 0.0010103571416184732);
  ASSERT_TRUE(v.suv->decayed_dose_bq);
  EXPECT_NEAR(*v.suv->decayed_dose_bq, 81159420.38935426, 1e-3);
  EXPECT_NEAR(v.suv->decay_s, 3600.0, 1e-6);
}

// C-11 (half-life 1223.4 s), 400 MBq injected at 09:40, scanned at 10:00 (1200 s), 82 kg:
//   decayed dose = 4e8 x 2^(-1200 / 1223.4) = 4e8 x 0.506673 = 2.0266922e8 Bq
//   bw_factor    = 82000 / 2.0266922e8 = 4.0460016e-4
TEST(SuvPaths, C11UsesItsOwnHalfLife) {
  auto spec = petSpec();
  spec.pet->radiopharmaceutical = "C-11 choline";
  spec.pet->half_life_s = 1223.4;
  spec.pet->total_dose_bq = 4.0e8;
  spec.pet->start_time = "094000";
  dicom::Volume v;
  EXPECT_LT(maxRelativeError(spec, 0.0004046001589531045, &v), 1e-6);
  ASSERT_TRUE(v.suv);
  EXPECT_NEAR(v.suv->bw_factor, 0.0004046001589531045, 1e-9 * 0.0004046001589531045);
  EXPECT_NEAR(v.suv->decay_s, 1200.0, 1e-6);
}

// ---- SUL ---------------------------------------------------------------------------------------

// A 62 kg, 1.68 m woman. By hand (Janmahasatian 2005, women):
//   BMI = 62 / 1.68^2 = 21.96712 kg/m^2
//   LBM = 9270 x 62 / (8780 + 244 x 21.96712) = 574740 / 14139.98 = 40.646458 kg
//   SUL / SUVbw = 40.646458 / 62 = 0.65558804
//   SUVbw factor = 62000 / (3.5e8 x 2^(-3600 / 6586.2)) = 2.5874137e-4, so SUL = 1.6962774e-4 x Bq/ml.
TEST(SuvPaths, SulIsSuvbwTimesLeanOverTotalBodyMassAtEveryVoxel) {
  const auto spec = petSpec();
  phantom::PatientInfo woman;
  woman.sex = "F";
  woman.weight_kg = 62.0;
  woman.size_m = 1.68;
  TempDir tmp;
  const auto values = test::fillByPosition(spec, activityAt);
  phantom::writeSeries(spec, woman, test::study(), values, tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  const dicom::Series& s = index.studies.at(0).series.at(0);
  dicom::LoadOptions sul_opts;
  sul_opts.pet_units = dicom::PetUnits::Sul;
  const dicom::Volume sul = dicom::loadVolume(s, sul_opts);
  const dicom::Volume bw = dicom::loadVolume(s);
  EXPECT_EQ(sul.units, "SUL");
  EXPECT_EQ(bw.units, "SUVbw");
  ASSERT_TRUE(sul.suv && sul.suv->lbm_kg && sul.suv->sul_ratio);
  EXPECT_NEAR(*sul.suv->lbm_kg, 40.64645839380473, 1e-9);
  EXPECT_NEAR(*sul.suv->sul_ratio, 0.6555880386097537, 1e-12);
  EXPECT_NEAR(sul.suv->bw_factor, 0.0002587413664735811, 1e-9 * 0.0002587413664735811);
  const float* a = sul.image->GetBufferPointer();
  const float* b = bw.image->GetBufferPointer();
  const size_t n = sul.image->GetLargestPossibleRegion().GetNumberOfPixels();
  ASSERT_EQ(n, values.size());
  for (size_t i = 0; i < n; ++i) ASSERT_NEAR(a[i], b[i] * 0.6555880386097537, 2e-7 * std::abs(a[i])) << i;
  // And against the activity written (head-first: voxel i is value i), with the factor by hand.
  dicom::Volume check;
  EXPECT_LT(maxRelativeError(spec, 0.0001696277449536225, &check, woman, sul_opts), 1e-6);
}

// SUL for a man (the phantom's default 75 kg, 1.75 m): LBM = 9270 x 75 / (6680 + 216 x 75 / 1.75^2)
// = 695250 / 11969.796 = 58.083697 kg, ratio 0.77444929.
TEST(SuvPaths, SulForAMan) {
  auto spec = petSpec();
  phantom::PatientInfo man;  // M, 75 kg, 1.75 m
  dicom::LoadOptions sul_opts;
  sul_opts.pet_units = dicom::PetUnits::Sul;
  dicom::Volume v;
  const double bw = 75000.0 / (kDoseBq * std::pow(2.0, -3600.0 / kHalfLife));
  EXPECT_LT(maxRelativeError(spec, bw * 0.7744492941417173, &v, man, sul_opts), 1e-6);
  EXPECT_EQ(v.units, "SUL");
  ASSERT_TRUE(v.suv && v.suv->lbm_kg);
  EXPECT_NEAR(*v.suv->lbm_kg, 58.08369706062879, 1e-9);
}

// SUL without a height is refused (never a guessed lean body mass); SUVbw of the same series loads.
TEST(SuvPaths, SulWithoutHeightIsMissingMetadata) {
  const auto spec = petSpec();
  phantom::PatientInfo who = patient();
  who.size_m.reset();
  TempDir tmp;
  phantom::writeSeries(spec, who, test::study(), test::fillByPosition(spec, activityAt), tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  const dicom::Series& s = index.studies.at(0).series.at(0);
  dicom::LoadOptions sul_opts;
  sul_opts.pet_units = dicom::PetUnits::Sul;
  try {
    dicom::loadVolume(s, sul_opts);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::MissingMetadata);
    EXPECT_NE(std::string(e.what()).find("PatientSize"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(dicom::loadVolume(s));
}

// Missing or contradictory inputs: an error naming the attribute, never a guessed value.
struct Refusal {
  const char* name;
  ErrorCode code;
  const char* message_part;
  void (*mutate)(phantom::SeriesSpec&, phantom::PatientInfo&);
};

class SuvRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(SuvRefusal, LoadFailsNamingTheAttribute) {
  auto spec = petSpec();
  auto pat = patient();
  GetParam().mutate(spec, pat);
  TempDir tmp;
  phantom::writeSeries(spec, pat, test::study(), test::fillByPosition(spec, activityAt), tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  try {
    dicom::loadVolume(index.studies.at(0).series.at(0));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), GetParam().code) << e.what();
    EXPECT_NE(std::string(e.what()).find(GetParam().message_part), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SuvRefusal,
    ::testing::Values(
        Refusal{"no_weight", ErrorCode::MissingMetadata, "PatientWeight",
                [](phantom::SeriesSpec&, phantom::PatientInfo& p) { p.weight_kg.reset(); }},
        Refusal{"no_dose", ErrorCode::MissingMetadata, "RadionuclideTotalDose",
                [](phantom::SeriesSpec& s, phantom::PatientInfo&) { s.pet->total_dose_bq.reset(); }},
        Refusal{"no_half_life", ErrorCode::MissingMetadata, "RadionuclideHalfLife",
                [](phantom::SeriesSpec& s, phantom::PatientInfo&) { s.pet->half_life_s.reset(); }},
        Refusal{"no_start_time", ErrorCode::MissingMetadata, "RadiopharmaceuticalStart",
                [](phantom::SeriesSpec& s, phantom::PatientInfo&) { s.pet->start_time.clear(); }},
        Refusal{"negative_decay", ErrorCode::MissingMetadata, "negative decay",
                [](phantom::SeriesSpec& s, phantom::PatientInfo&) { s.pet->start_time = "110000"; }},
        Refusal{"decay_none", ErrorCode::Unsupported, "NONE",
                [](phantom::SeriesSpec& s, phantom::PatientInfo&) { s.pet->decay_correction = "NONE"; }},
        Refusal{"units_cps", ErrorCode::Unsupported, "CPS",
                [](phantom::SeriesSpec& s, phantom::PatientInfo&) { s.pet->units = "CPS"; }},
        Refusal{"cnts_without_factors", ErrorCode::MissingMetadata, "7053",
                [](phantom::SeriesSpec& s, phantom::PatientInfo&) { s.pet->units = "CNTS"; }}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace recap
