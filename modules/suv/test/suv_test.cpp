// computeSuv and the Janmahasatian lean body mass. Every expected value is written out as arithmetic
// from the header values of the case, independently of the code under test.
//
// The base series: F-18 (half-life 6586.2 s), 3.7e8 Bq injected at 09:15:00, a 75 kg, 1.80 m man,
// Series and Acquisition Date/Time 2020-03-15 10:15:00, so the decay time is 3600 s.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "recap/core/error.h"
#include "recap/suv/suv.h"

namespace recap::suv {
namespace {

constexpr const char* kPetSopClass = "1.2.840.10008.5.1.4.1.1.128";
constexpr const char* kEnhancedPetSopClass = "1.2.840.10008.5.1.4.1.1.130";
constexpr const char* kSource = "series-A";

PetHeader baseHeader() {
  PetHeader h;
  h.sop_class_uid = kPetSopClass;
  h.manufacturer = "SIEMENS";
  h.units = "BQML";
  h.corrected_image = "DECY\\ATTN\\SCAT\\DTIM\\RAN\\NORM";
  h.decay_correction = "START";
  h.series_date = "20200315";
  h.series_time = "101500";
  h.acquisition_date = "20200315";
  h.acquisition_time = "101500";
  h.patient_sex = "M";
  h.patient_weight_kg = 75.0;
  h.patient_size_m = 1.80;
  h.radiopharmaceutical_start_time = "091500";
  h.radionuclide_total_dose = 3.7e8;
  h.radionuclide_half_life_s = 6586.2;
  return h;
}

std::vector<PetHeader> baseSeries(size_t n = 1) { return std::vector<PetHeader>(n, baseHeader()); }

// Every instance gets the same change (series-level attributes).
void forAll(std::vector<PetHeader>& xs, const std::function<void(PetHeader&)>& f) {
  for (auto& x : xs) f(x);
}

void expectRelNear(double actual, double expected, double rel = 1e-9) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * rel);
}

bool hasNoteContaining(const SuvResult& r, const std::string& text) {
  for (const auto& n : r.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

// The decay-weighted mean time within a frame, t_avg = (1/λ)·ln(λT/(1−e^(−λT))), written as its
// Taylor series ln(x/(1−e^(−x))) = x/2 − x²/24 + x⁴/2880 − … (x = λT), which for x ≈ 0.019 is
// exact to far below 1e-9 relative. This is a different computation from the closed form in the code.
double tAvgBySeries(double duration_s, double half_life_s) {
  const double lambda = 0.6931471805599453 / half_life_s;
  const double x = lambda * duration_s;
  return (x / 2 - x * x / 24 + x * x * x * x / 2880) / lambda;
}

// ---- Factors that succeed --------------------------------------------------------------------

struct SuccessCase {
  const char* name;
  std::function<void(std::vector<PetHeader>&)> setup;  // applied to a one-instance base series
  double factor;
  const char* method;
  const char* scan_source;
  const char* injection_source;
  double decay_s;
  bool decay_applied;
};
void PrintTo(const SuccessCase& c, std::ostream* os) { *os << c.name; }

const double kTAvg180 = tAvgBySeries(180.0, 6586.2);  // a 3-minute Siemens frame

const SuccessCase kSuccessCases[] = {
    {"BqmlStartWithSeriesTime", [](auto&) {},
     75000.0 / (3.7e8 * std::pow(2.0, -3600.0 / 6586.2)), "BQML", "series", "start-time", 3600.0, true},

    {"SeriesTimeBeforeAcquisitionIsUsed",
     [](auto& xs) { forAll(xs, [](PetHeader& h) { h.series_time = "101000"; }); },  // 10:10 < 10:15
     75000.0 / (3.7e8 * std::pow(2.0, -3300.0 / 6586.2)), "BQML", "series", "start-time", 3300.0, true},

    {"RewrittenSeriesTimeUsesGePrivate",
     [](auto& xs) {
       forAll(xs, [](PetHeader& h) {
         h.manufacturer = "GE MEDICAL SYSTEMS";
         h.series_time = "120000";                // after the 10:15 acquisition
         h.ge_scan_datetime = "20200315102000";  // 10:20:00 - 09:15:00 = 3900 s
       });
     },
     75000.0 / (3.7e8 * std::pow(2.0, -3900.0 / 6586.2)), "BQML", "ge-private", "start-time", 3900.0, true},

    {"RewrittenSeriesTimeUsesSiemensFrameBackComputation",
     [](auto& xs) {
       xs = baseSeries(2);
       forAll(xs, [](PetHeader& h) { h.series_time = "110000"; });
       // Later bed first, so that "the first instance" would be wrong: 10:23:00 - 420 s = 10:16:00.
       xs[0].acquisition_time = "102300";
       xs[0].frame_reference_time_ms = 420000;
       xs[0].actual_frame_duration_ms = 180000;
       // Earliest: 10:20:00 - 300 s = 10:15:00, + t_avg; minus injection 09:15:00 = 3600 + t_avg.
       xs[1].acquisition_time = "102000";
       xs[1].frame_reference_time_ms = 300000;
       xs[1].actual_frame_duration_ms = 180000;
     },
     75000.0 / (3.7e8 * std::pow(2.0, -(3600.0 + kTAvg180) / 6586.2)), "BQML", "frame-reference",
     "start-time", 3600.0 + kTAvg180, true},

    {"RewrittenWithoutFrameInfoUsesEarliestAcquisition",
     [](auto& xs) {
       xs = baseSeries(3);
       forAll(xs, [](PetHeader& h) { h.series_time = "113000"; });
       xs[0].acquisition_time = "102500";
       xs[1].acquisition_time = "101730";  // earliest: 10:17:30 - 09:15:00 = 3750 s
       xs[2].acquisition_date = "";        // this one only has AcquisitionDateTime
       xs[2].acquisition_time = "";
       xs[2].acquisition_datetime = "20200315102100";
     },
     75000.0 / (3.7e8 * std::pow(2.0, -3750.0 / 6586.2)), "BQML", "earliest-acquisition", "start-time",
     3750.0, true},

    {"StartDateTimePreferredOverStartTime",
     [](auto& xs) {
       forAll(xs, [](PetHeader& h) {
         h.radiopharmaceutical_start_datetime = "20200315084500";  // 10:15 - 08:45 = 5400 s
         h.radiopharmaceutical_start_time = "091500";              // would give 3600 s
       });
     },
     75000.0 / (3.7e8 * std::pow(2.0, -5400.0 / 6586.2)), "BQML", "series", "start-datetime", 5400.0, true},

    {"StartDateTimeAcrossMidnight",
     [](auto& xs) {
       forAll(xs, [](PetHeader& h) {
         h.series_time = "003000";
         h.acquisition_time = "003000";
         h.radiopharmaceutical_start_datetime = "20200314233000";  // 23:30 the day before: 3600 s
         h.radiopharmaceutical_start_time = "233000";
       });
     },
     75000.0 / (3.7e8 * std::pow(2.0, -3600.0 / 6586.2)), "BQML", "series", "start-datetime", 3600.0, true},

    {"AdminUsesUndecayedDose",
     [](auto& xs) { forAll(xs, [](PetHeader& h) { h.decay_correction = "ADMIN"; }); },
     75000.0 / 3.7e8, "BQML", "series", "start-time", 3600.0, false},

    {"CntsPhilipsSuvFactor",
     [](auto& xs) {
       forAll(xs, [](PetHeader& h) {
         h.manufacturer = "Philips Medical Systems";
         h.units = "CNTS";
         h.philips_suv_factor = 0.000123;
         h.philips_activity_factor = 7.0;  // ignored when (7053,1000) is present
         h.patient_weight_kg.reset();       // none of these are needed
         h.radionuclide_total_dose.reset();
         h.radiopharmaceutical_start_time.clear();
       });
     },
     0.000123, "CNTS-7053,1000", "", "", 0.0, false},

    {"CntsPhilipsActivityFactorTimesBqmlFactor",
     [](auto& xs) {
       forAll(xs, [](PetHeader& h) {
         h.units = "CNTS";
         h.philips_activity_factor = 2.5;
       });
     },
     2.5 * 75000.0 / (3.7e8 * std::pow(2.0, -3600.0 / 6586.2)), "CNTS-7053,1009", "series", "start-time",
     3600.0, true},

    {"GmlWithoutSuvType",
     [](auto& xs) {
       forAll(xs, [](PetHeader& h) {
         h.units = "GML";
         h.radionuclide_total_dose.reset();
         h.radionuclide_half_life_s.reset();
       });
     },
     1.0, "GML", "", "", 0.0, false},

    {"GmlWithSuvTypeBw",
     [](auto& xs) {
       forAll(xs, [](PetHeader& h) {
         h.units = "GML";
         h.suv_type = "BW";
         h.series_time.clear();
       });
     },
     1.0, "GML", "", "", 0.0, false},

    {"EnhancedPetDoseInMBq",
     [](auto& xs) {
       forAll(xs, [](PetHeader& h) {
         h.sop_class_uid = kEnhancedPetSopClass;
         h.radionuclide_total_dose = 370.0;  // MBq
       });
     },
     75000.0 / (370.0e6 * std::pow(2.0, -3600.0 / 6586.2)), "BQML", "series", "start-time", 3600.0, true},

    // Other radionuclides: the half-life is the header's. Factors by hand (75 kg, 3.7e8 Bq, 3600 s):
    // Ga-68, 4062.6 s: 2^(-3600/4062.6) = 0.5410628, 75000 / (3.7e8 x 0.5410628) = 3.7463803e-4.
    {"Ga68HalfLifeFromHeader",
     [](auto& xs) { forAll(xs, [](PetHeader& h) { h.radionuclide_half_life_s = 4062.6; }); },
     3.746380304287351e-4, "BQML", "series", "start-time", 3600.0, true},
    // C-11, 1223.4 s: 2^(-3600/1223.4) = 0.1300719, 75000 / (3.7e8 x 0.1300719) = 1.5583898e-3.
    {"C11HalfLifeFromHeader",
     [](auto& xs) { forAll(xs, [](PetHeader& h) { h.radionuclide_half_life_s = 1223.4; }); },
     1.5583898227022979e-3, "BQML", "series", "start-time", 3600.0, true},
};

class SuvSuccess : public testing::TestWithParam<SuccessCase> {};

TEST_P(SuvSuccess, GivesExpectedFactor) {
  const SuccessCase& c = GetParam();
  auto xs = baseSeries();
  c.setup(xs);
  const SuvResult r = computeSuv(xs, kSource);
  expectRelNear(r.bw_factor, c.factor);
  EXPECT_EQ(r.method, c.method);
  EXPECT_EQ(r.scan_time_source, c.scan_source);
  EXPECT_EQ(r.injection_time_source, c.injection_source);
  EXPECT_NEAR(r.decay_s, c.decay_s, 1e-6);
  EXPECT_EQ(r.decay_applied, c.decay_applied);
  EXPECT_EQ(r.scan_time.empty(), std::string(c.scan_source).empty());
  EXPECT_EQ(r.injection_time.empty(), std::string(c.injection_source).empty());
}

INSTANTIATE_TEST_SUITE_P(Suv, SuvSuccess, testing::ValuesIn(kSuccessCases),
                         [](const testing::TestParamInfo<SuccessCase>& info) { return info.param.name; });

// ---- Details of successful results -------------------------------------------------------------

TEST(ComputeSuv, ReportsTimesDoseAndWeight) {
  const SuvResult r = computeSuv(baseSeries(), kSource);
  EXPECT_EQ(r.scan_time, "2020-03-15T10:15:00.000000");
  EXPECT_EQ(r.injection_time, "2020-03-15T09:15:00.000000");
  ASSERT_TRUE(r.decayed_dose_bq.has_value());
  expectRelNear(*r.decayed_dose_bq, 3.7e8 * std::pow(2.0, -3600.0 / 6586.2));
  ASSERT_TRUE(r.weight_kg.has_value());
  EXPECT_EQ(*r.weight_kg, 75.0);
}

TEST(ComputeSuv, SiemensFrameAverageTimeMatchesHandValue) {
  auto xs = baseSeries();
  xs[0].series_time = "110000";
  xs[0].acquisition_time = "102000";
  xs[0].frame_reference_time_ms = 300000;
  xs[0].actual_frame_duration_ms = 180000;
  const SuvResult r = computeSuv(xs, kSource);
  // By hand: λ = 0.693147/6586.2 = 1.05242e-4 /s, T = 180 s,
  // t_avg ≈ T/2 − λT²/24 = 90 − 0.14209 = 89.8579 s.
  const double t_avg = r.decay_s - 3600.0;  // scan = 10:20:00 − 300 s + t_avg; injection 09:15:00
  EXPECT_NEAR(t_avg, 89.8579, 1e-4);
  expectRelNear(t_avg, tAvgBySeries(180.0, 6586.2));
  EXPECT_EQ(r.scan_time.substr(0, 19), "2020-03-15T10:16:29");
}

TEST(ComputeSuv, AdminKeepsTheDoseUndecayedAndSaysSo) {
  auto xs = baseSeries();
  xs[0].decay_correction = "ADMIN";
  const SuvResult r = computeSuv(xs, kSource);
  ASSERT_TRUE(r.decayed_dose_bq.has_value());
  EXPECT_EQ(*r.decayed_dose_bq, 3.7e8);
  EXPECT_TRUE(hasNoteContaining(r, "ADMIN"));
}

TEST(ComputeSuv, EnhancedPetDoseConversionIsNoted) {
  auto xs = baseSeries();
  xs[0].sop_class_uid = kEnhancedPetSopClass;
  xs[0].radionuclide_total_dose = 370.0;
  const SuvResult r = computeSuv(xs, kSource);
  EXPECT_TRUE(hasNoteContaining(r, "dose given in MBq (Enhanced PET)"));
  ASSERT_TRUE(r.decayed_dose_bq.has_value());
  expectRelNear(*r.decayed_dose_bq, 370.0e6 * std::pow(2.0, -3600.0 / 6586.2));
}

TEST(ComputeSuv, ClassicPetDoseInBqHasNoMBqNote) {
  const SuvResult r = computeSuv(baseSeries(), kSource);
  EXPECT_FALSE(hasNoteContaining(r, "MBq"));
}

TEST(ComputeSuv, FallbacksForRewrittenSeriesTimeAreNoted) {
  auto xs = baseSeries();
  xs[0].series_time = "113000";
  const SuvResult r = computeSuv(xs, kSource);
  EXPECT_EQ(r.scan_time_source, "earliest-acquisition");
  EXPECT_TRUE(hasNoteContaining(r, "post-processed series"));
}

// ---- SUL ----------------------------------------------------------------------------------------

TEST(Sul, MaleFromJanmahasatian) {
  // BMI = 75 / 1.8² = 23.148…, and 216·BMI = 216·75/3.24 = 5000 exactly, so
  // LBM = 9270·75 / (6680 + 5000) = 695250 / 11680 = 59.5248 kg.
  const SuvResult r = computeSuv(baseSeries(), kSource);
  ASSERT_TRUE(r.lbm_kg.has_value());
  ASSERT_TRUE(r.sul_ratio.has_value());
  expectRelNear(*r.lbm_kg, 695250.0 / 11680.0);
  expectRelNear(*r.sul_ratio, 695250.0 / 11680.0 / 75.0);
}

TEST(Sul, FemaleFromJanmahasatian) {
  // 60 kg, 1.60 m: BMI = 60 / 2.56 = 23.4375; 244·BMI = 5718.75;
  // LBM = 9270·60 / (8780 + 5718.75) = 556200 / 14498.75 = 38.3619 kg.
  auto xs = baseSeries();
  xs[0].patient_sex = "F";
  xs[0].patient_weight_kg = 60.0;
  xs[0].patient_size_m = 1.60;
  const SuvResult r = computeSuv(xs, kSource);
  ASSERT_TRUE(r.lbm_kg.has_value());
  ASSERT_TRUE(r.sul_ratio.has_value());
  expectRelNear(*r.lbm_kg, 556200.0 / 14498.75);
  expectRelNear(*r.sul_ratio, 556200.0 / 14498.75 / 60.0);
}

TEST(Sul, WorksForGmlWhenWeightIsPresent) {
  auto xs = baseSeries();
  xs[0].units = "GML";
  const SuvResult r = computeSuv(xs, kSource);
  ASSERT_TRUE(r.sul_ratio.has_value());
  expectRelNear(*r.sul_ratio, 695250.0 / 11680.0 / 75.0);
}

struct SulRefusal {
  const char* name;
  std::function<void(PetHeader&)> setup;
  const char* note_fragment;
};
void PrintTo(const SulRefusal& c, std::ostream* os) { *os << c.name; }

class SulNotComputed : public testing::TestWithParam<SulRefusal> {};
TEST_P(SulNotComputed, LeavesRatioEmptyWithANote) {
  auto xs = baseSeries();
  GetParam().setup(xs[0]);
  const SuvResult r = computeSuv(xs, kSource);
  EXPECT_FALSE(r.sul_ratio.has_value());
  EXPECT_FALSE(r.lbm_kg.has_value());
  EXPECT_TRUE(hasNoteContaining(r, "SUL not computed"));
  EXPECT_TRUE(hasNoteContaining(r, GetParam().note_fragment));
  EXPECT_GT(r.bw_factor, 0.0);  // SUVbw itself is still available
}
INSTANTIATE_TEST_SUITE_P(
    Sul, SulNotComputed,
    testing::Values(
        SulRefusal{"HeightMissing", [](PetHeader& h) { h.patient_size_m.reset(); },
                   "PatientSize (0010,1020)"},
        SulRefusal{"HeightZero", [](PetHeader& h) { h.patient_size_m = 0.0; }, "PatientSize (0010,1020)"},
        SulRefusal{"HeightInCentimetres", [](PetHeader& h) { h.patient_size_m = 180.0; }, "plausible"},
        SulRefusal{"SexOther", [](PetHeader& h) { h.patient_sex = "O"; }, "PatientSex (0010,0040) is 'O'"},
        SulRefusal{"SexMissing", [](PetHeader& h) { h.patient_sex = ""; },
                   "PatientSex (0010,0040) is missing"},
        SulRefusal{"WeightMissingForGml",
                   [](PetHeader& h) {
                     h.units = "GML";
                     h.patient_weight_kg.reset();
                   },
                   "PatientWeight (0010,1030)"}),
    [](const testing::TestParamInfo<SulRefusal>& info) { return info.param.name; });

TEST(LeanBodyMass, FormulaAndRefusals) {
  expectRelNear(*leanBodyMassJanmahasatian("M", 75.0, 1.8), 695250.0 / 11680.0);
  expectRelNear(*leanBodyMassJanmahasatian("F", 60.0, 1.6), 556200.0 / 14498.75);
  EXPECT_FALSE(leanBodyMassJanmahasatian("O", 75.0, 1.8).has_value());
  EXPECT_FALSE(leanBodyMassJanmahasatian("", 75.0, 1.8).has_value());
  EXPECT_FALSE(leanBodyMassJanmahasatian("M", 75.0, 0.0).has_value());
  EXPECT_FALSE(leanBodyMassJanmahasatian("F", 0.0, 1.6).has_value());
  EXPECT_FALSE(leanBodyMassJanmahasatian("M", -75.0, 1.8).has_value());
}

// ---- Refusals ------------------------------------------------------------------------------------

struct ErrorCase {
  const char* name;
  std::function<void(std::vector<PetHeader>&)> setup;  // applied to a one-instance base series
  ErrorCode code;
  std::vector<std::string> reason_contains;
};
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

using Hdr = PetHeader;
constexpr ErrorCode kMissing = ErrorCode::MissingMetadata;
constexpr ErrorCode kUnsupported = ErrorCode::Unsupported;

// A series of `n` instances where instance 2 (index 1) differs by `change`.
std::function<void(std::vector<PetHeader>&)> secondDiffers(std::function<void(PetHeader&)> change,
                                                           size_t n = 3) {
  return [change, n](std::vector<PetHeader>& xs) {
    xs = baseSeries(n);
    change(xs[1]);
  };
}

std::function<void(std::vector<PetHeader>&)> all(std::function<void(PetHeader&)> change) {
  return [change](std::vector<PetHeader>& xs) { forAll(xs, change); };
}

const ErrorCase kErrorCases[] = {
    {"NoInstances", [](auto& xs) { xs.clear(); }, kMissing, {"no PET image headers"}},
    // Preconditions
    {"NoAttenuationCorrection", all([](Hdr& h) { h.corrected_image = "DECY\\SCAT\\DTIM"; }), kUnsupported,
     {"CorrectedImage (0028,0051)", "without ATTN"}},
    {"NoDecayCorrectionFlag", all([](Hdr& h) { h.corrected_image = "ATTN\\SCAT"; }), kUnsupported,
     {"CorrectedImage (0028,0051)", "without DECY"}},
    {"CorrectedImageMissing", all([](Hdr& h) { h.corrected_image = ""; }), kMissing,
     {"CorrectedImage (0028,0051)", "missing"}},
    {"DecayCorrectionNone", all([](Hdr& h) { h.decay_correction = "NONE"; }), kUnsupported,
     {"DecayCorrection (0054,1102)", "NONE"}},
    {"DecayCorrectionOther", all([](Hdr& h) { h.decay_correction = "XYZ"; }), kUnsupported,
     {"DecayCorrection (0054,1102)", "'XYZ'"}},
    {"DecayCorrectionMissing", all([](Hdr& h) { h.decay_correction = ""; }), kMissing,
     {"DecayCorrection (0054,1102)", "missing"}},
    // Units
    {"UnitsCps", all([](Hdr& h) { h.units = "CPS"; }), kUnsupported, {"Units (0054,1001)", "'CPS'"}},
    {"UnitsPropcps", all([](Hdr& h) { h.units = "PROPCPS"; }), kUnsupported,
     {"Units (0054,1001)", "'PROPCPS'"}},
    {"UnitsMissing", all([](Hdr& h) { h.units = ""; }), kMissing, {"Units (0054,1001)", "missing"}},
    {"CntsWithoutPhilipsFactors", all([](Hdr& h) { h.units = "CNTS"; }), kMissing,
     {"Units (0054,1001) is CNTS", "(7053,1000)", "(7053,1009)"}},
    {"PhilipsSuvFactorZero",
     all([](Hdr& h) {
       h.units = "CNTS";
       h.philips_suv_factor = 0.0;
     }),
     kMissing, {"(7053,1000)", "positive"}},
    {"CntsActivityFactorNeedsWeight",
     all([](Hdr& h) {
       h.units = "CNTS";
       h.philips_activity_factor = 2.5;
       h.patient_weight_kg.reset();
     }),
     kMissing, {"PatientWeight (0010,1030) is missing", "CNTS-7053,1009"}},
    {"GmlWithSuvTypeLbm",
     all([](Hdr& h) {
       h.units = "GML";
       h.suv_type = "LBM";
     }),
     kUnsupported, {"SUVType (0054,1006)", "'LBM'"}},
    // Weight, dose, half-life
    {"WeightMissing", all([](Hdr& h) { h.patient_weight_kg.reset(); }), kMissing,
     {"PatientWeight (0010,1030) is missing", "BQML"}},
    {"WeightZero", all([](Hdr& h) { h.patient_weight_kg = 0.0; }), kMissing,
     {"PatientWeight (0010,1030) is 0", "positive"}},
    {"DoseMissing", all([](Hdr& h) { h.radionuclide_total_dose.reset(); }), kMissing,
     {"RadionuclideTotalDose (0018,1074) is missing"}},
    {"DoseNegative", all([](Hdr& h) { h.radionuclide_total_dose = -3.7e8; }), kMissing,
     {"RadionuclideTotalDose (0018,1074) is -370000000", "positive"}},
    {"DoseBelow1MBqForClassicPet", all([](Hdr& h) { h.radionuclide_total_dose = 370.0; }), kMissing,
     {"RadionuclideTotalDose (0018,1074) is 370", "below 1 MBq"}},
    {"HalfLifeMissing", all([](Hdr& h) { h.radionuclide_half_life_s.reset(); }), kMissing,
     {"RadionuclideHalfLife (0018,1075) is missing"}},
    {"HalfLifeZero", all([](Hdr& h) { h.radionuclide_half_life_s = 0.0; }), kMissing,
     {"RadionuclideHalfLife (0018,1075) is 0", "positive"}},
    // Times
    {"StartTimeAndDateTimeMissing", all([](Hdr& h) { h.radiopharmaceutical_start_time = ""; }), kMissing,
     {"RadiopharmaceuticalStartTime (0018,1072)", "RadiopharmaceuticalStartDateTime (0018,1078)", "missing"}},
    {"StartTimeInvalid", all([](Hdr& h) { h.radiopharmaceutical_start_time = "096100"; }), kMissing,
     {"RadiopharmaceuticalStartTime (0018,1072) '096100'", "not a valid"}},
    {"StartTimeTruncatedToTheHour", all([](Hdr& h) { h.radiopharmaceutical_start_time = "09"; }), kMissing,
     {"RadiopharmaceuticalStartTime (0018,1072)", "only the hour"}},
    {"StartDateTimeWithoutTime", all([](Hdr& h) { h.radiopharmaceutical_start_datetime = "20200315"; }),
     kMissing, {"RadiopharmaceuticalStartDateTime (0018,1078) '20200315'", "only the date"}},
    {"SeriesTimeMissing", all([](Hdr& h) { h.series_time = ""; }), kMissing,
     {"SeriesTime (0008,0031) is missing"}},
    {"SeriesDateMissing", all([](Hdr& h) { h.series_date = ""; }), kMissing,
     {"SeriesDate (0008,0021) is missing"}},
    {"SeriesTimeInvalid", all([](Hdr& h) { h.series_time = "256000"; }), kMissing,
     {"SeriesTime (0008,0031) '256000'", "not a valid"}},
    {"AcquisitionTimeMissingInOneInstance", secondDiffers([](Hdr& h) { h.acquisition_time = ""; }, 2),
     kMissing, {"AcquisitionTime (0008,0032)", "AcquisitionDateTime (0008,002A)", "instance 2 of 2"}},
    {"GePrivateInvalid",
     all([](Hdr& h) {
       h.series_time = "120000";
       h.ge_scan_datetime = "2020-03-15 10:20";
     }),
     kMissing, {"(0009,100D)", "not a valid"}},
    {"NegativeDecayTime", all([](Hdr& h) { h.radiopharmaceutical_start_time = "110000"; }), kMissing,
     {"negative decay time (-2700 s)", "RadiopharmaceuticalStartTime (0018,1072)"}},
    {"NoMidnightCrossingAssumed",
     all([](Hdr& h) {
       h.series_time = "003000";
       h.acquisition_time = "003000";
       h.radiopharmaceutical_start_time = "233000";  // the evening before, but only a time is given
     }),
     kMissing, {"negative decay time", "midnight"}},
    {"InjectionDateAfterScanDate",
     all([](Hdr& h) { h.radiopharmaceutical_start_datetime = "20200316091500"; }), kMissing,
     {"RadiopharmaceuticalStartDateTime (0018,1078) is on 2020-03-16", "after the scan date 2020-03-15"}},
    // Series-level values that differ between instances
    {"InstancesDisagreeOnDose", secondDiffers([](Hdr& h) { h.radionuclide_total_dose = 3.6e8; }), kMissing,
     {"RadionuclideTotalDose (0018,1074) differs", "370000000 in instance 1 of 3",
      "360000000 in instance 2 of 3"}},
    {"InstancesDisagreeOnUnits", secondDiffers([](Hdr& h) { h.units = "CNTS"; }), kMissing,
     {"Units (0054,1001) differs"}},
    {"InstancesDisagreeOnHalfLife", secondDiffers([](Hdr& h) { h.radionuclide_half_life_s = 6588.0; }),
     kMissing, {"RadionuclideHalfLife (0018,1075) differs"}},
    {"InstancesDisagreeOnStartTime",
     secondDiffers([](Hdr& h) { h.radiopharmaceutical_start_time = "091600"; }), kMissing,
     {"RadiopharmaceuticalStartTime (0018,1072) differs"}},
    {"InstancesDisagreeOnWeight", secondDiffers([](Hdr& h) { h.patient_weight_kg.reset(); }), kMissing,
     {"PatientWeight (0010,1030) differs", "(absent) in instance 2 of 3"}},
    {"InstancesDisagreeOnDecayCorrection", secondDiffers([](Hdr& h) { h.decay_correction = "ADMIN"; }),
     kMissing, {"DecayCorrection (0054,1102) differs"}},
    {"InstancesDisagreeOnPhilipsFactor",
     [](auto& xs) {
       xs = baseSeries(2);
       forAll(xs, [](Hdr& h) {
         h.units = "CNTS";
         h.philips_suv_factor = 0.000123;
       });
       xs[1].philips_suv_factor = 0.000124;
     },
     kMissing, {"(7053,1000) differs"}},
};

class SuvRefusal : public testing::TestWithParam<ErrorCase> {};

TEST_P(SuvRefusal, ThrowsNamingTheAttribute) {
  const ErrorCase& c = GetParam();
  auto xs = baseSeries();
  c.setup(xs);
  try {
    computeSuv(xs, kSource);
    FAIL() << "expected recap::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), c.code) << e.what();
    EXPECT_EQ(e.file(), kSource);
    for (const auto& fragment : c.reason_contains)
      EXPECT_NE(e.reason().find(fragment), std::string::npos)
          << "'" << fragment << "' not in: " << e.reason();
  }
}

INSTANTIATE_TEST_SUITE_P(Suv, SuvRefusal, testing::ValuesIn(kErrorCases),
                         [](const testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace recap::suv
