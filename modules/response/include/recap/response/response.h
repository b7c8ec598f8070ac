// The response engine: Lugano 2014 CT response (CR/PR/SD/PD, optional LYRIC IR) per follow-up,
// and Deauville 5PS, qPET and the Lugano metabolic response per timepoint. Plain logic: no
// imaging library. The rules, their sources and the choices recap makes are in docs/response.md.
#pragma once

#include <optional>
#include <vector>

#include "recap/response/case.h"
#include "recap/response/profile.h"
#include "recap/response/result.h"

namespace recap::response {

// Assesses every timepoint of a patient. Throws recap::Error(CaseFile, patient.source, reason)
// when the case is inconsistent (see validateCase). The result names the profile and version.
PatientResult assess(const PatientCase& patient, const CriteriaProfile& profile);

// Checks a case without assessing it; the same errors as assess.
void validateCase(const PatientCase& patient, const CriteriaProfile& profile);

// Building blocks of assess, exposed for tests and other readers.
struct DeauvilleScore {
  std::optional<int> score;  // empty when an input the rule needs is missing
  std::vector<Reason> reasons;
};
DeauvilleScore scoreDeauville(const PetReading& pet, const std::vector<NewLesion>& new_lesions,
                              const CriteriaProfile& profile);

struct QpetScore {
  std::optional<double> value;  // empty without SUVpeak or liver SUVmean
  std::optional<QpetCategory> category;
  std::vector<Reason> reasons;
};
QpetScore computeQpet(const PetReading& pet, const CriteriaProfile& profile);

}  // namespace recap::response
