#include "recap/validate/thresholds.h"

#include <gtest/gtest.h>

#include "recap/core/error.h"

namespace recap::validate {
namespace {

const char* kYaml = R"(checks:
  - {metric: ldi_mm.median_abs_error, max: 1.0}
  - {metric: ct_response.agreement, min: 1}
  - {metric: ct_response.kappa, min: 0.8}
  - {metric: lesions.missed, max: 0}
)";

nlohmann::ordered_json validation(double median, double agreement) {
  nlohmann::ordered_json j;
  j["ldi_mm"]["median_abs_error"] = median;
  j["ct_response"]["agreement"] = agreement;
  j["ct_response"]["kappa"] = nullptr;
  j["lesions"]["missed"] = 0;
  return j;
}

TEST(Thresholds, ParsedAndChecked) {
  const auto t = parseThresholds(kYaml, "th.yaml");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].metric, "ldi_mm.median_abs_error");
  EXPECT_DOUBLE_EQ(*t[0].max, 1.0);
  EXPECT_FALSE(t[0].min);
  auto c = checkThresholds(validation(0.4, 1.0), t, "th.yaml");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_TRUE(c[0].passed);
  EXPECT_TRUE(c[1].passed);
  EXPECT_FALSE(c[2].passed);  // kappa null: nothing to pass with
  EXPECT_FALSE(c[2].value);
  EXPECT_TRUE(c[3].passed);
  c = checkThresholds(validation(1.2, 0.9), t, "th.yaml");
  EXPECT_FALSE(c[0].passed);
  EXPECT_FALSE(c[1].passed);
  EXPECT_DOUBLE_EQ(*c[0].value, 1.2);
  // The bound itself passes.
  EXPECT_TRUE(checkThresholds(validation(1.0, 1.0), t, "th.yaml")[0].passed);
  const auto j = checksJson(c);
  EXPECT_EQ(j[0]["metric"], "ldi_mm.median_abs_error");
  EXPECT_TRUE(j[0]["min"].is_null());
  EXPECT_EQ(j[0]["passed"], false);
}

void expectError(const std::string& yaml, const std::string& message) {
  try {
    parseThresholds(yaml, "th.yaml");
    ADD_FAILURE() << yaml;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(Thresholds, BadFilesNameTheEntry) {
  expectError("check: []\n", "th.yaml: check: unknown key (allowed: checks)");
  expectError("checks: []\n", "th.yaml: checks: expected a non-empty list");
  expectError("checks:\n  - {metric: ldi_mm.sd}\n", "th.yaml: checks[0].metric ldi_mm.sd: needs min or max");
  expectError("checks:\n  - {metric: a.b, max: one}\n", "th.yaml: checks[0].max: not a number");
  expectError("checks:\n  - {metric: a.b, max: 1, below: 2}\n", "th.yaml: checks[0].below: unknown key (allowed: metric, min, max)");
  expectError("checks:\n  - {max: 1}\n", "th.yaml: checks[0].metric: missing");
  try {
    checkThresholds(validation(0, 0), parseThresholds("checks:\n  - {metric: ldi_mm.median_error, max: 1}\n", "th.yaml"), "th.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CaseFile);
    EXPECT_NE(std::string(e.what()).find("ldi_mm.median_error: validation.json has no such figure"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace recap::validate
