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
double maxRelativeError(const phantom::SeriesSpec& spec, double expected_factor, dicom::Volume* out = nullptr) {
  TempDir tmp;
  const auto values = test::fillByPosition(spec, activityAt);
  phantom::writeSeries(spec, patient(), test::study(), values, tmp.path());
  const dicom::Index index = dicom::indexPath(tmp.path());
  dicom::Volume v = dicom::loadVolume(index.studies.at(0).series.at(0));
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
