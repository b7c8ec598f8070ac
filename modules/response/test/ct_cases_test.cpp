// Worked cases of the Lugano 2014 CT response: one per rule and per boundary. Each case gives the
// expected category at one timepoint (the last unless `at` says otherwise) and the reasons that
// must explain it: a reason with that rule id, about that subject, whose text contains the fragment.
// The arithmetic behind each case is written next to it.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "case_builder.h"
#include "recap/response/response.h"

namespace recap::response {
namespace {

using test::CaseBuilder;

struct Expect {
  std::string rule;
  std::string subject;
  std::string fragment;
};

struct CtCase {
  std::string name;
  PatientCase patient;
  CtCategory expected;
  std::vector<Expect> reasons;              // must all be among the category's reasons
  std::vector<Expect> notes = {};           // must all be among the notes
  std::vector<std::string> not_fired = {};  // rule ids that must not be among the reasons
  std::string at = "";                      // timepoint label; empty: the last
  CriteriaProfile profile = lugano2014Profile();
};

std::ostream& operator<<(std::ostream& os, const CtCase& c) { return os << c.name; }

CriteriaProfile lyric() {
  CriteriaProfile p = lugano2014Profile();
  p.lyric.enabled = true;
  return p;
}

CriteriaProfile prNeedsSpleen() {
  CriteriaProfile p = lugano2014Profile();
  p.ct.pr_requires_spleen_regression = true;
  return p;
}

CriteriaProfile smallNewBlocks() {
  CriteriaProfile p = lugano2014Profile();
  p.ct.small_new_lesions_block_cr = true;
  return p;
}

// A patient whose L1 node goes 30 x 20 -> 20 x 15 -> 26 x 18, with a stable L2 node 40 x 30 -> 30 x 20
// (SPD 1800 -> 900 -> 1068, +18.7 % from the fu1 nadir). L1 at fu2: +56 % from its fu1 nadir 300,
// LDi +6 >= 5 (nadir LDi 20 <= 20) -> PD by rule 1.
CaseBuilder growthAfterResponse() {
  return CaseBuilder()
      .node("L1").node("L2")
      .tp("baseline").day(0).m("L1", 30, 20).m("L2", 40, 30)
      .tp("fu1").day(56).m("L1", 20, 15).m("L2", 30, 20)
      .tp("fu2").day(168).m("L1", 26, 18).m("L2", 30, 20);
}

const std::vector<CtCase>& cases() {
  static const std::vector<CtCase> table = {
      // --- PR vs SD: SPD decrease from baseline, >= 50 % ---
      {"pr_at_exactly_50pct_spd_decrease",  // 40x25 = 1000 -> 25x20 = 500: -50 %
       CaseBuilder().node("L1").tp("baseline").m("L1", 40, 25).tp("fu1").m("L1", 25, 20),
       CtCategory::PR,
       {{"pr.spd", "SPD", "SPD 500 mm² is -50 % from baseline 1000 mm²"},
        {"not_cr.node", "L1", "L1: LDi 25 mm > 15 mm"}}},
      {"sd_at_49_9pct_spd_decrease",  // 25.05x20 = 501: -49.9 %
       CaseBuilder().node("L1").tp("baseline").m("L1", 40, 25).tp("fu1").m("L1", 25.05, 20),
       CtCategory::SD,
       {{"not_pr.spd", "SPD", "-49.9 % from baseline 1000 mm² (a decrease < 50 %)"}, {"sd", "SPD", "no PD criterion"}},
       {},
       {"pr.spd"}},

      // --- CR: target node LDi <= 15 mm ---
      {"cr_with_node_ldi_exactly_15mm",
       CaseBuilder().node("L1").tp("baseline").m("L1", 40, 25).spleen(120).tp("fu1").m("L1", 15, 10).spleen(120)
           .extranodalDisease(false),
       CtCategory::CR,
       {{"cr.nodes", "L1", "have LDi ≤ 15 mm (largest: L1 15 mm)"},
        {"cr.extranodal", "extranodal", "no non-target extranodal disease"},
        {"cr.new_lesions", "new lesions", "no new lesions"},
        {"cr.spleen", "spleen", "spleen 120 mm ≤ 130 mm"}}},
      {"pr_not_cr_with_node_ldi_15_1mm",  // 15.1x10 = 151: -84.9 %
       CaseBuilder().node("L1").tp("baseline").m("L1", 40, 25).spleen(120).tp("fu1").m("L1", 15.1, 10).spleen(120),
       CtCategory::PR,
       {{"pr.spd", "SPD", "-84.9 %"}, {"not_cr.node", "L1", "L1: LDi 15.1 mm > 15 mm → not CR"}}},
      {"cr_when_spleen_unknown_is_noted",
       CaseBuilder().node("L1").tp("baseline").m("L1", 40, 25).tp("fu1").m("L1", 12, 8),
       CtCategory::CR,
       {{"cr.spleen", "spleen", "spleen length unknown: not checked"},
        {"cr.extranodal", "extranodal", "not recorded (assumed none)"}},
       {{"note.spleen.unknown", "spleen", "spleen length unknown at fu1"},
        {"note.cr.spleen_unknown", "spleen", "CR assumes a normal spleen"},
        {"note.extranodal.unknown", "extranodal", "CR assumes none"}}},

      // --- PD rule 1: one lesion, +50 % PPD from nadir with the 5 / 10 mm increment ---
      {"pd_ppd_exactly_plus_50pct_ldi_plus_5_at_nadir_ldi_20",  // nadir 20x20 = 400 (fu1); 25x24 = 600: +50 %
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 24).tp("fu1").m("L1", 20, 20).tp("fu2").m("L1", 25, 24),
       CtCategory::PD,
       {{"pd.lesion", "L1",
         "L1: LDi 25 mm > 15 mm, PPD 600 mm² is +50 % from nadir 400 mm² (fu1) (≥ +50 %), LDi +5 mm ≥ 5 mm "
         "(nadir LDi 20 mm ≤ 20 mm) → PD"}}},
      {"sd_ppd_just_under_plus_50pct",  // 25x23.98 = 599.5: +49.9 % from 400; SPD -16.7 % from 720
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 24).tp("fu1").m("L1", 20, 20).tp("fu2").m("L1", 25, 23.98),
       CtCategory::SD,
       {{"sd", "SPD", "no PD criterion met"}},
       {},
       {"pd.lesion"}},
      {"sd_nadir_ldi_20_1_needs_10mm",  // nadir 20.1x18 = 361.8; 25.1x22 = 552.2: +52.6 %, LDi +5, SDi +4 < 10
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 24).tp("fu1").m("L1", 20.1, 18).tp("fu2").m("L1", 25.1, 22),
       CtCategory::SD,
       {{"sd", "SPD", "no PD criterion met"}},
       {{"note.pd.lesion_not_met", "L1",
         "+52.6 % from nadir 361.8 mm² (fu1), but LDi +5 mm and SDi +4 mm are < 10 mm (nadir LDi 20.1 mm > 20 mm)"}},
       {"pd.lesion"}},
      {"pd_nadir_ldi_20_1_with_10mm",  // 30.1x22 = 662.2: +83 %, LDi +10 >= 10
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 24).tp("fu1").m("L1", 20.1, 18).tp("fu2").m("L1", 30.1, 22),
       CtCategory::PD,
       {{"pd.lesion", "L1", "LDi +10 mm ≥ 10 mm (nadir LDi 20.1 mm > 20 mm) → PD"}}},
      {"pd_needs_ldi_over_15mm",  // extranodal: nadir 8x6 = 48; 15x9 = 135: +181 %, +7 mm, but LDi 15 is not > 15
       CaseBuilder().extranodal("E1").tp("baseline").m("E1", 30, 20).tp("fu1").m("E1", 8, 6).tp("fu2").m("E1", 15, 9),
       CtCategory::PR,
       {{"pr.spd", "SPD", "-77.5 %"}},
       {{"note.pd.lesion_not_met", "E1", "but LDi 15 mm is not > 15 mm → not PD"}},
       {"pd.lesion"}},
      {"pd_nadir_at_baseline",  // 16x12 = 192 (baseline) < 18x14 = 252 (fu1); 22x17 = 374: +94.8 %, LDi +6
       CaseBuilder().node("L1").tp("baseline").m("L1", 16, 12).tp("fu1").m("L1", 18, 14).tp("fu2").m("L1", 22, 17),
       CtCategory::PD,
       {{"pd.lesion", "L1", "PPD 374 mm² is +94.8 % from nadir 192 mm² (baseline)"}}},
      {"pd_nadir_at_later_timepoint",  // 30x20 = 600, 20x15 = 300 (fu1), 26x18 = 468: +56 % from fu1, -22 % from baseline
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 20, 15).tp("fu2").m("L1", 26, 18),
       CtCategory::PD,
       {{"pd.lesion", "L1", "PPD 468 mm² is +56 % from nadir 300 mm² (fu1) (≥ +50 %), LDi +6 mm ≥ 5 mm"}}},
      {"pd_extranodal_target_by_rule_1",  // extranodal too: 30x20 -> 18x12 = 216 -> 25x16 = 400: +85 %, LDi +7
       CaseBuilder().extranodal("E1").tp("baseline").m("E1", 30, 20).tp("fu1").m("E1", 18, 12).tp("fu2").m("E1", 25, 16),
       CtCategory::PD,
       {{"pd.lesion", "E1", "E1: LDi 25 mm > 15 mm"}}},

      // --- defaults: too small (5 x 5) and absent (0 x 0) ---
      {"too_small_then_measurable_uses_real_values",  // fu2 SPD = 48 + 120 = 168, not 25 + 120
       CaseBuilder().node("L1").node("L2")
           .tp("baseline").m("L1", 30, 20).m("L2", 25, 20)
           .tp("fu1").tooSmall("L1").m("L2", 12, 10)
           .tp("fu2").m("L1", 8, 6).m("L2", 12, 10),
       CtCategory::CR,
       {{"cr.nodes", "L2", "target nodes L1, L2 have LDi ≤ 15 mm (largest: L2 12 mm)"}},
       {},
       {"pd.lesion"}},
      {"too_small_then_regrows_pd_against_the_default",  // nadir 5x5 = 25 (default); 16x10 = 160: +540 %, LDi +11
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").tooSmall("L1").tp("fu2").m("L1", 16, 10),
       CtCategory::PD,
       {{"pd.lesion", "L1", "from nadir 25 mm² (fu1, too-small default 5 × 5 mm)"}},
       {}},
      {"too_small_counts_25mm2_in_spd",  // 30x20 = 600 -> 25: -95.8 %
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").tooSmall("L1"),
       CtCategory::CR,
       {{"cr.nodes", "L1", "largest: L1 5 mm"}},
       {{"note.default.too_small", "L1", "L1: too small to measure → default 5 × 5 mm (PPD 25 mm²)"}}},
      {"absent_node_regrows_pd",  // absent at fu1 (0 x 0), 16x10 at fu2: regrowth (> 15 mm) and rule 1 from 0
       CaseBuilder().node("L1").node("L2")
           .tp("baseline").m("L1", 30, 20).m("L2", 20, 15)
           .tp("fu1").absent("L1").m("L2", 10, 8)
           .tp("fu2").m("L1", 16, 10).m("L2", 10, 8),
       CtCategory::PD,
       {{"pd.regrowth", "L1", "L1: absent at fu1, visible again (16 × 10 mm), a node > 15 mm in an axis → PD"},
        {"pd.lesion", "L1", "PPD 160 mm² from nadir 0 mm² (fu1, absent)"}}},
      {"absent_extranodal_regrows_12mm_pd_by_regrowth_only",  // 12 > 10 (new-lesion size); LDi 12 not > 15 for rule 1
       CaseBuilder().extranodal("E1").tp("baseline").m("E1", 30, 20).tp("fu1").absent("E1").tp("fu2").m("E1", 12, 8),
       CtCategory::PD,
       {{"pd.regrowth", "E1", "extranodal lesion > 10 mm in an axis → PD (regrowth of a resolved lesion)"}},
       {},
       {"pd.lesion"}},
      {"absent_extranodal_regrows_8mm_is_recorded",  // 8x6 = 48: not > 10 mm; SPD -92 % -> PR (not CR: visible)
       CaseBuilder().extranodal("E1").tp("baseline").m("E1", 30, 20).tp("fu1").absent("E1").tp("fu2").m("E1", 8, 6),
       CtCategory::PR,
       {{"pr.spd", "SPD", "-92 %"}, {"not_cr.extranodal", "E1", "E1: extranodal target still visible (8 × 6 mm)"}},
       {{"note.regrowth.small", "E1", "not > 10 mm in any axis → recorded, not PD"}},
       {"pd.regrowth"}},

      // --- new lesions: node > 15 mm, extranodal > 10 mm in any axis ---
      {"new_node_15mm_not_pd",  // 20x15 = 300: -50 % -> PR
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 20, 15).newNode("N1", 15, 10),
       CtCategory::PR,
       {{"pr.spd", "SPD", "-50 %"}},
       {{"note.new.small", "N1", "N1: new node 15 × 10 mm, not > 15 mm in any axis → recorded, not PD"}},
       {"pd.new.node"}},
      {"new_node_15_1mm_pd",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 20, 15).newNode("N1", 15.1, 10),
       CtCategory::PD,
       {{"pd.new.node", "N1", "N1: new node 15.1 × 10 mm, > 15 mm in an axis → PD (new lesion)"}}},
      {"new_extranodal_10mm_not_pd",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 20, 15).newExtranodal("N1", 10, 8),
       CtCategory::PR,
       {{"pr.spd", "SPD", "-50 %"}},
       {{"note.new.small", "N1", "not > 10 mm in any axis → recorded, not PD (PD only if unequivocally lymphoma"}},
       {"pd.new.extranodal"}},
      {"new_extranodal_10_1mm_pd",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 20, 15).newExtranodal("N1", 10.1, 8),
       CtCategory::PD,
       {{"pd.new.extranodal", "N1", "N1: new extranodal lesion 10.1 × 8 mm, > 10 mm in an axis → PD"}}},
      {"pd_beats_cr",  // every node <= 15 mm, but a new 20 mm node
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 10, 8).newNode("N1", 20, 12),
       CtCategory::PD,
       {{"pd.new.node", "N1", "N1: new node 20 × 12 mm"}},
       {},
       {"cr.nodes"}},
      {"small_new_lesion_does_not_block_cr_by_default",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 10, 8).newNode("N1", 12, 8),
       CtCategory::CR,
       {{"cr.new_lesions", "new lesions", "no new lesions at PD size (N1 recorded below it, not counted)"}}},
      {"small_new_lesion_blocks_cr_and_pr_when_the_profile_says",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 10, 8).newNode("N1", 12, 8),
       CtCategory::SD,
       {{"not_pr.new_lesions", "N1", "new lesions below the PD size recorded (N1) → not PR (profile)"}},
       {},
       {},
       "",
       smallNewBlocks()},

      // --- spleen: normal <= 130 mm; Lref = baseline ---
      {"spleen_splenomegaly_160_to_175_not_pd",  // limit 160 + 0.5 x (160 - 130) = 175, strict >
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).spleen(160).tp("fu1").m("L1", 30, 20).spleen(175),
       CtCategory::SD,
       {{"sd", "SPD", "no PD criterion met"}},
       {{"note.spleen", "spleen", "spleen 175 mm is not > 175 mm = baseline 160 mm + 0.5 × (160 - 130) mm"}},
       {"pd.spleen.enlarged"}},
      {"spleen_splenomegaly_160_to_175_1_pd",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).spleen(160).tp("fu1").m("L1", 30, 20).spleen(175.1),
       CtCategory::PD,
       {{"pd.spleen.enlarged", "spleen", "spleen 175.1 mm > 175 mm = baseline 160 mm + 0.5 × (160 - 130) mm → PD"}}},
      {"spleen_normal_110_to_130_pd_by_20mm_increase",  // 130 >= 110 + 20, although 130 is still normal
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).spleen(110).tp("fu1").m("L1", 30, 20).spleen(130),
       CtCategory::PD,
       {{"pd.spleen.increase", "spleen", "spleen 130 mm ≥ 130 mm = baseline 110 mm + 20 mm → PD"}},
       {},
       {"pd.spleen.new"}},
      {"spleen_normal_110_to_129_9_not_pd",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).spleen(110).tp("fu1").m("L1", 30, 20).spleen(129.9),
       CtCategory::SD,
       {{"sd", "SPD", "no PD criterion met"}},
       {{"note.spleen", "spleen", "spleen 129.9 mm < 130 mm = baseline 110 mm + 20 mm"}},
       {"pd.spleen.increase"}},
      {"spleen_new_splenomegaly_120_to_135",  // +15 < 20, but 135 > 130 with a normal baseline
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).spleen(120).tp("fu1").m("L1", 30, 20).spleen(135),
       CtCategory::PD,
       {{"pd.spleen.new", "spleen", "spleen 135 mm > 130 mm with a normal baseline spleen (120 mm) → PD (new splenomegaly)"}},
       {},
       {"pd.spleen.increase"}},
      {"spleen_recurrent_splenomegaly",  // 160 -> 125 (normal) -> 135: not > 175, but splenomegaly again
       CaseBuilder().node("L1")
           .tp("baseline").m("L1", 30, 20).spleen(160)
           .tp("fu1").m("L1", 30, 20).spleen(125)
           .tp("fu2").m("L1", 30, 20).spleen(135),
       CtCategory::PD,
       {{"pd.spleen.recurrent", "spleen", "after a normal spleen at fu1 (125 mm) → PD (recurrent splenomegaly)"}},
       {},
       {"pd.spleen.enlarged"}},
      {"spleen_alternative_nadir_reading_is_logged",  // baseline 160: 165 not > 175; nadir 140 (fu1): 165 > 145
       CaseBuilder().node("L1")
           .tp("baseline").m("L1", 30, 20).spleen(160)
           .tp("fu1").m("L1", 30, 20).spleen(140)
           .tp("fu2").m("L1", 30, 20).spleen(165),
       CtCategory::SD,
       {{"sd", "SPD", "no PD criterion met"}},
       {{"note.spleen.alternative", "spleen",
         "nadir as reference (not applied): spleen 165 mm > 145 mm = nadir (fu1) 140 mm + 0.5 × (140 - 130) mm → PD "
         "(progression of splenomegaly) (different verdict)"}},
       {"pd.spleen.enlarged"}},

      // --- CR needs: extranodal disease gone, spleen normal ---
      {"cr_needs_extranodal_targets_absent",  // E1 too small: still visible
       CaseBuilder().node("L1").extranodal("E1")
           .tp("baseline").m("L1", 30, 20).m("E1", 20, 15)
           .tp("fu1").m("L1", 10, 8).tooSmall("E1"),
       CtCategory::PR,
       {{"pr.spd", "SPD", "-88.3 %"},
        {"not_cr.extranodal", "E1", "E1: extranodal target still visible (too small to measure) → not CR"}}},
      {"cr_with_extranodal_target_absent",
       CaseBuilder().node("L1").extranodal("E1")
           .tp("baseline").m("L1", 30, 20).m("E1", 20, 15)
           .tp("fu1").m("L1", 10, 8).absent("E1").extranodalDisease(false),
       CtCategory::CR,
       {{"cr.extranodal", "extranodal", "extranodal targets E1 absent"}},
       {{"note.default.absent", "E1", "E1: absent → 0 × 0 mm"}}},
      {"cr_blocked_by_non_target_extranodal_disease",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 10, 8).extranodalDisease(true),
       CtCategory::PR,
       {{"not_cr.extranodal", "extranodal", "non-target extranodal disease present → not CR"}}},
      {"cr_blocked_by_spleen_still_enlarged",  // 150 -> 140: not normal; regressed 50 %, not > 50 % (noted)
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).spleen(150).tp("fu1").m("L1", 10, 8).spleen(140),
       CtCategory::PR,
       {{"not_cr.spleen", "spleen", "spleen 140 mm > 130 mm (not normal) → not CR"}},
       {{"note.pr.spleen", "spleen", "has regressed 50 % of its baseline enlargement"}}},
      {"pr_spleen_clause_applied_when_the_profile_says",
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).spleen(150).tp("fu1").m("L1", 10, 8).spleen(140),
       CtCategory::SD,
       {{"not_pr.spleen", "spleen", "regressed 50 % of its baseline enlargement (150 mm vs normal 130 mm), not > 50 % → not PR"}},
       {},
       {"pr.spd"},
       "",
       prNeedsSpleen()},
      {"reviewer_override_is_used",  // recorded 14x10 (would be CR), reviewer 16x12 = 192: -68 % -> PR
       CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 14, 10).override("L1", 16, 12),
       CtCategory::PR,
       {{"not_cr.node", "L1", "L1: LDi 16 mm > 15 mm"}, {"pr.spd", "SPD", "SPD 192 mm² is -68 %"}},
       {{"note.override", "L1", "L1: reviewer values 16 × 12 mm used (recorded: 14 × 10 mm)"}}},

      // --- LYRIC (off by default) ---
      {"lyric_off_pd_stays_pd",
       CaseBuilder().node("L1").tp("baseline").day(0).m("L1", 30, 20).tp("fu1").day(56).m("L1", 40, 30),
       CtCategory::PD,
       {{"pd.lesion", "L1", "L1: LDi 40 mm > 15 mm"}}},
      {"lyric_pd_within_12_weeks_is_ir",  // day 56 <= 84
       CaseBuilder().node("L1").tp("baseline").day(0).m("L1", 30, 20).tp("fu1").day(56).m("L1", 40, 30),
       CtCategory::IR,
       {{"ir.window", "LYRIC", "PD criteria met at day 56, within 12 weeks of baseline → IR"},
        {"pd.lesion", "L1", "L1: LDi 40 mm > 15 mm"}},
       {},
       {},
       "",
       lyric()},
      {"lyric_lesion_growth_with_spd_under_50pct_is_ir",  // day 168; SPD +18.7 % from nadir 900 (fu1)
       growthAfterResponse(),
       CtCategory::IR,
       {{"ir.growth", "LYRIC", "SPD 1068 mm² is +18.7 % from nadir 900 mm² (fu1), < +50 % → IR"},
        {"pd.lesion", "L1", "from nadir 300 mm² (fu1)"}},
       {},
       {},
       "",
       lyric()},
      {"lyric_ir_confirmed_by_next_scan_is_pd",  // fu3: L1 32x22 = 704 still PD after the fu2 IR
       growthAfterResponse().tp("fu3").day(252).m("L1", 32, 22).m("L2", 30, 20),
       CtCategory::PD,
       {{"pd.confirmed", "LYRIC", "confirms the IR at fu2"}, {"pd.lesion", "L1", "L1: LDi 32 mm > 15 mm"}},
       {},
       {},
       "",
       lyric()},
      {"lyric_spleen_pd_after_the_window_stays_pd",
       CaseBuilder().node("L1")
           .tp("baseline").day(0).m("L1", 30, 20).spleen(120)
           .tp("fu1").day(120).m("L1", 30, 20).spleen(135),
       CtCategory::PD,
       {{"pd.spleen.new", "spleen", "new splenomegaly"}},
       {{"note.lyric.not_ir", "LYRIC", "a PD rule other than lesion growth or new lesions fired"}},
       {"ir.growth", "ir.window"},
       "",
       lyric()},
      {"lyric_growth_with_spd_up_50pct_stays_pd",  // one lesion: 20x15 = 300 -> 26x18 = 468 is +56 % SPD too
       CaseBuilder().node("L1")
           .tp("baseline").day(0).m("L1", 30, 20)
           .tp("fu1").day(56).m("L1", 20, 15)
           .tp("fu2").day(168).m("L1", 26, 18),
       CtCategory::PD,
       {{"pd.lesion", "L1", "L1: LDi 26 mm > 15 mm"}},
       {{"note.lyric.not_ir", "LYRIC", "SPD is +56 % from nadir (≥ +50 %)"}},
       {"ir.growth"},
       "",
       lyric()},
  };
  return table;
}

bool matches(const Reason& r, const Expect& e) {
  return r.rule == e.rule && r.subject == e.subject && r.text.find(e.fragment) != std::string::npos;
}

std::string dump(const std::vector<Reason>& rs) {
  std::string s;
  for (const auto& r : rs) s += "\n    [" + r.rule + " | " + r.subject + "] " + r.text;
  return s.empty() ? "\n    (none)" : s;
}

class CtCaseTest : public ::testing::TestWithParam<CtCase> {};

TEST_P(CtCaseTest, CategoryAndReasons) {
  const CtCase& c = GetParam();
  const PatientResult result = assess(c.patient, c.profile);
  const TimepointResult* tp = &result.timepoints.back();
  if (!c.at.empty()) {
    tp = nullptr;
    for (const auto& t : result.timepoints)
      if (t.label == c.at) tp = &t;
    ASSERT_NE(tp, nullptr) << "no timepoint " << c.at;
  }
  const CtResult& ct = tp->ct;
  ASSERT_TRUE(ct.category.has_value());
  EXPECT_EQ(toString(*ct.category), std::string(toString(c.expected))) << "reasons:" << dump(ct.reasons)
                                                                         << "\n  notes:" << dump(ct.notes);
  ASSERT_FALSE(ct.reasons.empty());
  for (const Expect& e : c.reasons) {
    const bool found = std::any_of(ct.reasons.begin(), ct.reasons.end(), [&](const Reason& r) { return matches(r, e); });
    EXPECT_TRUE(found) << "expected reason [" << e.rule << " | " << e.subject << "] containing \"" << e.fragment
                       << "\"; reasons:" << dump(ct.reasons);
  }
  for (const Expect& e : c.notes) {
    const bool found = std::any_of(ct.notes.begin(), ct.notes.end(), [&](const Reason& r) { return matches(r, e); });
    EXPECT_TRUE(found) << "expected note [" << e.rule << " | " << e.subject << "] containing \"" << e.fragment
                       << "\"; notes:" << dump(ct.notes);
  }
  for (const std::string& rule : c.not_fired) {
    const bool fired = std::any_of(ct.reasons.begin(), ct.reasons.end(), [&](const Reason& r) { return r.rule == rule; });
    EXPECT_FALSE(fired) << "rule " << rule << " must not fire; reasons:" << dump(ct.reasons);
  }
}

INSTANTIATE_TEST_SUITE_P(Lugano2014, CtCaseTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<CtCase>& info) { return info.param.name; });

}  // namespace
}  // namespace recap::response
