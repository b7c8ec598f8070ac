// Agreement statistics of recap validate (plain C++, no imaging library): error summaries with
// Bland-Altman limits, percentiles, confusion matrices, Cohen's kappa and weighted kappa.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace recap::validate {

// The p-th percentile (0..100) by linear interpolation between order statistics (Hyndman and
// Fan's type 7: R's default, numpy's "linear"). Throws std::invalid_argument on an empty input.
double percentile(std::vector<double> values, double p);

// Bland and Altman (Lancet 1986): bias = mean difference, limits of agreement = bias -/+ 1.96 SD
// (sample SD, n - 1). With one pair the SD is 0.
struct BlandAltman {
  double bias = 0, sd = 0, loa_low = 0, loa_high = 0;
};

// Errors are recap - reference. mean_error and sd are those of the signed errors (= Bland-Altman
// bias and SD); median and 95th percentile are of the absolute errors.
struct ErrorSummary {
  size_t n = 0;
  double mean_error = 0, sd = 0, median_abs_error = 0, p95_abs_error = 0, max_abs_error = 0;
  BlandAltman bland_altman;
};

// Empty when `errors` is empty.
std::optional<ErrorSummary> summarizeErrors(const std::vector<double>& errors);

// A square table of counts: rows are the reference's category, columns recap's.
struct Confusion {
  std::vector<std::string> categories;
  std::vector<std::vector<long>> counts;  // [reference][recap]
  long total() const;
  // Observed proportion of agreement (the diagonal); empty when total() is 0.
  std::optional<double> agreement() const;
};

// Counts (reference, recap) pairs. `order` lists the categories in their order (e.g. CR, PR, SD,
// PD); a category seen in the pairs but not in `order` is appended (sorted).
Confusion makeConfusion(const std::vector<std::pair<std::string, std::string>>& pairs,
                        const std::vector<std::string>& order);

// Cohen's kappa (1960): (p_o - p_e) / (1 - p_e). Empty when there are no pairs, or when p_e is 1
// (both raters used a single, the same, category: kappa is undefined).
std::optional<double> cohenKappa(const Confusion& c);

enum class KappaWeights { Linear, Quadratic };
// Cohen's weighted kappa (1968) with agreement weights w_ij = 1 - |i-j|/(k-1) (linear) or
// 1 - ((i-j)/(k-1))^2 (quadratic) over the categories in their order. Empty as for cohenKappa.
std::optional<double> weightedKappa(const Confusion& c, KappaWeights weights);

}  // namespace recap::validate
