// SUV scale factors from PET headers: the QIBA vendor-neutral pseudo-code (D. Clunie, 2018), the
// DICOM PET modules (PS3.3 C.8.9) and the Janmahasatian lean body mass. docs/suv.md gives the
// rules, their sources and every refusal.
#include "recap/suv/suv.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "datetime_internal.h"
#include "recap/core/error.h"

namespace recap::suv {
namespace {

using detail::Instant;
using detail::Precision;

// ---------------------------------------------------------------------------------------------
// Attribute names for messages

struct Attr {
  const char* keyword;
  const char* tag;
};

constexpr Attr kSopClass{"SOPClassUID", "(0008,0016)"};
constexpr Attr kUnits{"Units", "(0054,1001)"};
constexpr Attr kSuvType{"SUVType", "(0054,1006)"};
constexpr Attr kCorrectedImage{"CorrectedImage", "(0028,0051)"};
constexpr Attr kDecayCorrection{"DecayCorrection", "(0054,1102)"};
constexpr Attr kSeriesDate{"SeriesDate", "(0008,0021)"};
constexpr Attr kSeriesTime{"SeriesTime", "(0008,0031)"};
constexpr Attr kAcqDate{"AcquisitionDate", "(0008,0022)"};
constexpr Attr kAcqTime{"AcquisitionTime", "(0008,0032)"};
constexpr Attr kAcqDateTime{"AcquisitionDateTime", "(0008,002A)"};
constexpr Attr kSex{"PatientSex", "(0010,0040)"};
constexpr Attr kWeight{"PatientWeight", "(0010,1030)"};
constexpr Attr kSize{"PatientSize", "(0010,1020)"};
constexpr Attr kStartTime{"RadiopharmaceuticalStartTime", "(0018,1072)"};
constexpr Attr kStartDateTime{"RadiopharmaceuticalStartDateTime", "(0018,1078)"};
constexpr Attr kDose{"RadionuclideTotalDose", "(0018,1074)"};
constexpr Attr kHalfLife{"RadionuclideHalfLife", "(0018,1075)"};
constexpr Attr kPhilipsSuv{"Philips SUV scale factor", "(7053,1000)"};
constexpr Attr kPhilipsActivity{"Philips activity concentration scale factor", "(7053,1009)"};
constexpr Attr kGeScan{"GE scan date-time", "(0009,100D)"};

constexpr const char* kEnhancedPetSopClass = "1.2.840.10008.5.1.4.1.1.130";
constexpr double kOneMBq = 1e6;
constexpr double kMaxPlausibleHeightM = 3.0;

std::string named(const Attr& a) { return std::string(a.keyword) + " " + a.tag; }

[[noreturn]] void fail(ErrorCode code, const std::string& source, const std::string& reason) {
  throw Error(code, source, reason);
}

[[noreturn]] void missing(const std::string& source, const std::string& reason) {
  fail(ErrorCode::MissingMetadata, source, reason);
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// A code string (CS) value, trimmed and upper-cased.
std::string cs(const std::string& s) {
  std::string out = trim(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::vector<std::string> splitValues(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const auto end = s.find('\\', start);
    out.push_back(cs(s.substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::string instanceLabel(size_t index, size_t count) {
  return "instance " + std::to_string(index + 1) + " of " + std::to_string(count);
}

bool positive(const std::optional<double>& v) { return v && std::isfinite(*v) && *v > 0.0; }

// ---------------------------------------------------------------------------------------------
// Series-level consistency

std::string shown(const std::string& v) { return v.empty() ? "(absent)" : "'" + v + "'"; }
std::string shown(const std::optional<double>& v) { return v ? fmt(*v) : "(absent)"; }

bool same(const std::string& a, const std::string& b) { return trim(a) == trim(b); }
bool same(const std::optional<double>& a, const std::optional<double>& b) { return a == b; }

template <typename T>
void requireSame(const std::vector<PetHeader>& xs, const Attr& attr, T PetHeader::*field,
                 const std::string& source) {
  const T& first = xs.front().*field;
  for (size_t i = 1; i < xs.size(); ++i) {
    const T& other = xs[i].*field;
    if (!same(first, other))
      missing(source, named(attr) + " differs between instances of the series (" + shown(first) + " in " +
                          instanceLabel(0, xs.size()) + ", " + shown(other) + " in " +
                          instanceLabel(i, xs.size()) + "): SUV needs a single series-level value");
  }
}

void checkSeriesConsistency(const std::vector<PetHeader>& xs, const std::string& source) {
  requireSame(xs, kSopClass, &PetHeader::sop_class_uid, source);
  requireSame(xs, kUnits, &PetHeader::units, source);
  requireSame(xs, kSuvType, &PetHeader::suv_type, source);
  requireSame(xs, kCorrectedImage, &PetHeader::corrected_image, source);
  requireSame(xs, kDecayCorrection, &PetHeader::decay_correction, source);
  requireSame(xs, kSeriesDate, &PetHeader::series_date, source);
  requireSame(xs, kSeriesTime, &PetHeader::series_time, source);
  requireSame(xs, kSex, &PetHeader::patient_sex, source);
  requireSame(xs, kWeight, &PetHeader::patient_weight_kg, source);
  requireSame(xs, kSize, &PetHeader::patient_size_m, source);
  requireSame(xs, kStartTime, &PetHeader::radiopharmaceutical_start_time, source);
  requireSame(xs, kStartDateTime, &PetHeader::radiopharmaceutical_start_datetime, source);
  requireSame(xs, kDose, &PetHeader::radionuclide_total_dose, source);
  requireSame(xs, kHalfLife, &PetHeader::radionuclide_half_life_s, source);
}

// ---------------------------------------------------------------------------------------------
// Preconditions

void checkCorrectedImage(const PetHeader& h, const std::string& source) {
  if (trim(h.corrected_image).empty())
    missing(source, named(kCorrectedImage) +
                        " is missing: SUV needs to know that the images are attenuation (ATTN) and decay "
                        "(DECY) corrected");
  const auto values = splitValues(h.corrected_image);
  for (const char* needed : {"ATTN", "DECY"}) {
    if (std::find(values.begin(), values.end(), needed) == values.end())
      fail(ErrorCode::Unsupported, source,
           named(kCorrectedImage) + " is '" + trim(h.corrected_image) + "', without " + needed +
               ": SUV is only defined for attenuation- and decay-corrected images");
  }
}

enum class DecayMode { Start, Admin };

DecayMode decayMode(const PetHeader& h, const std::string& source) {
  const std::string v = cs(h.decay_correction);
  if (v == "START") return DecayMode::Start;
  if (v == "ADMIN") return DecayMode::Admin;
  if (v.empty())
    missing(source, named(kDecayCorrection) +
                        " is missing: SUV needs to know the time the pixels are decay corrected to");
  if (v == "NONE")
    fail(ErrorCode::Unsupported, source,
         named(kDecayCorrection) +
             " is NONE: the pixels are not decay corrected, which the SUV recipe "
             "does not cover");
  fail(ErrorCode::Unsupported, source,
       named(kDecayCorrection) + " is '" + v + "': only START and ADMIN are supported");
}

// ---------------------------------------------------------------------------------------------
// Date and time inputs

void requireMinutePrecision(const Instant& t, const std::string& what, const std::string& text,
                            const std::string& source) {
  if (t.precision < Precision::Minute)
    missing(source, what + " '" + trim(text) + "' gives only " + detail::precisionName(t.precision) +
                        ": the decay time would be uncertain by an hour or more");
}

long long requireDate(const std::string& text, const Attr& attr, const std::string& purpose,
                      const std::string& where, const std::string& source) {
  if (trim(text).empty()) missing(source, named(attr) + " is missing" + where + ": " + purpose);
  const auto days = detail::parseDaDays(text);
  if (!days)
    missing(source, named(attr) + " '" + trim(text) + "'" + where + " is not a valid DICOM date (DA)");
  return *days;
}

Instant requireTimeOfDay(const std::string& text, const Attr& attr, const std::string& purpose,
                         const std::string& where, const std::string& source) {
  if (trim(text).empty()) missing(source, named(attr) + " is missing" + where + ": " + purpose);
  const auto t = detail::parseTmOfDay(text);
  if (!t) missing(source, named(attr) + " '" + trim(text) + "'" + where + " is not a valid DICOM time (TM)");
  requireMinutePrecision(*t, named(attr) + where, text, source);
  return *t;
}

// A DA + TM pair, both required.
Instant requireDateTime(const std::string& da, const Attr& daAttr, const std::string& tm, const Attr& tmAttr,
                        const std::string& purpose, const std::string& where, const std::string& source) {
  const long long days = requireDate(da, daAttr, purpose, where, source);
  const Instant t = requireTimeOfDay(tm, tmAttr, purpose, where, source);
  return Instant{static_cast<double>(days) * 86400.0 + t.seconds, t.precision};
}

// A DT value that is present (the caller checked).
Instant requireDt(const std::string& text, const std::string& what, const std::string& source) {
  const auto t = detail::parseDt(text);
  if (!t) missing(source, what + " '" + trim(text) + "' is not a valid DICOM date-time (DT)");
  requireMinutePrecision(*t, what, text, source);
  return *t;
}

long long dayOf(double seconds) { return static_cast<long long>(std::floor(seconds / 86400.0)); }

std::string isoDate(double seconds) { return formatIso(seconds).substr(0, 10); }

// ---------------------------------------------------------------------------------------------
// Scan time (QIBA: which time the dose is decayed to)

struct TimePoint {
  double seconds = 0.0;
  std::string source;       // scan_time_source / injection_time_source values
  std::string description;  // for messages, e.g. "SeriesDate/SeriesTime (0008,0021/0031)"
};

Instant acquisitionTime(const PetHeader& h, size_t index, size_t count, const std::string& source) {
  const std::string where = " in " + instanceLabel(index, count);
  const std::string purpose =
      "needed to tell whether SeriesTime (0008,0031) is the scan start or a later post-processing time";
  if (!trim(h.acquisition_date).empty() && !trim(h.acquisition_time).empty())
    return requireDateTime(h.acquisition_date, kAcqDate, h.acquisition_time, kAcqTime, purpose, where,
                           source);
  if (!trim(h.acquisition_datetime).empty())
    return requireDt(h.acquisition_datetime, named(kAcqDateTime) + where, source);
  const bool no_date = trim(h.acquisition_date).empty(), no_time = trim(h.acquisition_time).empty();
  const std::string absent = no_date && no_time ? named(kAcqDate) + ", " + named(kAcqTime)
                             : no_date          ? named(kAcqDate)
                                                : named(kAcqTime);
  missing(source, absent + " and " + named(kAcqDateTime) + " are missing" + where + ": " + purpose);
}

// Index of the instance with the earliest acquisition time (the first one on ties).
size_t earliestAcquisition(const std::vector<double>& times) {
  return static_cast<size_t>(std::min_element(times.begin(), times.end()) - times.begin());
}

// Siemens: the decay-weighted mean time within a frame of duration T seconds (QIBA-SUV).
double frameAverageTime(double duration_s, double half_life_s) {
  const double lambda = std::log(2.0) / half_life_s;
  const double x = lambda * duration_s;
  return std::log(x / -std::expm1(-x)) / lambda;
}

TimePoint geScanTime(const std::vector<PetHeader>& xs, const std::string& source) {
  requireSame(xs, kGeScan, &PetHeader::ge_scan_datetime, source);
  const Instant t = requireDt(xs.front().ge_scan_datetime, named(kGeScan), source);
  return {t.seconds, "ge-private", named(kGeScan)};
}

TimePoint scanTime(const std::vector<PetHeader>& xs, double half_life_s, const std::string& source,
                   std::vector<std::string>& notes) {
  const PetHeader& h = xs.front();
  const std::string purpose = "needed to find the scan time the dose is decayed to (QIBA)";
  const Instant series =
      requireDateTime(h.series_date, kSeriesDate, h.series_time, kSeriesTime, purpose, "", source);
  std::vector<double> acq;
  for (size_t i = 0; i < xs.size(); ++i) acq.push_back(acquisitionTime(xs[i], i, xs.size(), source).seconds);
  const size_t first = earliestAcquisition(acq);
  if (series.seconds <= acq[first])
    return {series.seconds, "series", "SeriesDate/SeriesTime (0008,0021/0031)"};

  const std::string rewritten = "SeriesDate/SeriesTime (0008,0021/0031) " + formatIso(series.seconds) +
                                " is after the earliest acquisition time " + formatIso(acq[first]) +
                                " (a post-processed series)";
  if (!trim(h.ge_scan_datetime).empty()) {
    notes.push_back(rewritten + "; scan time taken from the GE private " + named(kGeScan));
    return geScanTime(xs, source);
  }
  const PetHeader& e = xs[first];
  if (positive(e.frame_reference_time_ms) && positive(e.actual_frame_duration_ms)) {
    const double t_avg = frameAverageTime(*e.actual_frame_duration_ms / 1000.0, half_life_s);
    const double scan = acq[first] - *e.frame_reference_time_ms / 1000.0 + t_avg;
    notes.push_back(rewritten +
                    "; scan time back-computed from FrameReferenceTime (0054,1300) and "
                    "ActualFrameDuration (0018,1242) of " +
                    instanceLabel(first, xs.size()));
    return {scan, "frame-reference", "the frame-reference back-computation"};
  }
  notes.push_back(rewritten +
                  "; scan time is the earliest acquisition time (QIBA fallback, wrong for "
                  "multi-injection studies)");
  return {acq[first], "earliest-acquisition", "the earliest acquisition time"};
}

// ---------------------------------------------------------------------------------------------
// Injection time

TimePoint injectionTime(const PetHeader& h, const std::string& source) {
  if (!trim(h.radiopharmaceutical_start_datetime).empty()) {
    const Instant t = requireDt(h.radiopharmaceutical_start_datetime, named(kStartDateTime), source);
    return {t.seconds, "start-datetime",
            named(kStartDateTime) + " '" + trim(h.radiopharmaceutical_start_datetime) + "'"};
  }
  if (trim(h.radiopharmaceutical_start_time).empty())
    missing(source, named(kStartTime) + " and " + named(kStartDateTime) +
                        " are missing: the injection time is needed to decay the dose");
  const Instant t = requireDateTime(h.series_date, kSeriesDate, h.radiopharmaceutical_start_time, kStartTime,
                                    "the injection date is taken from it", "", source);
  return {t.seconds, "start-time",
          named(kStartTime) + " '" + trim(h.radiopharmaceutical_start_time) + "' on " + named(kSeriesDate)};
}

// Decay time in seconds; refuses an injection after the scan (never assumes a midnight crossing).
double decayTime(const TimePoint& scan, const TimePoint& injection, const std::string& source) {
  if (injection.source == "start-datetime" && dayOf(injection.seconds) > dayOf(scan.seconds))
    missing(source, named(kStartDateTime) + " is on " + isoDate(injection.seconds) +
                        ", after the scan date " + isoDate(scan.seconds) + " (from " + scan.description +
                        "): negative decay time");
  const double decay = scan.seconds - injection.seconds;
  if (decay < 0.0)
    missing(source, "negative decay time (" + fmt(decay) + " s): the injection at " +
                        formatIso(injection.seconds) + " (" + injection.description +
                        ") is after the scan at " + formatIso(scan.seconds) + " (" + scan.description +
                        "); recap does not assume that the scan crossed midnight");
  return decay;
}

// ---------------------------------------------------------------------------------------------
// Dose, half-life, weight

double requireHalfLife(const PetHeader& h, const std::string& source) {
  if (!h.radionuclide_half_life_s)
    missing(source, named(kHalfLife) + " is missing: the dose cannot be decayed without it");
  if (!positive(h.radionuclide_half_life_s))
    missing(source, named(kHalfLife) + " is " + fmt(*h.radionuclide_half_life_s) + " s: it must be positive");
  return *h.radionuclide_half_life_s;
}

double requireWeight(const PetHeader& h, const std::string& method, const std::string& source) {
  if (!h.patient_weight_kg) missing(source, named(kWeight) + " is missing: " + method + " SUV needs it");
  if (!positive(h.patient_weight_kg))
    missing(source, named(kWeight) + " is " + fmt(*h.patient_weight_kg) + " kg: " + method +
                        " SUV needs a positive weight");
  return *h.patient_weight_kg;
}

// The administered activity in Bq (Enhanced PET gives it in MBq, DICOM PS3.3 C.8.22.4).
double requireDoseBq(const PetHeader& h, const std::string& source, std::vector<std::string>& notes) {
  if (!h.radionuclide_total_dose)
    missing(source, named(kDose) + " is missing: body-weight SUV needs the injected activity");
  const double dose = *h.radionuclide_total_dose;
  if (!positive(h.radionuclide_total_dose))
    missing(source, named(kDose) + " is " + fmt(dose) + ": the injected activity must be positive");
  const bool enhanced = trim(h.sop_class_uid) == kEnhancedPetSopClass;
  if (dose >= kOneMBq) {
    if (enhanced)
      notes.push_back(named(kDose) + " is " + fmt(dose) +
                      " in an Enhanced PET instance, where DICOM specifies "
                      "MBq; a value of 1e6 or more cannot be MBq, so it is taken as Bq");
    return dose;
  }
  if (!enhanced)
    missing(source, named(kDose) + " is " + fmt(dose) +
                        ", below 1 MBq: not a plausible injected activity in "
                        "Bq (MBq is assumed only for Enhanced PET Image Storage, " +
                        kEnhancedPetSopClass + "; " + named(kSopClass) + " is " +
                        shown(trim(h.sop_class_uid)) + ")");
  notes.push_back("dose given in MBq (Enhanced PET): " + named(kDose) + " " + fmt(dose) +
                  " MBq = " + fmt(dose * kOneMBq) + " Bq");
  return dose * kOneMBq;
}

// ---------------------------------------------------------------------------------------------
// Factors by Units

// Body-weight SUV factor for pixels in Bq/ml: weight[g] / dose decayed to the scan time [Bq].
void applyBqml(const std::vector<PetHeader>& xs, DecayMode mode, const std::string& method,
               const std::string& source, SuvResult& r) {
  const PetHeader& h = xs.front();
  const double weight = requireWeight(h, method, source);
  const double dose = requireDoseBq(h, source, r.notes);
  const double half_life = requireHalfLife(h, source);
  const TimePoint injection = injectionTime(h, source);
  const TimePoint scan = scanTime(xs, half_life, source, r.notes);
  const double decay = decayTime(scan, injection, source);

  r.method = method;
  r.weight_kg = weight;
  r.scan_time = formatIso(scan.seconds);
  r.scan_time_source = scan.source;
  r.injection_time = formatIso(injection.seconds);
  r.injection_time_source = injection.source;
  r.decay_s = decay;
  r.decay_applied = mode == DecayMode::Start;
  r.decayed_dose_bq = r.decay_applied ? dose * std::exp2(-decay / half_life) : dose;
  if (!r.decay_applied)
    r.notes.push_back(named(kDecayCorrection) +
                      " is ADMIN: the pixels are decay corrected to the injection "
                      "time, so the dose is used undecayed");
  r.bw_factor = weight * 1000.0 / *r.decayed_dose_bq;
}

double requirePhilipsFactor(const std::vector<PetHeader>& xs, const Attr& attr,
                            std::optional<double> PetHeader::*field, const std::string& source) {
  requireSame(xs, attr, field, source);
  const auto& v = xs.front().*field;
  if (!positive(v)) missing(source, named(attr) + " is " + fmt(*v) + ": a scale factor must be positive");
  return *v;
}

void applyCnts(const std::vector<PetHeader>& xs, DecayMode mode, const std::string& source, SuvResult& r) {
  const PetHeader& h = xs.front();
  if (h.philips_suv_factor) {
    r.bw_factor = requirePhilipsFactor(xs, kPhilipsSuv, &PetHeader::philips_suv_factor, source);
    r.method = "CNTS-7053,1000";
    return;
  }
  if (h.philips_activity_factor) {
    const double activity =
        requirePhilipsFactor(xs, kPhilipsActivity, &PetHeader::philips_activity_factor, source);
    applyBqml(xs, mode, "CNTS-7053,1009", source, r);
    r.bw_factor *= activity;
    return;
  }
  missing(source, named(kUnits) + " is CNTS and neither the " + named(kPhilipsSuv) + " nor the " +
                      named(kPhilipsActivity) + " is present: counts cannot be converted to SUV");
}

void applyGml(const PetHeader& h, const std::string& source, SuvResult& r) {
  const std::string type = cs(h.suv_type);
  if (!type.empty() && type != "BW")
    fail(ErrorCode::Unsupported, source,
         named(kSuvType) + " is '" + type + "' with " + named(kUnits) +
             " GML: the pixels are already an SUV of that type; only body-weight SUV (BW, or absent) is "
             "supported");
  r.bw_factor = 1.0;
  r.method = "GML";
}

// ---------------------------------------------------------------------------------------------
// SUL (Janmahasatian lean body mass)

void addSul(const PetHeader& h, SuvResult& r) {
  std::vector<std::string> why;
  std::optional<double> weight = r.weight_kg;
  if (!weight && positive(h.patient_weight_kg)) weight = r.weight_kg = h.patient_weight_kg;
  if (!weight) why.push_back(named(kWeight) + " is missing or not positive");
  const std::string sex = cs(h.patient_sex);
  if (sex != "M" && sex != "F")
    why.push_back(named(kSex) + (sex.empty() ? " is missing" : " is '" + sex + "'") + " (M or F is needed)");
  if (!positive(h.patient_size_m))
    why.push_back(named(kSize) + " is missing or not positive");
  else if (*h.patient_size_m > kMaxPlausibleHeightM)
    why.push_back(named(kSize) + " is " + fmt(*h.patient_size_m) + " m, not a plausible height in metres");
  if (!why.empty()) {
    std::string note = "SUL not computed: ";
    for (size_t i = 0; i < why.size(); ++i) note += (i ? "; " : "") + why[i];
    r.notes.push_back(note);
    return;
  }
  r.lbm_kg = leanBodyMassJanmahasatian(sex, *weight, *h.patient_size_m);
  r.sul_ratio = *r.lbm_kg / *weight;
}

}  // namespace

std::optional<double> leanBodyMassJanmahasatian(const std::string& sex, double weight_kg, double height_m) {
  if (!(std::isfinite(weight_kg) && weight_kg > 0.0 && std::isfinite(height_m) && height_m > 0.0))
    return std::nullopt;
  const double bmi = weight_kg / (height_m * height_m);
  const std::string s = cs(sex);
  if (s == "M") return 9270.0 * weight_kg / (6680.0 + 216.0 * bmi);
  if (s == "F") return 9270.0 * weight_kg / (8780.0 + 244.0 * bmi);
  return std::nullopt;
}

SuvResult computeSuv(const std::vector<PetHeader>& instances, const std::string& source) {
  if (instances.empty()) missing(source, "no PET image headers were given: SUV needs at least one instance");
  checkSeriesConsistency(instances, source);
  const PetHeader& h = instances.front();
  checkCorrectedImage(h, source);
  const DecayMode mode = decayMode(h, source);

  SuvResult r;
  const std::string units = cs(h.units);
  if (units.empty())
    missing(source, named(kUnits) + " is missing: the pixel units decide how SUV is computed");
  if (units == "BQML")
    applyBqml(instances, mode, "BQML", source, r);
  else if (units == "CNTS")
    applyCnts(instances, mode, source, r);
  else if (units == "GML")
    applyGml(h, source, r);
  else
    fail(ErrorCode::Unsupported, source,
         named(kUnits) + " is '" + units + "': only BQML, CNTS (Philips) and GML can be converted to SUV");
  addSul(h, r);
  return r;
}

}  // namespace recap::suv
