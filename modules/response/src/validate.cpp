// Checking a case before assessing it, and resolving each target lesion's values per timepoint
// (reviewer overrides, the too-small and absent defaults).
#include <cmath>
#include <map>
#include <set>

#include "internal.h"
#include "recap/core/error.h"
#include "recap/response/response.h"

namespace recap::response {
namespace detail {

std::string timepointLabel(const PatientCase& patient, std::size_t t) {
  const std::string& label = patient.timepoints[t].label;
  if (!label.empty()) return label;
  return t == 0 ? "baseline" : "fu" + std::to_string(t);
}

namespace {

const LesionMeasurement* findMeasurement(const Timepoint& tp, const std::string& id) {
  for (const auto& m : tp.targets)
    if (m.lesion_id == id) return &m;
  return nullptr;
}

}  // namespace

ResolvedTable resolveAll(const PatientCase& patient, const CriteriaProfile& profile) {
  ResolvedTable table;
  for (const Timepoint& tp : patient.timepoints) {
    std::vector<Resolved> row;
    for (const TargetLesion& target : patient.targets) {
      const LesionMeasurement& m = *findMeasurement(tp, target.id);  // validated
      Resolved r;
      r.state = m.state;
      r.suv_max = m.suv_max;
      if (m.reviewer_override) {
        r.overridden = true;
        r.ldi = m.reviewer_override->ldi_mm;
        r.sdi = m.reviewer_override->sdi_mm;
      } else if (m.state == MeasurementState::Measured) {
        r.ldi = m.measured->ldi_mm;
        r.sdi = m.measured->sdi_mm;
      } else if (m.state == MeasurementState::TooSmall) {
        r.is_default = true;
        r.ldi = profile.ct.too_small_ldi_mm;
        r.sdi = profile.ct.too_small_sdi_mm;
      } else {
        r.is_default = true;
        r.present = false;
      }
      r.ppd = r.ldi * r.sdi;
      row.push_back(r);
    }
    table.push_back(std::move(row));
  }
  return table;
}

}  // namespace detail

namespace {

struct Checker {
  const PatientCase& patient;
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw Error(ErrorCode::CaseFile, patient.source.empty() ? patient.patient_id : patient.source,
                where + ": " + what);
  }

  void checkDiameters(const Diameters& d, const std::string& where) const {
    if (!std::isfinite(d.ldi_mm) || !std::isfinite(d.sdi_mm) || d.ldi_mm <= 0 || d.sdi_mm <= 0)
      fail(where, "LDi and SDi must be positive numbers (got " + detail::num(d.ldi_mm, 3) + " and " +
                      detail::num(d.sdi_mm, 3) + " mm)");
    if (d.sdi_mm > d.ldi_mm)
      fail(where, "SDi " + detail::mm(d.sdi_mm) + " exceeds LDi " + detail::mm(d.ldi_mm) +
                      " (the LDi is the longest diameter)");
  }

  void checkPositive(const std::optional<double>& v, const std::string& where) const {
    if (v && (!std::isfinite(*v) || *v <= 0)) fail(where, "must be a positive number (got " + detail::num(*v, 3) + ")");
  }
};

}  // namespace

void validateCase(const PatientCase& patient, const CriteriaProfile& profile) {
  const Checker c{patient};
  if (patient.timepoints.empty()) c.fail("timepoints", "a case needs at least the baseline timepoint");
  if (static_cast<int>(patient.targets.size()) > profile.ct.max_target_lesions)
    c.fail("targets", std::to_string(patient.targets.size()) + " target lesions; the profile allows up to " +
                          std::to_string(profile.ct.max_target_lesions));
  std::set<std::string> target_ids;
  for (const auto& t : patient.targets) {
    if (t.id.empty()) c.fail("targets", "a target lesion has an empty id");
    if (!target_ids.insert(t.id).second) c.fail("targets", "duplicate target lesion id '" + t.id + "'");
  }

  std::set<std::string> labels;
  std::optional<double> previous_days;
  for (std::size_t i = 0; i < patient.timepoints.size(); ++i) {
    const Timepoint& tp = patient.timepoints[i];
    const std::string label = detail::timepointLabel(patient, i);
    const std::string where = "timepoints[" + std::to_string(i) + "] (" + label + ")";
    if (!labels.insert(label).second) c.fail(where, "duplicate timepoint label '" + label + "'");

    if (tp.days_from_baseline) {
      const double d = *tp.days_from_baseline;
      if (!std::isfinite(d) || d < 0) c.fail(where + ".days_from_baseline", "must be >= 0");
      if (i == 0 && d != 0) c.fail(where + ".days_from_baseline", "the baseline is day 0");
      if (previous_days && d < *previous_days) c.fail(where + ".days_from_baseline", "timepoints must be in time order");
      previous_days = d;
    }

    std::map<std::string, int> seen;
    for (const auto& m : tp.targets) {
      const std::string mw = where + ".targets[" + m.lesion_id + "]";
      if (!target_ids.count(m.lesion_id)) c.fail(mw, "not a target lesion of this patient");
      if (++seen[m.lesion_id] > 1) c.fail(mw, "measured twice at this timepoint");
      if (m.state == MeasurementState::Measured) {
        if (!m.measured) c.fail(mw, "state measured but no LDi/SDi given");
        c.checkDiameters(*m.measured, mw);
      } else if (m.measured) {
        c.fail(mw, std::string("state ") + toString(m.state) +
                       " but LDi/SDi given (record a measurement as measured, or use reviewer_override)");
      }
      if (m.reviewer_override) c.checkDiameters(*m.reviewer_override, mw + ".reviewer_override");
      c.checkPositive(m.suv_max, mw + ".suv_max");
      if (i == 0 && m.state != MeasurementState::Measured && !m.reviewer_override)
        c.fail(mw, "a target lesion must be measured at baseline");
    }
    for (const auto& t : patient.targets)
      if (!seen.count(t.id)) c.fail(where, "no measurement for target lesion '" + t.id + "'");

    std::set<std::string> new_ids;
    for (const auto& n : tp.new_lesions) {
      const std::string nw = where + ".new_lesions[" + n.id + "]";
      if (n.id.empty()) c.fail(where + ".new_lesions", "a new lesion has an empty id");
      if (target_ids.count(n.id)) c.fail(nw, "the id is a target lesion's");
      if (!new_ids.insert(n.id).second) c.fail(nw, "listed twice at this timepoint");
      c.checkDiameters(n.size, nw);
    }
    if (i == 0 && !tp.new_lesions.empty()) c.fail(where, "new lesions cannot be listed at baseline");

    c.checkPositive(tp.spleen_length_mm, where + ".spleen_length_mm");
    if (tp.pet) {
      c.checkPositive(tp.pet->hottest_suv_max, where + ".pet.hottest_suv_max");
      c.checkPositive(tp.pet->hottest_suv_peak, where + ".pet.hottest_suv_peak");
      c.checkPositive(tp.pet->liver_suv_mean, where + ".pet.liver_suv_mean");
      c.checkPositive(tp.pet->liver_suv_max, where + ".pet.liver_suv_max");
      c.checkPositive(tp.pet->blood_pool_suv_mean, where + ".pet.blood_pool_suv_mean");
    }
  }
}

}  // namespace recap::response
