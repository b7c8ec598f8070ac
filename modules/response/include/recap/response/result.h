// The output of the response engine: per timepoint, the CT response (Lugano 2014) and the PET
// reading (Deauville 5PS, qPET, Lugano metabolic response), each with the reasons behind it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "recap/response/case.h"

namespace recap::response {

enum class CtCategory { CR, PR, SD, PD, IR };  // IR only when the profile enables LYRIC
enum class MetabolicCategory { CMR, PMR, NMR, PMD };
enum class QpetCategory { Ds1to2, Ds3, Ds4, Ds5 };  // qPET does not separate DS 1 from DS 2

// Why something was decided (or a remark about it). `rule` is a stable identifier listed in
// docs/response.md ("pd.lesion", "cr.nodes", "deauville.5", ...); `subject` names what it is about
// (a lesion id, "SPD", "spleen", "PET"); `text` is one sentence with the numbers (UTF-8).
struct Reason {
  std::string rule;
  std::string subject;
  std::string text;
};

// The timepoint a lesion's nadir was taken from, with the values there.
struct LesionNadir {
  std::size_t timepoint = 0;
  std::string label;
  double ppd_mm2 = 0, ldi_mm = 0, sdi_mm = 0;
  bool is_default = false;  // the too-small or absent default, not a real measurement
};

struct LesionResult {
  std::string id;
  LesionKind kind = LesionKind::Nodal;
  MeasurementState state = MeasurementState::Measured;  // as recorded
  bool overridden = false;                              // reviewer values used
  double ldi_mm = 0, sdi_mm = 0, ppd_mm2 = 0;           // the values that enter the SPD
  bool is_default = false;                              // those values are a default
  std::optional<LesionNadir> nadir;                     // follow-ups only
  std::optional<double> ppd_change_from_nadir_pct;      // empty when the nadir PPD is 0
  bool progressed = false;                              // pd.lesion or pd.regrowth fired
  std::optional<double> suv_max;
  std::optional<double> suv_max_change_from_baseline_pct;
};

struct CtResult {
  std::optional<CtCategory> category;  // empty at baseline
  std::vector<Reason> reasons;         // why this category; PD/IR: every PD rule that fired
  std::vector<Reason> notes;           // defaults used, near misses, unknowns, alternative readings
  std::vector<LesionResult> lesions;   // in the order of PatientCase::targets
  double spd_mm2 = 0;
  std::optional<double> spd_change_from_baseline_pct;
  std::optional<double> spd_nadir_mm2;  // smallest earlier SPD, baseline included
  std::string spd_nadir_label;
  std::optional<double> spd_change_from_nadir_pct;
  std::optional<double> spleen_length_mm;
};

struct PetResult {
  std::optional<int> deauville;             // 1..5; empty if not scorable (reasons say why)
  std::optional<double> qpet;
  std::optional<QpetCategory> qpet_category;
  std::optional<MetabolicCategory> metabolic;  // follow-ups only
  std::optional<double> uptake_change_pct;     // hottest SUVmax vs baseline
  std::vector<Reason> reasons;              // rules "deauville.*", "qpet.*", "metabolic.*"
};

struct TimepointResult {
  std::size_t index = 0;
  std::string label;
  std::optional<double> days_from_baseline;
  CtResult ct;
  std::optional<PetResult> pet;  // empty when the timepoint has no PET reading
};

struct PatientResult {
  std::string patient_id;
  std::string profile_name;
  std::string profile_version;
  std::vector<TimepointResult> timepoints;  // [0] is the baseline
  std::vector<Reason> notes;                // patient-level remarks (baseline measurability, ...)
};

const char* toString(CtCategory c);         // "CR", "PR", "SD", "PD", "IR"
const char* toString(MetabolicCategory c);  // "CMR", "PMR", "NMR", "PMD"
const char* toString(QpetCategory c);       // "1-2", "3", "4", "5"

}  // namespace recap::response
