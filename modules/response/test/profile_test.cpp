// Criteria profiles: the committed configs/lugano2014.yaml equals the built-in default, the reader
// refuses unknown keys, wrong types, missing keys and out-of-range values, and results name the
// profile they were computed with.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "case_builder.h"
#include "recap/core/error.h"
#include "recap/response/response.h"

namespace recap::response {
namespace {

const std::string kProfilePath = std::string(RECAP_CONFIG_DIR) + "/lugano2014.yaml";

std::string profileText() {
  std::ifstream in(kProfilePath);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The committed profile text with one line replaced (the line whose key is `key`, in any section).
std::string withLine(const std::string& key, const std::string& replacement) {
  const std::string text = profileText();
  std::istringstream in(text);
  std::string line, out;
  bool replaced = false;
  const std::regex pattern("^\\s*" + key + ":.*$");
  while (std::getline(in, line)) {
    if (!replaced && std::regex_match(line, pattern)) {
      out += replacement + "\n";
      replaced = true;
    } else {
      out += line + "\n";
    }
  }
  EXPECT_TRUE(replaced) << "no line for key " << key;
  return out;
}

TEST(Profile, CommittedFileEqualsBuiltInDefault) {
  const CriteriaProfile file = loadProfileFile(kProfilePath);
  const CriteriaProfile builtin = lugano2014Profile();
  const auto diffs = profileDifferences(file, builtin);
  std::string list;
  for (const auto& d : diffs) list += "\n  " + d;
  EXPECT_TRUE(diffs.empty()) << "configs/lugano2014.yaml differs from lugano2014Profile():" << list;
  EXPECT_EQ(file.name, "lugano2014");
  EXPECT_EQ(file.version, "1.0.0");
}

TEST(Profile, BuiltInValuesAreTheDocumentedDefaults) {
  const CriteriaProfile p = lugano2014Profile();
  EXPECT_EQ(p.ct.max_target_lesions, 6);
  EXPECT_EQ(p.ct.measurable_node_ldi_mm, 15);
  EXPECT_EQ(p.ct.measurable_extranodal_ldi_mm, 10);
  EXPECT_EQ(p.ct.too_small_ldi_mm * p.ct.too_small_sdi_mm, 25);
  EXPECT_EQ(p.ct.pr_spd_decrease_pct, 50);
  EXPECT_EQ(p.ct.pd_ppd_increase_pct, 50);
  EXPECT_EQ(p.ct.pd_increment_small_mm, 5);
  EXPECT_EQ(p.ct.pd_increment_large_mm, 10);
  EXPECT_EQ(p.ct.pd_increment_band_ldi_mm, 20);
  EXPECT_EQ(p.spleen.normal_max_mm, 130);
  EXPECT_EQ(p.spleen.splenomegaly_increase_fraction, 0.5);
  EXPECT_EQ(p.spleen.increase_mm, 20);
  EXPECT_EQ(p.spleen.reference, SpleenReference::Baseline);
  EXPECT_EQ(p.deauville.score5_factor, 2.0);
  EXPECT_EQ(p.deauville.score5_liver, LiverStatistic::Max);
  EXPECT_EQ(p.qpet.cutoff_3, 0.95);
  EXPECT_EQ(p.qpet.cutoff_4, 1.3);
  EXPECT_EQ(p.qpet.cutoff_5, 2.0);
  EXPECT_FALSE(p.lyric.enabled);
}

TEST(Profile, ParsedChangeIsReadAndReportedAsADifference) {
  const CriteriaProfile p = parseProfile(withLine("pr_spd_decrease_pct", "  pr_spd_decrease_pct: 40"), "custom.yaml");
  EXPECT_EQ(p.ct.pr_spd_decrease_pct, 40);
  const auto diffs = profileDifferences(p, lugano2014Profile());
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0], "ct.pr_spd_decrease_pct: 40 vs 50");
}

TEST(Profile, ChoicesAndFlagsAreRead) {
  std::string text = withLine("reference", "  reference: nadir");
  CriteriaProfile p = parseProfile(text, "custom.yaml");
  EXPECT_EQ(p.spleen.reference, SpleenReference::Nadir);
  p = parseProfile(withLine("enabled", "  enabled: true"), "custom.yaml");
  EXPECT_TRUE(p.lyric.enabled);
  p = parseProfile(withLine("score5_liver", "  score5_liver: mean"), "custom.yaml");
  EXPECT_EQ(p.deauville.score5_liver, LiverStatistic::Mean);
}

struct BadProfile {
  std::string name;
  std::string text;
  std::string reason_fragment;  // the reason must contain this (it names the key path)
};

std::ostream& operator<<(std::ostream& os, const BadProfile& b) { return os << b.name; }

std::vector<BadProfile> badProfiles() {
  return {
      {"unknown_top_level_key", profileText() + "extra: 1\n", "extra: unknown key"},
      {"unknown_section_key", withLine("increase_mm", "  increase_mm: 20\n  increase_cm: 2"),
       "spleen.increase_cm: unknown key"},
      {"number_given_as_text", withLine("pr_spd_decrease_pct", "  pr_spd_decrease_pct: fifty"),
       "ct.pr_spd_decrease_pct: expected a number, got 'fifty'"},
      {"number_given_as_list", withLine("cutoff_4", "  cutoff_4: [1.3]"),
       "qpet.cutoff_4: expected a single value"},
      {"flag_given_as_number", withLine("enabled", "  enabled: 1"), "lyric.enabled: expected true or false"},
      {"integer_given_as_fraction", withLine("max_target_lesions", "  max_target_lesions: 6.5"),
       "ct.max_target_lesions: expected a whole number"},
      {"unknown_choice", withLine("score4_liver", "  score4_liver: median"),
       "deauville.score4_liver: 'median' is not one of: mean, max"},
      {"missing_key", withLine("new_node_axis_mm", ""), "ct.new_node_axis_mm: missing key"},
      {"missing_section", std::regex_replace(profileText(), std::regex("qpet:[^\\n]*\\n(  [^\\n]*\\n)*"), ""),
       "qpet.cutoff_3: missing key"},
      {"negative_value", withLine("normal_max_mm", "  normal_max_mm: -130"), "spleen.normal_max_mm: -130 is out of range"},
      {"section_not_a_mapping",
       std::regex_replace(profileText(), std::regex("metabolic:[^\\n]*\\n  significant_change_pct:[^\\n]*\\n"),
                          "metabolic: 30\n"),
       "metabolic: expected a mapping"},
      {"duplicate_key", withLine("cutoff_3", "  cutoff_3: 0.95\n  cutoff_3: 0.9"), "qpet.cutoff_3: duplicate key"},
      {"cutoffs_not_increasing", withLine("cutoff_4", "  cutoff_4: 0.9"), "qpet.cutoff_4: must be greater than"},
      {"empty_name", withLine("name", "name: ''"), "name: expected a non-empty string"},
      {"yaml_syntax_error", "name: [unclosed\n", "YAML syntax error at line"},
      {"empty_file", "", "the profile is empty"},
  };
}

class BadProfileTest : public ::testing::TestWithParam<BadProfile> {};

TEST_P(BadProfileTest, RefusedWithCaseFileErrorNamingTheKey) {
  const BadProfile& b = GetParam();
  try {
    parseProfile(b.text, "bad.yaml");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_NE(e.reason().find(b.reason_fragment), std::string::npos) << e.reason();
  }
}

INSTANTIATE_TEST_SUITE_P(Refused, BadProfileTest, ::testing::ValuesIn(badProfiles()),
                         [](const ::testing::TestParamInfo<BadProfile>& info) { return info.param.name; });

TEST(Profile, MissingFileIsNoInput) {
  try {
    loadProfileFile("/nonexistent/profile.yaml");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoInput);
    EXPECT_EQ(e.file(), "/nonexistent/profile.yaml");
    EXPECT_FALSE(e.reason().empty());
  }
}

TEST(Profile, ResultNamesTheProfileAndVersion) {
  const PatientCase c = test::CaseBuilder().node("L1").tp("baseline").m("L1", 30, 20).tp("fu1").m("L1", 20, 15);
  PatientResult r = assess(c, lugano2014Profile());
  EXPECT_EQ(r.profile_name, "lugano2014");
  EXPECT_EQ(r.profile_version, "1.0.0");

  CriteriaProfile custom = parseProfile(withLine("version", "version: \"1.1.0-site\""), "site.yaml");
  custom.name = "lugano2014-site";
  r = assess(c, custom);
  EXPECT_EQ(r.profile_name, "lugano2014-site");
  EXPECT_EQ(r.profile_version, "1.1.0-site");
}

}  // namespace
}  // namespace recap::response
