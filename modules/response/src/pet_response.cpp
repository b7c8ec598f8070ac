// The PET reading of one timepoint: Deauville five-point score from the hottest lesion's SUVmax
// against the blood pool and the liver, qPET (SUVpeak / liver SUVmean), and the Lugano metabolic
// response (CMR, PMR, NMR, PMD) against the baseline. docs/response.md gives the rules and sources.
#include "internal.h"
#include "recap/response/response.h"

namespace recap::response {
namespace {

using detail::above;
using detail::atLeast;
using detail::atMost;
using detail::below;
using detail::equal;
using detail::suv;

std::string avidNewLesions(const std::vector<NewLesion>& new_lesions) {
  std::string ids;
  for (const auto& nl : new_lesions)
    if (nl.fdg_avid) ids += (ids.empty() ? "" : ", ") + nl.id;
  return ids;
}

std::string liverName(LiverStatistic s) { return s == LiverStatistic::Mean ? "liver SUVmean" : "liver SUVmax"; }

std::optional<double> liverValue(const PetReading& pet, LiverStatistic s) {
  return s == LiverStatistic::Mean ? pet.liver_suv_mean : pet.liver_suv_max;
}

}  // namespace

DeauvilleScore scoreDeauville(const PetReading& pet, const std::vector<NewLesion>& new_lesions,
                              const CriteriaProfile& profile) {
  const DeauvilleCriteria& c = profile.deauville;
  DeauvilleScore d;
  auto give = [&](int score, const std::string& rule, const std::string& text) {
    d.score = score;
    d.reasons.push_back({rule, "PET", text + " → " + std::to_string(score)});
  };

  const std::string new_ids = avidNewLesions(new_lesions);
  if (c.new_lesion_scores_5 && !new_ids.empty()) {
    give(5, "deauville.5.new_lesion", "new FDG-avid lesion " + new_ids);
    return d;
  }
  if (!pet.hottest_suv_max) {
    give(1, "deauville.1", "no FDG-avid lesion recorded (no uptake above background)");
    return d;
  }
  const double x = *pet.hottest_suv_max;
  const std::string lesion = "lesion SUVmax " + suv(x);

  const std::optional<double> liver5 = liverValue(pet, c.score5_liver);
  const std::string liver5_text = detail::num(c.score5_factor, 3) + " × " + liverName(c.score5_liver);
  if (liver5 && above(x, c.score5_factor * *liver5)) {
    give(5, "deauville.5", lesion + " > " + liver5_text + " " + suv(*liver5) + " = " + suv(c.score5_factor * *liver5));
    return d;
  }

  const std::optional<double> liver4 = liverValue(pet, c.score4_liver);
  const std::optional<double>& bp = pet.blood_pool_suv_mean;
  std::string missing;
  if (!liver5) missing += liverName(c.score5_liver);
  if (!liver4 && c.score4_liver != c.score5_liver) missing += (missing.empty() ? "" : ", ") + liverName(c.score4_liver);
  if (!bp) missing += std::string(missing.empty() ? "" : ", ") + "blood-pool SUVmean";
  if (!missing.empty()) {
    d.reasons.push_back({"deauville.not_scored", "PET", lesion + ": " + missing + " missing → not scored"});
    return d;
  }

  const std::string liver4_text = liverName(c.score4_liver) + " " + suv(*liver4);
  const std::string not5 = ", not > " + liver5_text + " " + suv(*liver5) + " = " + suv(c.score5_factor * *liver5);
  if (atLeast(*bp, *liver4)) {
    // BAR10: when the blood pool is at least as intense as the liver, compare with the liver only.
    const std::string head = "blood-pool SUVmean " + suv(*bp) + " ≥ " + liver4_text + ", so the liver is the reference: ";
    if (below(x, *liver4)) give(2, "deauville.2", head + lesion + " < liver");
    else if (equal(x, *liver4)) give(3, "deauville.3", head + lesion + " = liver");
    else give(4, "deauville.4", head + lesion + " > liver" + not5);
    return d;
  }
  if (atMost(x, *bp)) give(2, "deauville.2", lesion + " ≤ blood-pool SUVmean " + suv(*bp));
  else if (atMost(x, *liver4))
    give(3, "deauville.3", lesion + " > blood-pool SUVmean " + suv(*bp) + " and ≤ " + liver4_text);
  else give(4, "deauville.4", lesion + " > " + liver4_text + not5);
  return d;
}

QpetScore computeQpet(const PetReading& pet, const CriteriaProfile& profile) {
  const QpetCriteria& c = profile.qpet;
  QpetScore q;
  if (!pet.hottest_suv_peak || !pet.liver_suv_mean) {
    std::string missing = !pet.hottest_suv_peak ? "lesion SUVpeak" : "";
    if (!pet.liver_suv_mean) missing += std::string(missing.empty() ? "" : ", ") + "liver SUVmean";
    q.reasons.push_back({"qpet.not_computed", "PET", missing + " missing → qPET not computed"});
    return q;
  }
  const double v = *pet.hottest_suv_peak / *pet.liver_suv_mean;
  q.value = v;
  const std::string head = "qPET = SUVpeak " + suv(*pet.hottest_suv_peak) + " / liver SUVmean " +
                           suv(*pet.liver_suv_mean) + " = " + detail::num(v, 3);
  const std::string c3 = detail::num(c.cutoff_3, 3), c4 = detail::num(c.cutoff_4, 3), c5 = detail::num(c.cutoff_5, 3);
  if (atLeast(v, c.cutoff_5)) {
    q.category = QpetCategory::Ds5;
    q.reasons.push_back({"qpet.5", "PET", head + " (≥ " + c5 + ") → DS 5"});
  } else if (atLeast(v, c.cutoff_4)) {
    q.category = QpetCategory::Ds4;
    q.reasons.push_back({"qpet.4", "PET", head + " (≥ " + c4 + ", < " + c5 + ") → DS 4"});
  } else if (atLeast(v, c.cutoff_3)) {
    q.category = QpetCategory::Ds3;
    q.reasons.push_back({"qpet.3", "PET", head + " (≥ " + c3 + ", < " + c4 + ") → DS 3"});
  } else {
    q.category = QpetCategory::Ds1to2;
    q.reasons.push_back({"qpet.1-2", "PET", head + " (< " + c3 + ") → DS 1-2"});
  }
  return q;
}

namespace detail {

PetResult assessPet(const PatientCase& patient, std::size_t t, const CriteriaProfile& profile) {
  const Timepoint& tp = patient.timepoints[t];
  const PetReading& pet = *tp.pet;
  PetResult out;
  const DeauvilleScore d = scoreDeauville(pet, tp.new_lesions, profile);
  out.deauville = d.score;
  out.reasons = d.reasons;
  const QpetScore q = computeQpet(pet, profile);
  out.qpet = q.value;
  out.qpet_category = q.category;
  out.reasons.insert(out.reasons.end(), q.reasons.begin(), q.reasons.end());

  const std::optional<PetReading>& base = patient.timepoints[0].pet;
  if (t > 0 && base && base->hottest_suv_max && pet.hottest_suv_max)
    out.uptake_change_pct = pctChange(*pet.hottest_suv_max, *base->hottest_suv_max);
  if (t == 0) return out;

  // Lugano metabolic response.
  auto give = [&](MetabolicCategory m, const std::string& rule, const std::string& text) {
    out.metabolic = m;
    out.reasons.push_back({rule, "PET", text + " → " + toString(m)});
  };
  const std::string new_ids = avidNewLesions(tp.new_lesions);
  if (!new_ids.empty()) {
    give(MetabolicCategory::PMD, "metabolic.pmd.new_lesion", "new FDG-avid lesion " + new_ids);
    return out;
  }
  if (!out.deauville) {
    out.reasons.push_back({"metabolic.not_assessed", "PET", "no Deauville score → metabolic response not assessed"});
    return out;
  }
  const int score = *out.deauville;
  const std::string ds = "5PS " + std::to_string(score);
  if (score <= 3) {
    give(MetabolicCategory::CMR, "metabolic.cmr", ds + " (1-3)");
    return out;
  }
  if (!base) {
    out.reasons.push_back({"metabolic.not_assessed", "PET", ds + ", no baseline PET: change in uptake unknown → not assessed"});
    return out;
  }
  const double now = *pet.hottest_suv_max;  // a 4 or 5 without new lesions has a lesion SUVmax
  if (!base->hottest_suv_max) {
    give(MetabolicCategory::PMD, "metabolic.pmd.increase",
         ds + ", hottest SUVmax " + suv(now) + " where the baseline had no FDG-avid lesion");
    return out;
  }
  const double ref = *base->hottest_suv_max;
  const double thr = profile.metabolic.significant_change_pct;
  const std::string head = ds + ", hottest SUVmax " + suv(now) + " is " + pct(*out.uptake_change_pct) +
                           " from baseline " + suv(ref);
  if (below(now, ref * (1 - thr / 100)))
    give(MetabolicCategory::PMR, "metabolic.pmr", head + " (a decrease > " + num(thr) + " %)");
  else if (above(now, ref * (1 + thr / 100)))
    give(MetabolicCategory::PMD, "metabolic.pmd.increase", head + " (an increase > " + num(thr) + " %)");
  else
    give(MetabolicCategory::NMR, "metabolic.nmr", head + " (no change > " + num(thr) + " %)");
  return out;
}

}  // namespace detail
}  // namespace recap::response
