// Lugano 2014 CT-based response of one timepoint: target PPDs and SPD, nadirs, the PD rules
// (individual lesion, regrowth, new lesions, spleen), CR, PR, SD, and the optional LYRIC IR.
// docs/response.md states every rule with its source; the rule ids below are listed there.
#include <algorithm>

#include "internal.h"

namespace recap::response::detail {
namespace {

const char* kindWord(LesionKind k) { return k == LesionKind::Nodal ? "node" : "extranodal lesion"; }
const char* aKindWord(LesionKind k) { return k == LesionKind::Nodal ? "a node" : "an extranodal lesion"; }

// "fu1", "fu1, too-small default 5 × 5 mm", "fu1, absent"
std::string nadirWhere(const LesionNadir& n, const Resolved& r) {
  if (!r.is_default) return n.label;
  if (!r.present) return n.label + ", absent";
  return n.label + ", too-small default " + dims(n.ldi_mm, n.sdi_mm);
}

std::string describe(const Resolved& r) {
  if (!r.present) return "absent";
  if (r.is_default) return "too small to measure";
  return dims(r.ldi, r.sdi);
}

// The smallest PPD at any earlier timepoint, baseline included. On a tie a real measurement wins
// over a default, then the earlier timepoint.
std::size_t nadirIndex(const ResolvedTable& res, std::size_t k, std::size_t t) {
  std::size_t best = 0;
  for (std::size_t s = 1; s < t; ++s) {
    const Resolved& a = res[s][k];
    const Resolved& b = res[best][k];
    if (a.ppd < b.ppd || (a.ppd == b.ppd && b.is_default && !a.is_default)) best = s;
  }
  return best;
}

double spdAt(const ResolvedTable& res, std::size_t t) {
  double spd = 0;
  for (const auto& r : res[t]) spd += r.ppd;
  return spd;
}

struct SpleenCheck {
  bool pd = false;
  std::string rule;
  std::string text;
};

// Spleen progression against a reference length `ref` (described as `ref_desc`, e.g. "baseline").
SpleenCheck spleenAgainst(double length, double ref, const std::string& ref_desc, const SpleenCriteria& s) {
  SpleenCheck c;
  if (above(ref, s.normal_max_mm)) {
    const double limit = ref + s.splenomegaly_increase_fraction * (ref - s.normal_max_mm);
    c.pd = above(length, limit);
    c.rule = "pd.spleen.enlarged";
    c.text = "spleen " + mm(length) + (c.pd ? " > " : " is not > ") + mm(limit) + " = " + ref_desc + " " +
             mm(ref) + " + " + num(s.splenomegaly_increase_fraction, 3) + " × (" + num(ref) + " - " +
             num(s.normal_max_mm) + ") mm" +
             (c.pd ? " → PD (progression of splenomegaly)" : ": no progression of splenomegaly");
  } else {
    const double limit = ref + s.increase_mm;
    c.pd = atLeast(length, limit);
    c.rule = "pd.spleen.increase";
    c.text = "spleen " + mm(length) + (c.pd ? " ≥ " : " < ") + mm(limit) + " = " + ref_desc + " " + mm(ref) +
             " + " + mm(s.increase_mm) +
             (c.pd ? " → PD (increase without prior splenomegaly)" : ": no progression by increase");
  }
  return c;
}

class CtAssessor {
 public:
  CtAssessor(const PatientCase& patient, const ResolvedTable& res, std::size_t t,
             const std::vector<TimepointResult>& earlier, const CriteriaProfile& profile)
      : patient_(patient), res_(res), t_(t), earlier_(earlier), p_(profile), tp_(patient.timepoints[t]) {}

  CtResult run() {
    lesions();
    out_.spleen_length_mm = tp_.spleen_length_mm;
    if (t_ == 0) {
      baselineNotes();
      return out_;
    }
    spd();
    lesionProgression();
    newLesions();
    spleen();
    classify();
    return out_;
  }

 private:
  void note(const std::string& rule, const std::string& subject, const std::string& text) {
    out_.notes.push_back({rule, subject, text});
  }

  void lesions() {
    for (std::size_t k = 0; k < patient_.targets.size(); ++k) {
      const TargetLesion& target = patient_.targets[k];
      const Resolved& r = res_[t_][k];
      LesionResult lr;
      lr.id = target.id;
      lr.kind = target.kind;
      lr.state = r.state;
      lr.overridden = r.overridden;
      lr.ldi_mm = r.ldi;
      lr.sdi_mm = r.sdi;
      lr.ppd_mm2 = r.ppd;
      lr.is_default = r.is_default;
      lr.suv_max = r.suv_max;
      if (t_ > 0 && r.suv_max && res_[0][k].suv_max)
        lr.suv_max_change_from_baseline_pct = pctChange(*r.suv_max, *res_[0][k].suv_max);
      out_.spd_mm2 += r.ppd;
      out_.lesions.push_back(lr);

      const LesionMeasurement* m = nullptr;
      for (const auto& x : tp_.targets)
        if (x.lesion_id == target.id) m = &x;
      if (r.overridden) {
        std::string recorded = std::string(toString(r.state));
        if (m && m->measured) recorded = dims(m->measured->ldi_mm, m->measured->sdi_mm);
        note("note.override", target.id,
             target.id + ": reviewer values " + dims(r.ldi, r.sdi) + " used (recorded: " + recorded + ")");
      } else if (r.is_default && r.present) {
        note("note.default.too_small", target.id,
             target.id + ": too small to measure → default " + dims(r.ldi, r.sdi) + " (PPD " + mm2(r.ppd) + ")");
      } else if (r.is_default) {
        note("note.default.absent", target.id, target.id + ": absent → 0 × 0 mm (PPD 0 mm²)");
      }
    }
  }

  void baselineNotes() {
    for (std::size_t k = 0; k < patient_.targets.size(); ++k) {
      const TargetLesion& target = patient_.targets[k];
      const Resolved& r = res_[0][k];
      const bool node = target.kind == LesionKind::Nodal;
      const double limit = node ? p_.ct.measurable_node_ldi_mm : p_.ct.measurable_extranodal_ldi_mm;
      if (!above(r.ldi, limit))
        note("note.baseline.not_measurable", target.id,
             target.id + ": baseline LDi " + mm(r.ldi) + " is not > " + mm(limit) + ": not measurable as a target " +
                 kindWord(target.kind) + " (kept as given)");
    }
    if (tp_.spleen_length_mm && above(*tp_.spleen_length_mm, p_.spleen.normal_max_mm))
      note("note.baseline.splenomegaly", "spleen",
           "baseline splenomegaly: spleen " + mm(*tp_.spleen_length_mm) + " > " + mm(p_.spleen.normal_max_mm));
  }

  void spd() {
    const double base = spdAt(res_, 0);
    if (base > 0) out_.spd_change_from_baseline_pct = pctChange(out_.spd_mm2, base);
    std::size_t nadir = 0;
    for (std::size_t s = 1; s < t_; ++s)
      if (spdAt(res_, s) < spdAt(res_, nadir)) nadir = s;
    out_.spd_nadir_mm2 = spdAt(res_, nadir);
    out_.spd_nadir_label = timepointLabel(patient_, nadir);
    if (*out_.spd_nadir_mm2 > 0) out_.spd_change_from_nadir_pct = pctChange(out_.spd_mm2, *out_.spd_nadir_mm2);
  }

  // PD rule 1 (one lesion's PPD) and regrowth of a resolved lesion.
  void lesionProgression() {
    const CtCriteria& c = p_.ct;
    for (std::size_t k = 0; k < patient_.targets.size(); ++k) {
      const TargetLesion& target = patient_.targets[k];
      const std::string& id = target.id;
      const Resolved& cur = res_[t_][k];
      LesionResult& lr = out_.lesions[k];
      const std::size_t ni = nadirIndex(res_, k, t_);
      const Resolved& nr = res_[ni][k];
      LesionNadir n;
      n.timepoint = ni;
      n.label = timepointLabel(patient_, ni);
      n.ppd_mm2 = nr.ppd;
      n.ldi_mm = nr.ldi;
      n.sdi_mm = nr.sdi;
      n.is_default = nr.is_default;
      lr.nadir = n;
      if (n.ppd_mm2 > 0) lr.ppd_change_from_nadir_pct = pctChange(cur.ppd, n.ppd_mm2);

      // Rule 1: LDi > 15 mm, PPD >= +50 % from nadir, LDi or SDi up by >= 5 / 10 mm.
      if (cur.present) {
        const bool ldi_ok = above(cur.ldi, c.pd_lesion_min_ldi_mm);
        const bool ppd_ok = n.ppd_mm2 > 0 ? atLeast(cur.ppd, n.ppd_mm2 * (1 + c.pd_ppd_increase_pct / 100))
                                          : cur.ppd > 0;
        const bool small_band = atMost(n.ldi_mm, c.pd_increment_band_ldi_mm);
        const double need = small_band ? c.pd_increment_small_mm : c.pd_increment_large_mm;
        const double d_ldi = cur.ldi - n.ldi_mm, d_sdi = cur.sdi - n.sdi_mm;
        const bool inc_ldi = atLeast(d_ldi, need), inc_sdi = atLeast(d_sdi, need);
        const std::string ppd_text =
            "PPD " + mm2(cur.ppd) +
            (n.ppd_mm2 > 0 ? " is " + pct(*lr.ppd_change_from_nadir_pct) + " from nadir " : " from nadir ") +
            mm2(n.ppd_mm2) + " (" + nadirWhere(n, nr) + ")";
        const std::string band_text = "nadir LDi " + mm(n.ldi_mm) + (small_band ? " ≤ " : " > ") +
                                      mm(c.pd_increment_band_ldi_mm);
        if (ldi_ok && ppd_ok && (inc_ldi || inc_sdi)) {
          const std::string inc_text = inc_ldi ? "LDi " + signedMm(d_ldi) + " ≥ " + mm(need)
                                               : "SDi " + signedMm(d_sdi) + " ≥ " + mm(need);
          pd_.push_back({"pd.lesion", id,
                         id + ": LDi " + mm(cur.ldi) + " > " + mm(c.pd_lesion_min_ldi_mm) + ", " + ppd_text + " (≥ " +
                             pct(c.pd_ppd_increase_pct) + "), " + inc_text + " (" + band_text + ") → PD"});
          lr.progressed = true;
        } else if (ppd_ok && n.ppd_mm2 > 0) {
          // A near miss: the PPD rose enough but another condition is not met.
          std::string why;
          if (!ldi_ok) why = "LDi " + mm(cur.ldi) + " is not > " + mm(c.pd_lesion_min_ldi_mm);
          else
            why = "LDi " + signedMm(d_ldi) + " and SDi " + signedMm(d_sdi) + " are < " + mm(need) + " (" +
                  band_text + ")";
          note("note.pd.lesion_not_met", id, id + ": " + ppd_text + ", but " + why + " → not PD");
        }
      }

      // Regrowth of a resolved (absent) lesion, sized like a new lesion of its kind.
      if (cur.present) {
        std::size_t resolved_at = 0;
        for (std::size_t s = 1; s < t_; ++s)
          if (!res_[s][k].present) resolved_at = s;
        if (resolved_at > 0) {
          const bool node = target.kind == LesionKind::Nodal;
          const double limit = node ? c.new_node_axis_mm : c.new_extranodal_axis_mm;
          const double axis = std::max(cur.ldi, cur.sdi);
          const std::string head = id + ": absent at " + timepointLabel(patient_, resolved_at) + ", visible again (" +
                                   describe(cur) + ")";
          if (above(axis, limit)) {
            pd_.push_back({"pd.regrowth", id,
                           head + ", " + aKindWord(target.kind) + " > " + mm(limit) +
                               " in an axis → PD (regrowth of a resolved lesion)"});
            lr.progressed = true;
          } else {
            note("note.regrowth.small", id,
                 head + ", not > " + mm(limit) + " in any axis → recorded, not PD (PD if unequivocally lymphoma: reviewer)");
          }
        }
      }
    }
  }

  static std::string signedMm(double v) {
    const std::string s = num(v);
    return (v > 0 && s != "0" ? "+" : "") + s + " mm";
  }

  void newLesions() {
    for (const NewLesion& nl : tp_.new_lesions) {
      const bool node = nl.kind == LesionKind::Nodal;
      const double limit = node ? p_.ct.new_node_axis_mm : p_.ct.new_extranodal_axis_mm;
      const double axis = std::max(nl.size.ldi_mm, nl.size.sdi_mm);
      const std::string head = nl.id + ": new " + kindWord(nl.kind) + " " + dims(nl.size.ldi_mm, nl.size.sdi_mm);
      if (above(axis, limit)) {
        pd_.push_back({node ? "pd.new.node" : "pd.new.extranodal", nl.id,
                       head + ", > " + mm(limit) + " in an axis → PD (new lesion)"});
      } else {
        small_new_.push_back(nl.id);
        note("note.new.small", nl.id,
             head + ", not > " + mm(limit) + " in any axis → recorded, not PD" +
                 (node ? "" : " (PD only if unequivocally lymphoma: reviewer)"));
      }
    }
  }

  void spleen() {
    const SpleenCriteria& s = p_.spleen;
    const std::optional<double>& now = tp_.spleen_length_mm;
    const std::optional<double>& base = patient_.timepoints[0].spleen_length_mm;
    if (!now) {
      note("note.spleen.unknown", "spleen", "spleen length unknown at " + timepointLabel(patient_, t_) +
                                                ": spleen rules not applied");
      return;
    }
    // The nadir: the smallest known earlier length, baseline included.
    std::optional<double> nadir;
    std::size_t nadir_at = 0;
    for (std::size_t i = 0; i < t_; ++i) {
      const auto& v = patient_.timepoints[i].spleen_length_mm;
      if (v && (!nadir || *v < *nadir)) {
        nadir = v;
        nadir_at = i;
      }
    }
    const bool use_baseline = s.reference == SpleenReference::Baseline;
    const std::optional<double> ref = use_baseline ? base : nadir;
    const std::string ref_desc = use_baseline ? "baseline" : "nadir (" + timepointLabel(patient_, nadir_at) + ")";
    if (ref) {
      const SpleenCheck c = spleenAgainst(*now, *ref, ref_desc, s);
      if (c.pd) pd_.push_back({c.rule, "spleen", c.text});
      else note("note.spleen", "spleen", c.text);
      // The other reading of the reference, logged (LUG does not say which length is the reference).
      const std::optional<double> alt = use_baseline ? nadir : base;
      const std::string alt_desc = use_baseline ? "nadir (" + timepointLabel(patient_, nadir_at) + ")" : "baseline";
      if (alt && *alt != *ref) {
        const SpleenCheck a = spleenAgainst(*now, *alt, alt_desc, s);
        note("note.spleen.alternative", "spleen",
             std::string("alternative reading with the ") + (use_baseline ? "nadir" : "baseline") +
                 " as reference (not applied): " + a.text + (a.pd == c.pd ? " (same verdict)" : " (different verdict)"));
      }
    } else {
      note("note.spleen.no_reference", "spleen",
           std::string("no ") + (use_baseline ? "baseline" : "earlier") +
               " spleen length: progression from the reference not assessed");
    }
    // New or recurrent splenomegaly.
    if (above(*now, s.normal_max_mm)) {
      if (base && atMost(*base, s.normal_max_mm)) {
        pd_.push_back({"pd.spleen.new", "spleen",
                       "spleen " + mm(*now) + " > " + mm(s.normal_max_mm) + " with a normal baseline spleen (" + mm(*base) +
                           ") → PD (new splenomegaly)"});
      } else {
        for (std::size_t i = 1; i < t_; ++i) {
          const auto& v = patient_.timepoints[i].spleen_length_mm;
          if (v && atMost(*v, s.normal_max_mm)) {
            pd_.push_back({"pd.spleen.recurrent", "spleen",
                           "spleen " + mm(*now) + " > " + mm(s.normal_max_mm) + " after a normal spleen at " +
                               timepointLabel(patient_, i) + " (" + mm(*v) + ") → PD (recurrent splenomegaly)"});
            break;
          }
        }
      }
    }
  }

  void classify() {
    if (!pd_.empty()) {
      classifyProgression();
      return;
    }
    std::vector<Reason> met, unmet;
    crCriteria(met, unmet);
    if (unmet.empty()) {
      out_.category = CtCategory::CR;
      out_.reasons = met;
      if (!tp_.extranodal_disease_present)
        note("note.extranodal.unknown", "extranodal",
             "non-target extranodal disease not recorded at " + timepointLabel(patient_, t_) + ": CR assumes none");
      if (!tp_.spleen_length_mm)
        note("note.cr.spleen_unknown", "spleen",
             "spleen length unknown at " + timepointLabel(patient_, t_) + ": CR assumes a normal spleen");
      return;
    }
    std::vector<Reason> pr_unmet;
    const std::optional<Reason> pr = prCriteria(pr_unmet);
    if (pr) {
      out_.category = CtCategory::PR;
      out_.reasons.push_back(*pr);
      out_.reasons.insert(out_.reasons.end(), unmet.begin(), unmet.end());
      return;
    }
    out_.category = CtCategory::SD;
    out_.reasons = pr_unmet;
    out_.reasons.push_back({"sd", "SPD", "no PD criterion met, neither CR nor PR → SD"});
  }

  void crCriteria(std::vector<Reason>& met, std::vector<Reason>& unmet) {
    const CtCriteria& c = p_.ct;
    // 1. Target nodes: LDi <= 15 mm.
    std::string nodes, largest;
    double largest_ldi = -1;
    bool nodes_ok = true;
    for (std::size_t k = 0; k < patient_.targets.size(); ++k) {
      const TargetLesion& target = patient_.targets[k];
      const Resolved& r = res_[t_][k];
      if (target.kind != LesionKind::Nodal) continue;
      nodes += (nodes.empty() ? "" : ", ") + target.id;
      if (r.ldi > largest_ldi) {
        largest_ldi = r.ldi;
        largest = target.id;
      }
      if (above(r.ldi, c.cr_node_max_ldi_mm)) {
        nodes_ok = false;
        unmet.push_back({"not_cr.node", target.id,
                         target.id + ": LDi " + mm(r.ldi) + " > " + mm(c.cr_node_max_ldi_mm) + " → not CR"});
      }
    }
    if (nodes.empty()) met.push_back({"cr.nodes", "targets", "no target nodes"});
    else if (nodes_ok)
      met.push_back({"cr.nodes", largest,
                     "target nodes " + nodes + " have LDi ≤ " + mm(c.cr_node_max_ldi_mm) + " (largest: " + largest + " " +
                         mm(largest_ldi) + ")"});

    // 2. No extranodal disease: extranodal targets absent, no other extranodal disease recorded.
    std::string extra;
    bool extra_ok = true;
    for (std::size_t k = 0; k < patient_.targets.size(); ++k) {
      const TargetLesion& target = patient_.targets[k];
      const Resolved& r = res_[t_][k];
      if (target.kind != LesionKind::Extranodal) continue;
      extra += (extra.empty() ? "" : ", ") + target.id;
      if (r.present) {
        extra_ok = false;
        unmet.push_back({"not_cr.extranodal", target.id,
                         target.id + ": extranodal target still visible (" + describe(r) + ") → not CR"});
      }
    }
    if (tp_.extranodal_disease_present && *tp_.extranodal_disease_present) {
      extra_ok = false;
      unmet.push_back({"not_cr.extranodal", "extranodal", "non-target extranodal disease present → not CR"});
    }
    if (extra_ok) {
      std::string text = extra.empty() ? "no extranodal targets" : "extranodal targets " + extra + " absent";
      if (!tp_.extranodal_disease_present) {
        text += "; non-target extranodal disease not recorded (assumed none)";
      } else {
        text += ", no non-target extranodal disease";
      }
      met.push_back({"cr.extranodal", "extranodal", text});
    }

    // 3. No new lesions (lesions at PD size have made this PD already).
    if (small_new_.empty()) {
      met.push_back({"cr.new_lesions", "new lesions", "no new lesions"});
    } else if (c.small_new_lesions_block_cr) {
      unmet.push_back({"not_cr.new_lesions", small_new_.front(),
                       "new lesions below the PD size recorded (" + join(small_new_) + ") → not CR (profile)"});
    } else {
      met.push_back({"cr.new_lesions", "new lesions",
                     "no new lesions at PD size (" + join(small_new_) + " recorded below it, not counted)"});
    }

    // 4. Spleen regressed to normal.
    const SpleenCriteria& s = p_.spleen;
    if (!tp_.spleen_length_mm) {
      met.push_back({"cr.spleen", "spleen", "spleen length unknown: not checked"});
    } else if (atMost(*tp_.spleen_length_mm, s.normal_max_mm)) {
      met.push_back({"cr.spleen", "spleen",
                     "spleen " + mm(*tp_.spleen_length_mm) + " ≤ " + mm(s.normal_max_mm) + " (normal)"});
    } else {
      unmet.push_back({"not_cr.spleen", "spleen",
                       "spleen " + mm(*tp_.spleen_length_mm) + " > " + mm(s.normal_max_mm) + " (not normal) → not CR"});
    }
  }

  // PR: SPD down >= 50 % from baseline, and (if the profile asks) the spleen clause and no small
  // new lesions. Returns the PR reason, or fills `unmet` with the reasons it fails.
  std::optional<Reason> prCriteria(std::vector<Reason>& unmet) {
    const CtCriteria& c = p_.ct;
    const double base = spdAt(res_, 0);
    std::optional<Reason> spd_reason;
    if (!out_.spd_change_from_baseline_pct) {
      unmet.push_back({"not_pr.spd", "SPD", "no target lesions at baseline: SPD change undefined → not PR"});
    } else {
      const double change = *out_.spd_change_from_baseline_pct;
      const std::string text = "SPD " + mm2(out_.spd_mm2) + " is " + pct(change) + " from baseline " + mm2(base);
      if (atMost(out_.spd_mm2, base * (1 - c.pr_spd_decrease_pct / 100)))
        spd_reason = Reason{"pr.spd", "SPD", text + " (a decrease ≥ " + num(c.pr_spd_decrease_pct) + " %) → PR"};
      else
        unmet.push_back({"not_pr.spd", "SPD", text + " (a decrease < " + num(c.pr_spd_decrease_pct) + " %) → not PR"});
    }
    // The LUG PR spleen clause: enlargement regressed by > 50 % of its excess over normal.
    const SpleenCriteria& s = p_.spleen;
    const auto& base_len = patient_.timepoints[0].spleen_length_mm;
    const auto& now_len = tp_.spleen_length_mm;
    if (base_len && above(*base_len, s.normal_max_mm)) {
      std::optional<Reason> fail;
      if (!now_len) {
        fail = Reason{"not_pr.spleen", "spleen", "baseline splenomegaly, spleen length now unknown"};
      } else {
        const double fraction = (*base_len - *now_len) / (*base_len - s.normal_max_mm);
        if (!above(fraction, c.pr_spleen_regression_fraction))
          fail = Reason{"not_pr.spleen", "spleen",
                        "spleen " + mm(*now_len) + " has regressed " + num(fraction * 100) +
                            " % of its baseline enlargement (" + mm(*base_len) + " vs normal " + mm(s.normal_max_mm) +
                            "), not > " + num(c.pr_spleen_regression_fraction * 100) + " %"};
      }
      if (fail) {
        if (c.pr_requires_spleen_regression) {
          fail->text += " → not PR";
          unmet.push_back(*fail);
        } else if (spd_reason) {
          note("note.pr.spleen", "spleen", fail->text + " (LUG PR clause, not applied by this profile)");
        }
      }
    }
    if (c.small_new_lesions_block_cr && !small_new_.empty())
      unmet.push_back({"not_pr.new_lesions", small_new_.front(),
                       "new lesions below the PD size recorded (" + join(small_new_) + ") → not PR (profile)"});
    if (spd_reason && unmet.empty()) return spd_reason;
    return std::nullopt;
  }

  void classifyProgression() {
    const LyricCriteria& l = p_.lyric;
    if (!l.enabled) {
      out_.category = CtCategory::PD;
      out_.reasons = pd_;
      return;
    }
    const std::string here = timepointLabel(patient_, t_);
    std::optional<std::size_t> earlier_ir, earlier_pd;
    for (const auto& e : earlier_) {
      if (e.ct.category == CtCategory::IR && !earlier_ir) earlier_ir = e.index;
      if (e.ct.category == CtCategory::PD && !earlier_pd) earlier_pd = e.index;
    }
    auto pd = [&](std::optional<Reason> first) {
      out_.category = CtCategory::PD;
      if (first) out_.reasons.push_back(*first);
      out_.reasons.insert(out_.reasons.end(), pd_.begin(), pd_.end());
    };
    auto ir = [&](const Reason& first) {
      out_.category = CtCategory::IR;
      out_.reasons.push_back(first);
      out_.reasons.insert(out_.reasons.end(), pd_.begin(), pd_.end());
    };
    if (earlier_ir) {
      pd(Reason{"pd.confirmed", "LYRIC",
                "PD criteria met again at " + here + ": confirms the IR at " + timepointLabel(patient_, *earlier_ir) +
                    " (LYRIC: IR until confirmed by subsequent imaging) → PD"});
      return;
    }
    if (earlier_pd) {
      note("note.lyric.after_pd", "LYRIC", "PD already declared at " + timepointLabel(patient_, *earlier_pd) + ": no IR");
      pd(std::nullopt);
      return;
    }
    const double window_days = l.window_weeks * 7;
    if (tp_.days_from_baseline && atMost(*tp_.days_from_baseline, window_days)) {
      ir({"ir.window", "LYRIC",
          "PD criteria met at day " + num(*tp_.days_from_baseline) + ", within " + num(l.window_weeks) +
              " weeks of baseline → IR (LYRIC IR1, simplified: confirm by biopsy or later imaging)"});
      return;
    }
    const bool growth_only = std::all_of(pd_.begin(), pd_.end(), [](const Reason& r) {
      return r.rule == "pd.lesion" || r.rule == "pd.regrowth" || r.rule == "pd.new.node" || r.rule == "pd.new.extranodal";
    });
    const auto& nadir_change = out_.spd_change_from_nadir_pct;
    const bool spd_ok = nadir_change && *out_.spd_nadir_mm2 > 0 &&
                        below(out_.spd_mm2, *out_.spd_nadir_mm2 * (1 + l.ir_max_spd_increase_pct / 100));
    if (growth_only && spd_ok) {
      ir({"ir.growth", "LYRIC",
          "PD by lesion growth or new lesions only, SPD " + mm2(out_.spd_mm2) + " is " + pct(*nadir_change) +
              " from nadir " + mm2(*out_.spd_nadir_mm2) + " (" + out_.spd_nadir_label + "), < " +
              pct(l.ir_max_spd_increase_pct) + " → IR (LYRIC IR2, simplified: confirm by biopsy or later imaging)"});
      return;
    }
    std::string why;
    if (!tp_.days_from_baseline) why = "days from baseline unknown (window not applied); ";
    else why = "day " + num(*tp_.days_from_baseline) + " is after the " + num(l.window_weeks) + "-week window; ";
    if (!growth_only) why += "a PD rule other than lesion growth or new lesions fired";
    else if (!nadir_change) why += "SPD nadir is 0 mm²";
    else why += "SPD is " + pct(*nadir_change) + " from nadir (≥ " + pct(l.ir_max_spd_increase_pct) + ")";
    note("note.lyric.not_ir", "LYRIC", "not IR: " + why);
    pd(std::nullopt);
  }

  static std::string join(const std::vector<std::string>& xs) {
    std::string s;
    for (const auto& x : xs) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  const PatientCase& patient_;
  const ResolvedTable& res_;
  std::size_t t_;
  const std::vector<TimepointResult>& earlier_;
  const CriteriaProfile& p_;
  const Timepoint& tp_;
  CtResult out_;
  std::vector<Reason> pd_;               // PD rules that fired
  std::vector<std::string> small_new_;  // new lesions below the PD size
};

}  // namespace

CtResult assessCt(const PatientCase& patient, const ResolvedTable& resolved, std::size_t t,
                  const std::vector<TimepointResult>& earlier, const CriteriaProfile& profile) {
  return CtAssessor(patient, resolved, t, earlier, profile).run();
}

}  // namespace recap::response::detail
