// The input of the response engine: one patient's timepoints, as measured (by recap or a reader).
// Lengths in mm, SUV in g/ml. docs/response.md describes every field and how it is used.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace recap::response {

enum class LesionKind { Nodal, Extranodal };

enum class MeasurementState {
  Measured,  // LDi and SDi are given
  TooSmall,  // visible but too small to measure: the profile's default (5 x 5 mm) is used
  Absent     // no longer visible: 0 x 0 mm
};

struct Diameters {
  double ldi_mm = 0;  // longest transverse diameter
  double sdi_mm = 0;  // short axis perpendicular to the LDi (<= LDi)
};

// A target (measured dominant) lesion, chosen at baseline.
struct TargetLesion {
  std::string id;
  LesionKind kind = LesionKind::Nodal;
};

// One target lesion at one timepoint.
struct LesionMeasurement {
  std::string lesion_id;
  MeasurementState state = MeasurementState::Measured;
  std::optional<Diameters> measured;  // required for Measured, forbidden otherwise
  // A reviewer's values. When present they are used whatever `state` says, and the lesion counts
  // as measured; the recorded state and measurement are kept for the record.
  std::optional<Diameters> reviewer_override;
  std::optional<double> suv_max;
};

// A lesion absent at baseline, seen at this timepoint (list it again at later timepoints, with the
// same id, while it is still present).
struct NewLesion {
  std::string id;
  LesionKind kind = LesionKind::Nodal;
  Diameters size;
  // false for a CT-only finding without FDG uptake: it then plays no part in the PET reading.
  bool fdg_avid = true;
};

// The PET reading of one timepoint. An empty hottest_suv_max means no FDG-avid lesion was found.
struct PetReading {
  std::optional<double> hottest_suv_max;   // hottest lesion
  std::optional<double> hottest_suv_peak;  // the same lesion's SUVpeak (qPET)
  std::optional<double> liver_suv_mean;
  std::optional<double> liver_suv_max;
  std::optional<double> blood_pool_suv_mean;
};

struct Timepoint {
  std::string label;                        // unique; empty: "baseline", "fu1", "fu2", ...
  std::optional<double> days_from_baseline;  // needed only by the LYRIC time window
  std::vector<LesionMeasurement> targets;   // exactly one per target lesion
  std::vector<NewLesion> new_lesions;
  std::optional<double> spleen_length_mm;   // craniocaudal length; empty if unknown
  std::optional<bool> extranodal_disease_present;  // non-target extranodal disease; empty if unknown
  std::optional<PetReading> pet;            // empty: no PET at this timepoint
};

struct PatientCase {
  std::string patient_id;
  std::string source;                  // where the case came from (file name), for error messages
  std::vector<TargetLesion> targets;   // up to the profile's max_target_lesions
  std::vector<Timepoint> timepoints;   // in time order; the first is the baseline
};

const char* toString(LesionKind k);        // "nodal", "extranodal"
const char* toString(MeasurementState s);  // "measured", "too_small", "absent"

}  // namespace recap::response
