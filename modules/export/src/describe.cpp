#include "recap/export/describe.h"

#include <algorithm>

#include "recap/core/error.h"
#include "recap/dicom/geometry.h"

namespace recap::exporter {

using nlohmann::json;

json describeGeometry(const dicom::Geometry& g) {
  json out;
  out["size"] = g.size;
  out["spacing_mm"] = g.spacing;
  out["origin_mm"] = g.origin;
  out["direction"] = g.direction;
  out["slice_step_min_mm"] = g.min_step_mm;
  out["slice_step_max_mm"] = g.max_step_mm;
  json gaps = json::array();
  for (const auto& gap : g.gaps) gaps.push_back({{"from_mm", gap.from_mm}, {"to_mm", gap.to_mm}, {"missing", gap.missing}});
  out["slice_gaps"] = gaps;
  out["regular"] = g.regular();
  if (!g.regular()) {
    out["problem"] = g.problem;
    out["problem_code"] = errorCodeName(*g.problem_code);
  }
  out["warnings"] = g.warnings;
  return out;
}

json describeSuv(const suv::SuvResult& s) {
  json out{{"bw_factor", s.bw_factor},
           {"method", s.method},
           {"decay_s", s.decay_s},
           {"decay_applied", s.decay_applied},
           {"scan_time", s.scan_time},
           {"scan_time_source", s.scan_time_source},
           {"injection_time", s.injection_time},
           {"injection_time_source", s.injection_time_source},
           {"notes", s.notes}};
  out["decayed_dose_bq"] = s.decayed_dose_bq ? json(*s.decayed_dose_bq) : json(nullptr);
  out["weight_kg"] = s.weight_kg ? json(*s.weight_kg) : json(nullptr);
  out["sul_ratio"] = s.sul_ratio ? json(*s.sul_ratio) : json(nullptr);
  out["lbm_kg"] = s.lbm_kg ? json(*s.lbm_kg) : json(nullptr);
  return out;
}

json describeSeries(const dicom::Series& s) {
  const dicom::InstanceHeader& h = s.first();
  json out{{"series_uid", s.uid},
           {"series_number", h.series_number ? json(*h.series_number) : json(nullptr)},
           {"description", h.series_description},
           {"modality", s.modality},
           {"role", dicom::roleName(s.role)},
           {"role_reason", s.role_reason},
           {"instances", s.instances.size()},
           {"frame_of_reference_uid", h.frame_of_reference_uid},
           {"manufacturer", h.manufacturer},
           {"image_type", h.image_type},
           {"convolution_kernel", h.convolution_kernel},
           {"patient_position", h.patient_position}};
  json syntaxes = json::array();
  for (const auto& i : s.instances) {
    const std::string name = dicom::transferSyntaxName(i.transfer_syntax_uid);
    if (std::find(syntaxes.begin(), syntaxes.end(), name) == syntaxes.end()) syntaxes.push_back(name);
  }
  out["transfer_syntaxes"] = syntaxes;
  if (s.modality == "CT" || s.modality == "PT") out["geometry"] = describeGeometry(dicom::analyzeGeometry(s));
  if (s.modality == "PT") {
    out["units"] = h.pet.units;
    std::vector<suv::PetHeader> headers;
    for (const auto& i : s.instances) headers.push_back(i.pet);
    try {
      out["suv"] = describeSuv(suv::computeSuv(headers, s.label()));
    } catch (const Error& e) {
      out["suv"] = nullptr;
      out["suv_error"] = e.reason();
    }
  }
  return out;
}

json describeIndex(const dicom::Index& index) {
  json studies = json::array();
  for (const auto& st : index.studies) {
    json series = json::array();
    for (const auto& s : st.series) series.push_back(describeSeries(s));
    json study{{"study_uid", st.uid},         {"patient_id", st.patient_id}, {"patient_name", st.patient_name},
               {"date", st.date},             {"time", st.time},             {"description", st.description},
               {"series", series}};
    study["selected_ct"] = st.selected_ct ? json(st.series[*st.selected_ct].uid) : json(nullptr);
    study["selected_pet"] = st.selected_pet ? json(st.series[*st.selected_pet].uid) : json(nullptr);
    study["ct_selection_reason"] = st.ct_selection_reason;
    study["pet_selection_reason"] = st.pet_selection_reason;
    studies.push_back(study);
  }
  json unreadable = json::array();
  for (const auto& u : index.unreadable) unreadable.push_back({{"path", u.path.string()}, {"problem", u.problem}});
  return {{"root", index.root.string()},
          {"files_seen", index.files_seen},
          {"dicom_instances", index.dicom_instances},
          {"skipped_non_dicom", index.skipped_non_dicom},
          {"duplicate_instances", index.duplicate_instances},
          {"unreadable", unreadable},
          {"patients", index.patientIds()},
          {"studies", studies}};
}

}  // namespace recap::exporter
