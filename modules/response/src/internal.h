// Internal helpers of the response module: boundary comparisons, number formatting for reasons,
// and the per-timepoint CT and PET assessments that assess() puts together.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "recap/response/case.h"
#include "recap/response/profile.h"
#include "recap/response/result.h"

namespace recap::response::detail {

// Boundary comparisons. Values written with 0.1 mm or 0.01 SUV precision are not exact in binary,
// so a value within 1e-9 (relative to the threshold, at least 1e-9 absolute) of a threshold counts
// as equal to it, and falls on the side of the boundary the rule's inequality gives.
constexpr double kTolerance = 1e-9;
inline double slack(double threshold) { return kTolerance * std::max(1.0, std::abs(threshold)); }
inline bool atLeast(double v, double t) { return v >= t - slack(t); }  // v >= t
inline bool atMost(double v, double t) { return v <= t + slack(t); }   // v <= t
inline bool above(double v, double t) { return !atMost(v, t); }        // v > t
inline bool below(double v, double t) { return !atLeast(v, t); }       // v < t
inline bool equal(double v, double t) { return atLeast(v, t) && atMost(v, t); }

inline double pctChange(double now, double ref) { return (now - ref) / ref * 100.0; }

// Formatting: at most `decimals` decimals, trailing zeros removed ("15", "20.1", "-49.9").
std::string num(double v, int decimals = 1);
std::string mm(double v);       // "15 mm"
std::string mm2(double v);      // "768 mm²"
std::string dims(double ldi, double sdi);  // "25 × 24 mm"
std::string pct(double v);      // "+159.5 %", "-50 %"
std::string suv(double v);      // "2.05"

// The values of one target lesion at one timepoint, after overrides and defaults.
struct Resolved {
  MeasurementState state = MeasurementState::Measured;  // as recorded
  bool overridden = false;
  bool is_default = false;  // too-small or absent default
  bool present = true;      // visible (measured, overridden or too small)
  double ldi = 0, sdi = 0, ppd = 0;
  std::optional<double> suv_max;
};

// resolved[t][k]: timepoint t, target lesion k (in PatientCase::targets order).
using ResolvedTable = std::vector<std::vector<Resolved>>;
ResolvedTable resolveAll(const PatientCase& patient, const CriteriaProfile& profile);

// The CT assessment of timepoint t (t == 0: the baseline, without a category). `earlier` holds the
// CT results of timepoints 0..t-1 (for LYRIC confirmation).
CtResult assessCt(const PatientCase& patient, const ResolvedTable& resolved, std::size_t t,
                  const std::vector<TimepointResult>& earlier, const CriteriaProfile& profile);

// The PET assessment of timepoint t; the metabolic response needs the baseline's PET reading.
PetResult assessPet(const PatientCase& patient, std::size_t t, const CriteriaProfile& profile);

std::string timepointLabel(const PatientCase& patient, std::size_t t);

}  // namespace recap::response::detail
