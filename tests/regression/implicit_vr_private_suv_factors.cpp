// Regression: vendor private SUV attributes in implicit VR files were read as the number made of
// their first hex byte ("31\2e\34..." -> 31) because DCMTK gives private elements of implicit VR
// files an unknown VR, which the reader did not treat as raw text. Found by the `cr` phantom
// preset (Philips CNTS with only (7053,1009), implicit VR): SUVs came out 20 times too high.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>

#include "recap/dicom/index.h"
#include "recap/dicom/volume.h"
#include "recap/phantom/compress.h"
#include "recap/phantom/dicom_writer.h"

namespace fs = std::filesystem;

namespace recap {
namespace {

constexpr double kWeightKg = 64.0, kDoseBq = 3.5e8, kHalfLife = 6586.2;

phantom::SeriesSpec pet() {
  phantom::SeriesSpec s;
  s.modality = "PT";
  s.series_uid = "1.2.826.0.1.3680043.10.1234.77.1";
  s.frame_of_reference_uid = "1.2.826.0.1.3680043.10.1234.77.9";
  s.cols = s.rows = 8;
  s.slices = 4;
  s.row_spacing_mm = s.col_spacing_mm = 4.0;
  s.slice_spacing_mm = s.slice_thickness_mm = 3.0;
  s.per_slice_slope = true;
  s.series_time = "100000";
  s.acquisition_times = {"100000"};
  s.pet = phantom::PetInfo{};
  s.pet->start_time = "090000";
  s.pet->total_dose_bq = kDoseBq;
  return s;
}

double loadedFactor(const phantom::SeriesSpec& spec, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("recap-regress-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  phantom::PatientInfo patient;
  patient.weight_kg = kWeightKg;
  phantom::StudyInfo study;
  study.study_uid = "1.2.826.0.1.3680043.10.1234.77.0";
  std::vector<float> values(static_cast<size_t>(spec.cols) * spec.rows * spec.slices, 1000.0f);
  phantom::writeSeries(spec, patient, study, values, dir / "explicit");
  phantom::compressFolder(dir / "explicit", dir / "implicit", phantom::Syntax::ImplicitLittle);
  const dicom::Index index = dicom::indexPath(dir / "implicit");
  const dicom::Volume v = dicom::loadVolume(index.studies.at(0).series.at(0));
  fs::remove_all(dir);
  return v.suv->bw_factor;
}

double bqmlFactor(double decay_s) { return kWeightKg * 1000.0 / (kDoseBq * std::pow(2.0, -decay_s / kHalfLife)); }

TEST(ImplicitVrPrivateSuvFactors, PhilipsActivityFactor) {
  auto spec = pet();
  spec.pet->units = "CNTS";
  spec.pet->philips_activity_factor = 1.4976345116;
  EXPECT_NEAR(loadedFactor(spec, "1009"), 1.4976345116 * bqmlFactor(3600), 1e-12);
}

TEST(ImplicitVrPrivateSuvFactors, PhilipsSuvFactor) {
  auto spec = pet();
  spec.pet->units = "CNTS";
  spec.pet->philips_suv_factor = 0.000412;
  EXPECT_NEAR(loadedFactor(spec, "1000"), 0.000412, 1e-15);
}

TEST(ImplicitVrPrivateSuvFactors, GeScanDateTime) {
  auto spec = pet();
  spec.series_time = "113000";  // rewritten after the acquisition
  spec.acquisition_times = {"101000"};
  spec.pet->ge_scan_datetime = "20240115100500";
  EXPECT_NEAR(loadedFactor(spec, "ge"), bqmlFactor(3900), 1e-15);
}

}  // namespace
}  // namespace recap
