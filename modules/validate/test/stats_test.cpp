#include "recap/validate/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace recap::validate {
namespace {

// Type 7 percentiles, as R's quantile() and numpy's percentile() give them.
TEST(Stats, PercentileInterpolatesBetweenOrderStatistics) {
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 50), 2.5);
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 95), 3.85);  // h = 3 x 0.95 = 2.85: 3 + 0.85 x (4 - 3)
  EXPECT_DOUBLE_EQ(percentile({3, 1, 4, 1, 5, 9, 2, 6}, 50), 3.5);
  EXPECT_DOUBLE_EQ(percentile({3, 1, 4, 1, 5, 9, 2, 6}, 95), 7.95);  // h = 6.65: 6 + 0.65 x (9 - 6)
  EXPECT_DOUBLE_EQ(percentile({7}, 95), 7);
  EXPECT_DOUBLE_EQ(percentile({1, 2}, 0), 1);
  EXPECT_DOUBLE_EQ(percentile({1, 2}, 100), 2);
  EXPECT_THROW(percentile({}, 50), std::invalid_argument);
}

// Errors 1, 2, 3, 4: mean 2.5, sample SD sqrt(5/3) = 1.2909944, limits 2.5 -/+ 1.96 SD.
TEST(Stats, ErrorSummaryAndBlandAltmanLimits) {
  const auto s = summarizeErrors({1, 2, 3, 4});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->n, 4u);
  EXPECT_DOUBLE_EQ(s->mean_error, 2.5);
  EXPECT_NEAR(s->sd, 1.2909944487358056, 1e-12);
  EXPECT_NEAR(s->bland_altman.loa_low, 2.5 - 1.96 * 1.2909944487358056, 1e-12);
  EXPECT_NEAR(s->bland_altman.loa_high, 2.5 + 1.96 * 1.2909944487358056, 1e-12);
  EXPECT_DOUBLE_EQ(s->bland_altman.bias, 2.5);
  EXPECT_DOUBLE_EQ(s->median_abs_error, 2.5);
  EXPECT_DOUBLE_EQ(s->max_abs_error, 4);
  // Signed errors: the median and percentile are of the absolute values, the bias keeps the sign.
  const auto t = summarizeErrors({-3, 1, -1, 3});
  EXPECT_DOUBLE_EQ(t->mean_error, 0);
  EXPECT_DOUBLE_EQ(t->median_abs_error, 2);
  EXPECT_DOUBLE_EQ(t->p95_abs_error, 3);
  const auto one = summarizeErrors({-0.5});
  EXPECT_DOUBLE_EQ(one->sd, 0);
  EXPECT_DOUBLE_EQ(one->bland_altman.loa_low, -0.5);
  EXPECT_FALSE(summarizeErrors({}));
}

std::vector<std::pair<std::string, std::string>> expand(const std::vector<std::string>& cats,
                                                        const std::vector<std::vector<int>>& table) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < table.size(); ++i)
    for (size_t j = 0; j < table[i].size(); ++j)
      for (int n = 0; n < table[i][j]; ++n) pairs.push_back({cats[i], cats[j]});
  return pairs;
}

// The textbook examples of Cohen's kappa (e.g. Wikipedia, "Cohen's kappa"): 50 proposals read by
// two readers, yes/yes 20, yes/no 5, no/yes 10, no/no 15: p_o 0.7, p_e 0.5 x 0.6 + 0.5 x 0.4 = 0.5,
// kappa 0.4; and 45/15/25/15 of 100: p_o 0.6, p_e 0.54, kappa 0.06 / 0.46.
TEST(Stats, CohenKappaTextbookExamples) {
  const Confusion a = makeConfusion(expand({"yes", "no"}, {{20, 5}, {10, 15}}), {"yes", "no"});
  EXPECT_EQ(a.total(), 50);
  EXPECT_DOUBLE_EQ(*a.agreement(), 0.7);
  EXPECT_NEAR(*cohenKappa(a), 0.4, 1e-12);
  const Confusion b = makeConfusion(expand({"yes", "no"}, {{45, 15}, {25, 15}}), {"yes", "no"});
  EXPECT_NEAR(*cohenKappa(b), 0.06 / 0.46, 1e-12);
}

// A 3 x 3 table worked by hand: rows (reference) 12, 22, 16, columns (recap) 14, 19, 17, n 50.
// Unweighted: p_o 38/50, p_e 858/2500 -> 0.63459196. Linear weights (1, 0.5, 0): p_o 43.5/50,
// p_e (858 + 0.5 x 1214)/2500 = 0.586 -> 0.68599034. Quadratic (1, 0.75, 0): p_o 0.925, p_e 0.7074 -> 0.74367738.
TEST(Stats, WeightedKappaByHand) {
  const Confusion c = makeConfusion(expand({"1", "2", "3"}, {{10, 2, 0}, {3, 15, 4}, {1, 2, 13}}), {"1", "2", "3"});
  EXPECT_NEAR(*cohenKappa(c), 0.6345919610231425, 1e-12);
  EXPECT_NEAR(*weightedKappa(c, KappaWeights::Linear), 0.6859903381642511, 1e-12);
  EXPECT_NEAR(*weightedKappa(c, KappaWeights::Quadratic), 0.7436773752563227, 1e-12);
  // A unit apart costs less than two units apart: moving one count from (1,2) to (1,3) lowers the weighted kappa.
  const Confusion d = makeConfusion(expand({"1", "2", "3"}, {{10, 1, 1}, {3, 15, 4}, {1, 2, 13}}), {"1", "2", "3"});
  EXPECT_LT(*weightedKappa(d, KappaWeights::Linear), *weightedKappa(c, KappaWeights::Linear));
  EXPECT_NEAR(*cohenKappa(d), *cohenKappa(c), 0.01);
}

TEST(Stats, ConfusionOrdersCategoriesAndKappaIsUndefinedForOneCategory) {
  const Confusion c = makeConfusion({{"PR", "PR"}, {"PD", "SD"}, {"XX", "PR"}}, {"CR", "PR", "SD", "PD"});
  EXPECT_EQ(c.categories, (std::vector<std::string>{"CR", "PR", "SD", "PD", "XX"}));
  EXPECT_EQ(c.counts[1][1], 1);
  EXPECT_EQ(c.counts[3][2], 1);
  EXPECT_EQ(c.counts[4][1], 1);
  EXPECT_NEAR(*c.agreement(), 1.0 / 3, 1e-12);
  // Both readers say PR every time: perfect agreement, but kappa is 0/0.
  const Confusion same = makeConfusion({{"PR", "PR"}, {"PR", "PR"}}, {"CR", "PR", "SD", "PD"});
  EXPECT_DOUBLE_EQ(*same.agreement(), 1);
  EXPECT_FALSE(cohenKappa(same));
  EXPECT_FALSE(makeConfusion({}, {"CR"}).agreement());
  // Perfect agreement over several categories: kappa 1.
  EXPECT_DOUBLE_EQ(*cohenKappa(makeConfusion({{"CR", "CR"}, {"PD", "PD"}}, {"CR", "PR", "SD", "PD"})), 1);
}

}  // namespace
}  // namespace recap::validate
