// assess(): validates the case, resolves every lesion's values once, then assesses each timepoint
// in order (CT response needs the earlier results for LYRIC confirmation).
#include "internal.h"
#include "recap/response/response.h"

namespace recap::response {

PatientResult assess(const PatientCase& patient, const CriteriaProfile& profile) {
  validateCase(patient, profile);
  const detail::ResolvedTable resolved = detail::resolveAll(patient, profile);
  PatientResult result;
  result.patient_id = patient.patient_id;
  result.profile_name = profile.name;
  result.profile_version = profile.version;
  for (std::size_t t = 0; t < patient.timepoints.size(); ++t) {
    TimepointResult tr;
    tr.index = t;
    tr.label = detail::timepointLabel(patient, t);
    tr.days_from_baseline = patient.timepoints[t].days_from_baseline;
    tr.ct = detail::assessCt(patient, resolved, t, result.timepoints, profile);
    if (patient.timepoints[t].pet) tr.pet = detail::assessPet(patient, t, profile);
    result.timepoints.push_back(std::move(tr));
  }
  result.notes.push_back({"note.scope", "patient",
                          "not inputs, so not assessed: bone marrow, and non-measured lesions other than the "
                          "extranodal-disease flag; CR and PR assume them normal or absent"});
  if (profile.lyric.enabled)
    result.notes.push_back({"note.lyric.enabled", "patient",
                            "LYRIC indeterminate response (IR) enabled by profile " + profile.name + " " +
                                profile.version + " (a simplification of LYRIC: see docs/response.md)"});
  return result;
}

}  // namespace recap::response
