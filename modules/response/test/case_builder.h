// A compact way to write worked cases: timepoints in order, then the measurements of each.
#pragma once

#include <string>

#include "recap/response/case.h"

namespace recap::response::test {

class CaseBuilder {
 public:
  CaseBuilder& node(const std::string& id);        // a nodal target lesion
  CaseBuilder& extranodal(const std::string& id);  // an extranodal target lesion

  // Starts a timepoint; the following calls describe it.
  CaseBuilder& tp(const std::string& label);
  CaseBuilder& day(double days_from_baseline);
  CaseBuilder& m(const std::string& id, double ldi, double sdi);  // measured
  CaseBuilder& tooSmall(const std::string& id);
  CaseBuilder& absent(const std::string& id);
  CaseBuilder& override(const std::string& id, double ldi, double sdi);  // on this timepoint's measurement
  CaseBuilder& suvMax(const std::string& id, double suv);
  CaseBuilder& newNode(const std::string& id, double ldi, double sdi);
  CaseBuilder& newExtranodal(const std::string& id, double ldi, double sdi);
  CaseBuilder& newNonAvid(const std::string& id, double ldi, double sdi);  // a new node without FDG uptake
  CaseBuilder& spleen(double mm);
  CaseBuilder& extranodalDisease(bool present);
  CaseBuilder& pet(const PetReading& reading);

  PatientCase build() const { return c_; }
  operator PatientCase() const { return c_; }  // NOLINT: lets a builder stand in a case table

 private:
  Timepoint& cur();
  LesionMeasurement& measurement(const std::string& id);
  PatientCase c_{"P1", "test-case", {}, {}};
};

// A PET reading: hottest SUVmax (0: none), SUVpeak (0: none), liver mean, liver max, blood pool.
PetReading petReading(double hottest_max, double hottest_peak, double liver_mean = 2.0, double liver_max = 3.0,
                      double blood_pool = 1.5);

}  // namespace recap::response::test
