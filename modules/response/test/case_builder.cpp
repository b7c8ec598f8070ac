#include "case_builder.h"

#include <stdexcept>

namespace recap::response::test {

CaseBuilder& CaseBuilder::node(const std::string& id) {
  c_.targets.push_back({id, LesionKind::Nodal});
  return *this;
}

CaseBuilder& CaseBuilder::extranodal(const std::string& id) {
  c_.targets.push_back({id, LesionKind::Extranodal});
  return *this;
}

CaseBuilder& CaseBuilder::tp(const std::string& label) {
  Timepoint t;
  t.label = label;
  c_.timepoints.push_back(t);
  return *this;
}

Timepoint& CaseBuilder::cur() {
  if (c_.timepoints.empty()) throw std::logic_error("CaseBuilder: call tp() before describing a timepoint");
  return c_.timepoints.back();
}

LesionMeasurement& CaseBuilder::measurement(const std::string& id) {
  for (auto& m : cur().targets)
    if (m.lesion_id == id) return m;
  throw std::logic_error("CaseBuilder: no measurement of " + id + " at this timepoint yet");
}

CaseBuilder& CaseBuilder::day(double d) {
  cur().days_from_baseline = d;
  return *this;
}

CaseBuilder& CaseBuilder::m(const std::string& id, double ldi, double sdi) {
  LesionMeasurement x;
  x.lesion_id = id;
  x.state = MeasurementState::Measured;
  x.measured = Diameters{ldi, sdi};
  cur().targets.push_back(x);
  return *this;
}

CaseBuilder& CaseBuilder::tooSmall(const std::string& id) {
  LesionMeasurement x;
  x.lesion_id = id;
  x.state = MeasurementState::TooSmall;
  cur().targets.push_back(x);
  return *this;
}

CaseBuilder& CaseBuilder::absent(const std::string& id) {
  LesionMeasurement x;
  x.lesion_id = id;
  x.state = MeasurementState::Absent;
  cur().targets.push_back(x);
  return *this;
}

CaseBuilder& CaseBuilder::override(const std::string& id, double ldi, double sdi) {
  measurement(id).reviewer_override = Diameters{ldi, sdi};
  return *this;
}

CaseBuilder& CaseBuilder::suvMax(const std::string& id, double suv) {
  measurement(id).suv_max = suv;
  return *this;
}

CaseBuilder& CaseBuilder::newNode(const std::string& id, double ldi, double sdi) {
  cur().new_lesions.push_back({id, LesionKind::Nodal, {ldi, sdi}, true});
  return *this;
}

CaseBuilder& CaseBuilder::newExtranodal(const std::string& id, double ldi, double sdi) {
  cur().new_lesions.push_back({id, LesionKind::Extranodal, {ldi, sdi}, true});
  return *this;
}

CaseBuilder& CaseBuilder::newNonAvid(const std::string& id, double ldi, double sdi) {
  cur().new_lesions.push_back({id, LesionKind::Nodal, {ldi, sdi}, false});
  return *this;
}

CaseBuilder& CaseBuilder::spleen(double mm) {
  cur().spleen_length_mm = mm;
  return *this;
}

CaseBuilder& CaseBuilder::extranodalDisease(bool present) {
  cur().extranodal_disease_present = present;
  return *this;
}

CaseBuilder& CaseBuilder::pet(const PetReading& reading) {
  cur().pet = reading;
  return *this;
}

PetReading petReading(double hottest_max, double hottest_peak, double liver_mean, double liver_max,
                      double blood_pool) {
  PetReading r;
  if (hottest_max > 0) r.hottest_suv_max = hottest_max;
  if (hottest_peak > 0) r.hottest_suv_peak = hottest_peak;
  r.liver_suv_mean = liver_mean;
  r.liver_suv_max = liver_max;
  r.blood_pool_suv_mean = blood_pool;
  return r;
}

}  // namespace recap::response::test
