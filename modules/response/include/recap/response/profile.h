// Criteria profiles: every threshold the response engine uses, named and versioned.
//
// The member defaults are the built-in Lugano 2014 profile; configs/lugano2014.yaml holds the same
// values (a test keeps the two equal). Lengths are in mm, areas in mm², percentages in %.
// docs/response.md explains every key and the source of its value.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace recap::response {

enum class LiverStatistic { Mean, Max };         // which liver SUV a Deauville rule compares with
enum class SpleenReference { Baseline, Nadir };  // the length spleen progression is measured from

struct CtCriteria {
  int max_target_lesions = 6;
  double measurable_node_ldi_mm = 15;        // baseline target node: LDi > this
  double measurable_extranodal_ldi_mm = 10;  // baseline target extranodal lesion: LDi > this
  double too_small_ldi_mm = 5;               // default for "too small to measure"
  double too_small_sdi_mm = 5;
  double cr_node_max_ldi_mm = 15;            // CR: every target node LDi <= this
  double pr_spd_decrease_pct = 50;           // PR: SPD decrease from baseline >= this
  bool pr_requires_spleen_regression = false;
  double pr_spleen_regression_fraction = 0.5;  // PR: enlargement regressed by > this fraction
  double pd_lesion_min_ldi_mm = 15;          // PD by one lesion: LDi > this ...
  double pd_ppd_increase_pct = 50;           // ... and PPD >= nadir + this % ...
  double pd_increment_band_ldi_mm = 20;      // ... and LDi or SDi up by >= small (nadir LDi <= band)
  double pd_increment_small_mm = 5;          //     or >= large (nadir LDi > band)
  double pd_increment_large_mm = 10;
  double new_node_axis_mm = 15;              // PD: new node > this in any axis
  double new_extranodal_axis_mm = 10;        // PD: new extranodal lesion > this in any axis
  bool small_new_lesions_block_cr = false;   // do new lesions below the PD size forbid CR/PR?
};

struct SpleenCriteria {
  double normal_max_mm = 130;                // normal: length <= this
  double splenomegaly_increase_fraction = 0.5;  // PD: L > ref + fraction * (ref - normal)
  double increase_mm = 20;                   // PD without splenomegaly: L >= ref + this
  SpleenReference reference = SpleenReference::Baseline;
};

struct DeauvilleCriteria {
  LiverStatistic score4_liver = LiverStatistic::Mean;  // 3 vs 4: lesion SUVmax > this liver value
  double score5_factor = 2.0;                          // 5: lesion SUVmax > factor * liver value
  LiverStatistic score5_liver = LiverStatistic::Max;
  bool new_lesion_scores_5 = true;                     // an FDG-avid new lesion scores 5
};

struct QpetCriteria {  // qPET = lesion SUVpeak / liver SUVmean; each cutoff is a lower bound
  double cutoff_3 = 0.95;
  double cutoff_4 = 1.3;
  double cutoff_5 = 2.0;
};

struct MetabolicCriteria {
  double significant_change_pct = 30;  // hottest SUVmax changed by more than this % from baseline
};

struct LyricCriteria {
  bool enabled = false;
  double window_weeks = 12;             // PD this early becomes IR
  double ir_max_spd_increase_pct = 50;  // later lesion-only PD becomes IR while SPD rose < this
};

struct CriteriaProfile {
  std::string name = "lugano2014";
  std::string version = "1.0.0";
  CtCriteria ct;
  SpleenCriteria spleen;
  DeauvilleCriteria deauville;
  QpetCriteria qpet;
  MetabolicCriteria metabolic;
  LyricCriteria lyric;
};

// The built-in profile (the member defaults above).
CriteriaProfile lugano2014Profile();

// Parses a profile from YAML text. Every key must be present, known and of the right type, and
// every value in range; otherwise throws recap::Error(CaseFile, source, "<key path>: <reason>").
CriteriaProfile parseProfile(const std::string& yaml_text, const std::string& source);

// Reads and parses a profile file (Error(NoInput) if it cannot be opened).
CriteriaProfile loadProfileFile(const std::filesystem::path& path);

// The keys whose values differ, as "key: a vs b" (empty when the profiles are equal).
std::vector<std::string> profileDifferences(const CriteriaProfile& a, const CriteriaProfile& b);

const char* toString(LiverStatistic s);   // "mean", "max"
const char* toString(SpleenReference r);  // "baseline", "nadir"

}  // namespace recap::response
