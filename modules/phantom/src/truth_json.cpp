#include "truth_json.h"

#include <cmath>

namespace recap::phantom {

using nlohmann::json;

namespace {

// A value that could not be computed (NaN) is null, never a number that looks measured.
json orNull(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

const char* vendorName(PetVendor v) {
  switch (v) {
    case PetVendor::Siemens: return "siemens";
    case PetVendor::Ge: return "ge";
    case PetVendor::Philips: return "philips";
    case PetVendor::PhilipsActivity: return "philips-activity";
  }
  return "";
}

json volumeJson(const Volume& v) {
  return {{"size", {v.cols, v.rows, v.slices}},
          {"pixel_mm", v.pixel_mm},
          {"slice_mm", v.slice_mm},
          {"origin_mm", v.origin_mm},
          {"orientation", v.orientation}};
}

json lesionJson(const Lesion& l, const LesionTruth& t, size_t tp_index) {
  const std::string status = lesionStatus(t);
  const double ppd_for_spd = status == "measured" ? t.ppd_mm2 : status == "too_small" ? 25.0 : 0.0;
  const bool is_new = tp_index > 0 && !l.states.front().present && l.states[tp_index].present;
  return {{"id", t.id},
          {"kind", l.kind == LesionKind::Nodal ? "nodal" : "extranodal"},
          {"shape", l.shape == LesionShape::Ellipsoid ? "ellipsoid" : "lobulated"},
          {"site", l.site},
          {"new", is_new},
          {"present", t.present},
          {"status", status},
          {"ldi_mm", t.ldi_mm},
          {"sdi_mm", t.sdi_mm},
          {"ppd_mm2", t.ppd_mm2},
          {"ppd_for_spd_mm2", ppd_for_spd},
          {"slice_index", t.slice_index},
          {"slice_z_mm", t.slice_z_mm},
          {"ldi_ends_mm", {t.ldi_end_a, t.ldi_end_b}},
          {"sdi_ends_mm", {t.sdi_end_a, t.sdi_end_b}},
          {"centre_mm", t.centre_mm},
          {"volume_ml", t.volume_ml},
          {"suv_max", t.suv_max},
          {"suv_set", t.suv_set}};
}

}  // namespace

std::string lesionStatus(const LesionTruth& t) {
  if (!t.present || t.ldi_mm <= 0) return "absent";
  return t.ldi_mm < 5.0 ? "too_small" : "measured";
}

json timepointTruthJson(const PhantomSpec& spec, size_t t, const TimepointSpec& tp, const TimepointTruth& truth) {
  json lesions = json::array();
  for (size_t i = 0; i < spec.lesions.size() && i < truth.lesions.size(); ++i)
    lesions.push_back(lesionJson(spec.lesions[i], truth.lesions[i], t));
  json expected = {{"ct_response", tp.expected.ct_response.empty() ? json(nullptr) : json(tp.expected.ct_response)},
                   {"deauville", tp.expected.deauville ? json(tp.expected.deauville) : json(nullptr)},
                   {"reason", tp.expected.reason}};
  return {{"phantom", spec.name},
          {"patient_id", spec.patient.id},
          {"label", tp.label},
          {"timepoint_index", t},
          {"date", tp.date},
          {"pose", {{"shift_mm", tp.pose.shift_mm}, {"rotation_deg", tp.pose.rotation_deg}}},
          {"physiology",
           {{"liver_suv", tp.physiology.liver_suv},
            {"blood_pool_suv", tp.physiology.blood_pool_suv},
            {"spleen_suv", tp.physiology.spleen_suv},
            {"spleen_length_mm", tp.physiology.spleen_length_mm}}},
          {"encoding",
           {{"vendor", vendorName(tp.encoding.vendor)},
            {"transfer_syntax", syntaxName(tp.encoding.syntax)},
            {"ct_signed", tp.encoding.ct_signed},
            {"ct_feet_first", tp.ct.feet_first},
            {"pet_feet_first", tp.pet.feet_first}}},
          {"expected", expected},
          {"lesions", lesions},
          {"liver_suv_mean", orNull(truth.liver_suv_mean)},
          {"liver_sphere_centre_mm", truth.liver_sphere_centre_mm},
          {"blood_pool_suv_mean", orNull(truth.blood_pool_suv_mean)},
          {"blood_pool_centre_mm", truth.blood_pool_centre_mm},
          {"spleen_length_mm", truth.spleen_length_mm}};
}

json gridsJson(const Rendered& r) { return {{"ct", volumeJson(r.ct)}, {"pet", volumeJson(r.pet)}}; }

json specJson(const PhantomSpec& spec) {
  json tps = json::array();
  for (const auto& tp : spec.timepoints) tps.push_back({{"label", tp.label}, {"date", tp.date}});
  return {{"name", spec.name},
          {"description", spec.description},
          {"seed", spec.seed},
          {"patient", {{"id", spec.patient.id}, {"name", spec.patient.name}, {"sex", spec.patient.sex}}},
          {"timepoints", tps},
          {"generator", "recap phantom"}};
}

}  // namespace recap::phantom
