// Standardised uptake value (SUV) scale factors from PET DICOM headers.
//
// Plain C++: no DICOM or imaging library. The dicom module fills PetHeader from each instance's
// header; this module decides, following the QIBA vendor-neutral SUV pseudo-code (D. Clunie,
// 2018) and DICOM PS3.3 C.8.9, how rescaled pixel values become body-weight SUV, and refuses
// (recap::Error, MissingMetadata or Unsupported, naming `source`) whenever it would have to guess.
// The rules and their sources are written out in docs/suv.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace recap::suv {

// The attributes of one PET image instance that SUV depends on. Strings are the raw DICOM
// values (trailing spaces trimmed; multi-valued attributes joined with '\'); an empty string or
// an empty optional means the attribute is absent.
struct PetHeader {
  std::string sop_class_uid;                    // (0008,0016)
  std::string manufacturer;                     // (0008,0070)
  std::string units;                            // (0054,1001) BQML, CNTS, GML, ...
  std::string suv_type;                         // (0054,1006) BW, LBM, ... (only meaningful for GML)
  std::string corrected_image;                  // (0028,0051) e.g. "DECY\ATTN\SCAT\DTIM\RAN\NORM"
  std::string decay_correction;                 // (0054,1102) START, ADMIN, NONE
  std::string series_date, series_time;         // (0008,0021), (0008,0031)
  std::string acquisition_date, acquisition_time;  // (0008,0022), (0008,0032) of this instance
  std::string acquisition_datetime;             // (0008,002A), used when date/time are absent
  std::string patient_sex;                      // (0010,0040) M, F, O
  std::optional<double> patient_weight_kg;      // (0010,1030)
  std::optional<double> patient_size_m;         // (0010,1020)
  // Radiopharmaceutical Information Sequence (0054,0016), first item:
  std::string radiopharmaceutical_start_time;      // (0018,1072)
  std::string radiopharmaceutical_start_datetime;  // (0018,1078)
  std::optional<double> radionuclide_total_dose;   // (0018,1074) Bq (MBq in Enhanced PET)
  std::optional<double> radionuclide_half_life_s; // (0018,1075)
  // Frame timing (Siemens back-computation of the scan time):
  std::optional<double> frame_reference_time_ms;   // (0054,1300)
  std::optional<double> actual_frame_duration_ms;  // (0018,1242)
  // Vendor private attributes (present only when the private creator matches):
  std::optional<double> philips_suv_factor;        // (7053,1000), creator "Philips PET Private Group"
  std::optional<double> philips_activity_factor;   // (7053,1009), same creator
  std::string ge_scan_datetime;                    // (0009,100D), creator "GEMS_PETD_01", DT value
};

enum class SuvKind {
  BodyWeight,  // SUVbw (g/ml)
  LeanBodyMass  // SUL, Janmahasatian lean body mass (needs sex, weight and height)
};

struct SuvResult {
  // Multiply a rescaled pixel value (stored * RescaleSlope + RescaleIntercept, slope per slice)
  // by bw_factor to get SUVbw.
  double bw_factor = 0.0;
  // lbm_kg / weight_kg: multiply SUVbw by this to get SUL. Empty if sex or height is missing.
  std::optional<double> sul_ratio;
  std::optional<double> lbm_kg;
  // How the factor was derived: "BQML", "CNTS-7053,1000", "CNTS-7053,1009" or "GML".
  std::string method;
  // Which time the dose was decayed to and where it came from: "series", "ge-private",
  // "frame-reference" (Siemens back-computation) or "earliest-acquisition". Empty for
  // methods that do not decay (CNTS-7053,1000, GML).
  std::string scan_time_source;
  std::string scan_time;        // ISO 8601 "YYYY-MM-DDTHH:MM:SS.ffffff", empty if not used
  std::string injection_time;   // ISO 8601, empty if not used
  std::string injection_time_source;  // "start-datetime" (0018,1078) or "start-time" (0018,1072)
  double decay_s = 0.0;         // scan time - injection time, seconds (0 if not used)
  bool decay_applied = false;   // false for DecayCorrection ADMIN (dose used undecayed)
  std::optional<double> decayed_dose_bq;
  std::optional<double> weight_kg;
  std::vector<std::string> notes;  // human-readable remarks (e.g. "dose given in MBq (Enhanced PET)")
};

// Computes the SUV factors of one PET series from the headers of all its instances (all share
// the series-level values; acquisition times may differ per instance). `source` names the series
// or file in error messages. Throws recap::Error(MissingMetadata) when an input is missing,
// inconsistent, or gives a negative decay time, and Error(Unsupported) for units or decay
// corrections the recipe does not cover (DecayCorrection NONE, Units CPS, no ATTN/DECY).
SuvResult computeSuv(const std::vector<PetHeader>& instances, const std::string& source);

// Janmahasatian lean body mass in kg (sex "M" or "F", weight kg, height m); empty otherwise.
std::optional<double> leanBodyMassJanmahasatian(const std::string& sex, double weight_kg, double height_m);

// DICOM date/time parsing, exposed for tests and other modules. Seconds since 1970-01-01 00:00:00
// in the timezone of the values (timezone offsets are ignored). Empty if the text is not valid.
std::optional<double> parseDicomDateTime(const std::string& da, const std::string& tm);  // DA + TM
std::optional<double> parseDicomDT(const std::string& dt);                               // DT
std::string formatIso(double seconds_since_epoch);

}  // namespace recap::suv
