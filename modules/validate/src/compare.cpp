#include "recap/validate/compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "recap/batch/csv.h"
#include "recap/core/text.h"
#include "recap/validate/masks.h"

using nlohmann::ordered_json;

namespace recap::validate {

namespace {

std::string key(const std::string& a, const std::string& b, const std::string& c = "") { return a + "\n" + b + "\n" + c; }

bool present(const std::string& status) { return status == "measured" || status == "too_small"; }

double r4(double v) { return std::round(v * 1e4) / 1e4; }

// The PPD a lesion adds to the SPD (Lugano): its PPD, 25 mm2 when too small, 0 when absent.
std::optional<double> spdShare(const LesionRecord& l) {
  if (l.status == "absent") return 0.0;
  if (l.status == "too_small") return 25.0;
  if (l.status == "measured" && l.ppd_mm2) return *l.ppd_mm2;
  return std::nullopt;
}

std::vector<double> collect(const std::vector<LesionPair>& pairs, std::optional<double> LesionPair::*member) {
  std::vector<double> out;
  for (const auto& p : pairs)
    if (p.*member) out.push_back(*(p.*member));
  return out;
}

}  // namespace

Validation compare(const RecordSet& reference, const RecordSet& results, size_t worst_count) {
  Validation v;
  std::map<std::string, const TimepointRecord*> recap_tp;
  for (const auto& t : results.timepoints) recap_tp[key(t.patient_id, t.timepoint)] = &t;
  std::map<std::string, const LesionRecord*> recap_lesion;
  for (const auto& l : results.lesions) recap_lesion[key(l.patient_id, l.timepoint, l.lesion_id)] = &l;
  std::set<std::string> ref_tp_keys, ref_lesion_keys;
  for (const auto& t : reference.timepoints) ref_tp_keys.insert(key(t.patient_id, t.timepoint));
  for (const auto& l : reference.lesions) ref_lesion_keys.insert(key(l.patient_id, l.timepoint, l.lesion_id));

  // Timepoints, in the reference's order.
  std::vector<std::pair<std::string, std::string>> response_pairs, deauville_pairs;
  for (const auto& t : reference.timepoints) {
    TimepointPair p;
    p.patient_id = t.patient_id;
    p.timepoint = t.timepoint;
    p.reference_response = t.ct_response;
    p.reference_deauville = t.deauville;
    const auto it = recap_tp.find(key(t.patient_id, t.timepoint));
    if (it != recap_tp.end()) {
      p.in_results = true;
      p.recap_response = it->second->ct_response;
      p.recap_deauville = it->second->deauville;
    } else {
      ++v.timepoints_not_in_results;
    }
    if (p.in_results) {
      if (p.reference_response && p.recap_response) response_pairs.push_back({*p.reference_response, *p.recap_response});
      else if (p.reference_response || p.recap_response) ++v.response_unpaired;
      if (p.reference_deauville && p.recap_deauville)
        deauville_pairs.push_back({std::to_string(*p.reference_deauville), std::to_string(*p.recap_deauville)});
      else if (p.reference_deauville || p.recap_deauville) ++v.deauville_unpaired;
    }
    v.timepoints.push_back(p);
  }
  for (const auto& t : results.timepoints)
    if (!ref_tp_keys.count(key(t.patient_id, t.timepoint))) ++v.timepoints_not_in_reference;

  // Lesions: the reference's, then recap's extra ones at referenced timepoints.
  for (const auto& l : reference.lesions) {
    LesionPair p;
    p.patient_id = l.patient_id;
    p.timepoint = l.timepoint;
    p.lesion_id = l.lesion_id;
    p.reference = l;
    const auto it = recap_lesion.find(key(l.patient_id, l.timepoint, l.lesion_id));
    if (it != recap_lesion.end()) p.recap = *it->second;
    if (!p.recap) p.detection = l.status == "absent" ? "absent" : "not_in_results";  // recap lists no row for what it never saw
    else if (l.status.empty()) p.detection = "unrated";
    else if (present(l.status) && present(p.recap->status)) p.detection = "found";
    else if (present(l.status)) p.detection = "missed";
    else if (present(p.recap->status)) p.detection = "extra";
    else p.detection = "absent";
    if (p.recap && l.status == "measured" && p.recap->status == "measured") {
      if (l.ldi_mm && p.recap->ldi_mm) p.ldi_error = *p.recap->ldi_mm - *l.ldi_mm;
      if (l.sdi_mm && p.recap->sdi_mm) p.sdi_error = *p.recap->sdi_mm - *l.sdi_mm;
      if (l.ppd_mm2 && p.recap->ppd_mm2) p.ppd_error = *p.recap->ppd_mm2 - *l.ppd_mm2;
    }
    if (p.detection == "found" && l.suv_max && p.recap->suv_max) p.suv_max_error = *p.recap->suv_max - *l.suv_max;
    v.lesions.push_back(p);
  }
  for (const auto& l : results.lesions)
    if (ref_tp_keys.count(key(l.patient_id, l.timepoint)) && !ref_lesion_keys.count(key(l.patient_id, l.timepoint, l.lesion_id))) {
      LesionPair p;
      p.patient_id = l.patient_id;
      p.timepoint = l.timepoint;
      p.lesion_id = l.lesion_id;
      p.recap = l;
      p.detection = "not_in_reference";
      v.lesions.push_back(p);
    }

  // SPD per timepoint over the reference's targets (not new), when each is rated and in the results.
  for (auto& t : v.timepoints) {
    if (!t.in_results) continue;
    double ref_spd = 0, recap_spd = 0;
    bool complete = false;
    for (const auto& p : v.lesions) {
      if (p.patient_id != t.patient_id || p.timepoint != t.timepoint || !p.reference || p.reference->is_new) continue;
      const auto a = spdShare(*p.reference);
      const auto b = p.recap ? spdShare(*p.recap) : p.detection == "absent" ? std::optional<double>(0.0) : std::nullopt;
      if (!a || !b) {
        complete = false;
        break;
      }
      ref_spd += *a;
      recap_spd += *b;
      complete = true;
    }
    if (complete) {
      t.reference_spd = ref_spd;
      t.recap_spd = recap_spd;
    }
  }

  // Masks, where the reference has them.
  for (const auto& ref : reference.masks) {
    MaskPair p;
    p.patient_id = ref.patient_id;
    p.timepoint = ref.timepoint;
    p.lesion_id = ref.lesion_id;
    for (const auto& m : results.masks) {
      const bool same = ref.study_uid.empty()
                            ? m.patient_id == ref.patient_id && m.timepoint == ref.timepoint && m.lesion_id == ref.lesion_id
                            : m.study_uid == ref.study_uid && m.lesion_id == ref.lesion_id;
      if (!same) continue;
      const MaskAgreement a = compareMasks(ref, m);
      p.patient_id = m.patient_id;
      p.timepoint = m.timepoint;
      p.in_results = true;
      p.dice = a.dice;
      p.hausdorff_mm = a.hausdorff_mm;
      break;
    }
    v.masks.push_back(p);
  }

  v.ldi = summarizeErrors(collect(v.lesions, &LesionPair::ldi_error));
  v.sdi = summarizeErrors(collect(v.lesions, &LesionPair::sdi_error));
  v.ppd = summarizeErrors(collect(v.lesions, &LesionPair::ppd_error));
  v.suv_max = summarizeErrors(collect(v.lesions, &LesionPair::suv_max_error));
  std::vector<double> spd_errors;
  for (const auto& t : v.timepoints)
    if (t.reference_spd && t.recap_spd) spd_errors.push_back(*t.recap_spd - *t.reference_spd);
  v.spd = summarizeErrors(spd_errors);
  v.ct_response = makeConfusion(response_pairs, {"CR", "PR", "SD", "PD"});
  v.deauville = makeConfusion(deauville_pairs, {"1", "2", "3", "4", "5"});

  // The worst cases: disagreements on the reading first, then on lesions' presence, then by error.
  for (const auto& t : v.timepoints) {
    if (!t.in_results) {
      v.worst.push_back({t.patient_id, t.timepoint, "", "not in recap's results", 3000});
      continue;
    }
    if (t.reference_response != t.recap_response && (t.reference_response || t.recap_response))
      v.worst.push_back({t.patient_id, t.timepoint, "",
                         "CT response: reference " + t.reference_response.value_or("none") + ", recap " +
                             t.recap_response.value_or("none"),
                         2000});
    if (t.reference_deauville != t.recap_deauville && (t.reference_deauville || t.recap_deauville)) {
      auto s = [](const std::optional<int>& d) { return d ? std::to_string(*d) : std::string("none"); };
      const double diff = t.reference_deauville && t.recap_deauville ? std::abs(*t.reference_deauville - *t.recap_deauville) : 5;
      v.worst.push_back({t.patient_id, t.timepoint, "",
                         "Deauville: reference " + s(t.reference_deauville) + ", recap " + s(t.recap_deauville), 1000 + diff});
    }
  }
  for (const auto& p : v.lesions) {
    if (p.detection == "missed" || p.detection == "extra" || p.detection == "not_in_results" || p.detection == "not_in_reference") {
      v.worst.push_back({p.patient_id, p.timepoint, p.lesion_id, "lesion " + p.detection, 500});
    } else if (p.ldi_error || p.sdi_error) {
      const double e = std::max(std::fabs(p.ldi_error.value_or(0)), std::fabs(p.sdi_error.value_or(0)));
      if (e <= 0) continue;
      v.worst.push_back({p.patient_id, p.timepoint, p.lesion_id,
                         "LDi " + fixed(p.recap->ldi_mm.value_or(0), 1) + " vs " + fixed(p.reference->ldi_mm.value_or(0), 1) +
                             " mm (" + (p.ldi_error.value_or(0) >= 0 ? "+" : "") + fixed(p.ldi_error.value_or(0), 1) +
                             "), SDi " + fixed(p.recap->sdi_mm.value_or(0), 1) + " vs " +
                             fixed(p.reference->sdi_mm.value_or(0), 1) + " mm (" + (p.sdi_error.value_or(0) >= 0 ? "+" : "") +
                             fixed(p.sdi_error.value_or(0), 1) + ")",
                         e});
    }
  }
  std::stable_sort(v.worst.begin(), v.worst.end(), [](const WorstCase& a, const WorstCase& b) { return a.score > b.score; });
  if (v.worst.size() > worst_count) v.worst.resize(worst_count);
  return v;
}

namespace {

ordered_json num(const std::optional<double>& v) { return v ? ordered_json(r4(*v)) : ordered_json(nullptr); }

ordered_json summaryJson(const std::optional<ErrorSummary>& s) {
  ordered_json j;
  j["n"] = s ? s->n : 0;
  j["mean_error"] = s ? ordered_json(r4(s->mean_error)) : ordered_json(nullptr);
  j["sd"] = s ? ordered_json(r4(s->sd)) : ordered_json(nullptr);
  j["median_abs_error"] = s ? ordered_json(r4(s->median_abs_error)) : ordered_json(nullptr);
  j["p95_abs_error"] = s ? ordered_json(r4(s->p95_abs_error)) : ordered_json(nullptr);
  j["max_abs_error"] = s ? ordered_json(r4(s->max_abs_error)) : ordered_json(nullptr);
  ordered_json ba;
  ba["bias"] = s ? ordered_json(r4(s->bland_altman.bias)) : ordered_json(nullptr);
  ba["loa_low"] = s ? ordered_json(r4(s->bland_altman.loa_low)) : ordered_json(nullptr);
  ba["loa_high"] = s ? ordered_json(r4(s->bland_altman.loa_high)) : ordered_json(nullptr);
  j["bland_altman"] = ba;
  return j;
}

ordered_json confusionJson(const Confusion& c) {
  ordered_json j = ordered_json::array();
  for (const auto& row : c.counts) j.push_back(row);
  return j;
}

}  // namespace

ordered_json toJson(const Validation& v) {
  ordered_json j;
  std::set<std::string> patients;
  for (const auto& t : v.timepoints) patients.insert(t.patient_id);
  j["patients"] = patients.size();
  j["timepoints"] = v.timepoints.size();
  j["timepoints_not_in_results"] = v.timepoints_not_in_results;
  j["timepoints_not_in_reference"] = v.timepoints_not_in_reference;
  ordered_json resp;
  resp["n"] = v.ct_response.total();
  resp["agreement"] = num(v.ct_response.agreement());
  resp["kappa"] = num(cohenKappa(v.ct_response));
  resp["unpaired"] = v.response_unpaired;
  resp["categories"] = v.ct_response.categories;
  resp["confusion"] = confusionJson(v.ct_response);
  j["ct_response"] = resp;
  ordered_json d;
  d["n"] = v.deauville.total();
  d["agreement"] = num(v.deauville.agreement());
  d["weighted_kappa"] = num(weightedKappa(v.deauville, KappaWeights::Linear));
  d["quadratic_weighted_kappa"] = num(weightedKappa(v.deauville, KappaWeights::Quadratic));
  d["kappa"] = num(cohenKappa(v.deauville));
  d["unpaired"] = v.deauville_unpaired;
  d["categories"] = v.deauville.categories;
  d["confusion"] = confusionJson(v.deauville);
  j["deauville"] = d;
  j["ldi_mm"] = summaryJson(v.ldi);
  j["sdi_mm"] = summaryJson(v.sdi);
  j["ppd_mm2"] = summaryJson(v.ppd);
  j["spd_mm2"] = summaryJson(v.spd);
  j["suv_max"] = summaryJson(v.suv_max);
  std::map<std::string, long> det;
  for (const char* k : {"found", "missed", "extra", "absent", "not_in_results", "not_in_reference", "unrated"}) det[k] = 0;
  long status_mismatch = 0;
  for (const auto& p : v.lesions) {
    ++det[p.detection];
    if (p.detection == "found" && p.reference->status != p.recap->status) ++status_mismatch;
  }
  ordered_json dj;
  for (const char* k : {"found", "missed", "extra", "absent", "not_in_results", "not_in_reference", "unrated"}) dj[k] = det[k];
  dj["status_mismatch"] = status_mismatch;  // found in both, but measured in one and too small in the other
  dj["mismatched"] = det["not_in_results"] + det["not_in_reference"] + status_mismatch;
  j["lesions"] = dj;
  // Masks, where the reference gives them (DICOM SEG) and recap's results hold them (--dicom-out).
  std::vector<double> dice, hausdorff;
  long masks_missing = 0;
  for (const auto& m : v.masks) {
    if (m.dice) dice.push_back(*m.dice);
    if (m.hausdorff_mm) hausdorff.push_back(*m.hausdorff_mm);
    masks_missing += !m.in_results;
  }
  ordered_json dj2;
  dj2["n"] = dice.size();
  dj2["mean"] = dice.empty() ? ordered_json(nullptr) : ordered_json(r4(std::accumulate(dice.begin(), dice.end(), 0.0) / dice.size()));
  dj2["median"] = dice.empty() ? ordered_json(nullptr) : ordered_json(r4(percentile(dice, 50)));
  dj2["min"] = dice.empty() ? ordered_json(nullptr) : ordered_json(r4(*std::min_element(dice.begin(), dice.end())));
  j["dice"] = dj2;
  ordered_json hj;
  hj["n"] = hausdorff.size();
  hj["mean"] = hausdorff.empty() ? ordered_json(nullptr) : ordered_json(r4(std::accumulate(hausdorff.begin(), hausdorff.end(), 0.0) / hausdorff.size()));
  hj["median"] = hausdorff.empty() ? ordered_json(nullptr) : ordered_json(r4(percentile(hausdorff, 50)));
  hj["p95"] = hausdorff.empty() ? ordered_json(nullptr) : ordered_json(r4(percentile(hausdorff, 95)));
  hj["max"] = hausdorff.empty() ? ordered_json(nullptr) : ordered_json(r4(*std::max_element(hausdorff.begin(), hausdorff.end())));
  j["hausdorff_mm"] = hj;
  ordered_json mj;
  mj["reference"] = v.masks.size();
  mj["not_in_results"] = masks_missing;
  j["masks"] = mj;
  ordered_json worst = ordered_json::array();
  for (const auto& w : v.worst) {
    ordered_json x;
    x["patient_id"] = w.patient_id;
    x["timepoint"] = w.timepoint;
    x["lesion_id"] = w.lesion_id.empty() ? ordered_json(nullptr) : ordered_json(w.lesion_id);
    x["what"] = w.what;
    worst.push_back(x);
  }
  j["worst"] = worst;
  return j;
}

std::string toCsv(const Validation& v) {
  auto n = [](const std::optional<double>& x) { return x ? fixed(r4(*x), 4) : std::string(); };
  auto s = [](const std::optional<std::string>& x) { return x.value_or(""); };
  auto d = [](const std::optional<int>& x) { return x ? std::to_string(*x) : std::string(); };
  std::string out = batch::csvLine({"patient_id", "timepoint", "lesion_id", "detection", "reference_status", "recap_status",
                                    "reference_ldi_mm", "recap_ldi_mm", "ldi_error_mm", "reference_sdi_mm", "recap_sdi_mm",
                                    "sdi_error_mm", "reference_ppd_mm2", "recap_ppd_mm2", "ppd_error_mm2",
                                    "reference_suv_max", "recap_suv_max", "suv_max_error", "reference_ct_response",
                                    "recap_ct_response", "reference_deauville", "recap_deauville", "reference_spd_mm2",
                                    "recap_spd_mm2", "dice", "hausdorff_mm"});
  for (const auto& t : v.timepoints)
    out += batch::csvLine({t.patient_id, t.timepoint, "", t.in_results ? "" : "not_in_results", "", "", "", "", "", "", "", "",
                           "", "", "", "", "", "", s(t.reference_response), s(t.recap_response), d(t.reference_deauville),
                           d(t.recap_deauville), n(t.reference_spd), n(t.recap_spd), "", ""});
  for (const auto& p : v.lesions) {
    const LesionRecord none;
    const LesionRecord& a = p.reference ? *p.reference : none;
    const LesionRecord& b = p.recap ? *p.recap : none;
    const MaskPair* m = nullptr;
    for (const auto& x : v.masks)
      if (x.in_results && x.patient_id == p.patient_id && x.timepoint == p.timepoint && x.lesion_id == p.lesion_id) m = &x;
    out += batch::csvLine({p.patient_id, p.timepoint, p.lesion_id, p.detection, a.status, b.status, n(a.ldi_mm), n(b.ldi_mm),
                           n(p.ldi_error), n(a.sdi_mm), n(b.sdi_mm), n(p.sdi_error), n(a.ppd_mm2), n(b.ppd_mm2),
                           n(p.ppd_error), n(a.suv_max), n(b.suv_max), n(p.suv_max_error), "", "", "", "", "", "",
                           m ? n(m->dice) : "", m ? n(m->hausdorff_mm) : ""});
  }
  // Masks of lesions the reference gives only as a SEG (no measurement record).
  for (const auto& x : v.masks) {
    bool listed = false;
    for (const auto& p : v.lesions) listed = listed || (x.patient_id == p.patient_id && x.timepoint == p.timepoint && x.lesion_id == p.lesion_id);
    if (!listed)
      out += batch::csvLine({x.patient_id, x.timepoint, x.lesion_id, x.in_results ? "mask" : "mask_not_in_results", "", "", "", "",
                             "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", n(x.dice), n(x.hausdorff_mm)});
  }
  return out;
}

}  // namespace recap::validate
