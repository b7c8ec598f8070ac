#include "recap/validate/stats.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace recap::validate {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) throw std::invalid_argument("percentile of no values");
  std::sort(values.begin(), values.end());
  const double h = (values.size() - 1) * std::clamp(p, 0.0, 100.0) / 100.0;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - lo) * (values[hi] - values[lo]);
}

std::optional<ErrorSummary> summarizeErrors(const std::vector<double>& errors) {
  if (errors.empty()) return std::nullopt;
  ErrorSummary s;
  s.n = errors.size();
  double sum = 0;
  for (double e : errors) sum += e;
  s.mean_error = sum / s.n;
  double ss = 0;
  for (double e : errors) ss += (e - s.mean_error) * (e - s.mean_error);
  s.sd = s.n > 1 ? std::sqrt(ss / (s.n - 1)) : 0.0;
  std::vector<double> abs_errors;
  for (double e : errors) abs_errors.push_back(std::fabs(e));
  s.median_abs_error = percentile(abs_errors, 50);
  s.p95_abs_error = percentile(abs_errors, 95);
  s.max_abs_error = *std::max_element(abs_errors.begin(), abs_errors.end());
  s.bland_altman = {s.mean_error, s.sd, s.mean_error - 1.96 * s.sd, s.mean_error + 1.96 * s.sd};
  return s;
}

long Confusion::total() const {
  long n = 0;
  for (const auto& row : counts)
    for (long v : row) n += v;
  return n;
}

std::optional<double> Confusion::agreement() const {
  const long n = total();
  if (n == 0) return std::nullopt;
  long diagonal = 0;
  for (size_t i = 0; i < counts.size(); ++i) diagonal += counts[i][i];
  return double(diagonal) / n;
}

Confusion makeConfusion(const std::vector<std::pair<std::string, std::string>>& pairs,
                        const std::vector<std::string>& order) {
  Confusion c;
  c.categories = order;
  std::set<std::string> extra;
  for (const auto& [a, b] : pairs)
    for (const std::string* s : {&a, &b})
      if (std::find(order.begin(), order.end(), *s) == order.end()) extra.insert(*s);
  c.categories.insert(c.categories.end(), extra.begin(), extra.end());
  const size_t k = c.categories.size();
  c.counts.assign(k, std::vector<long>(k, 0));
  auto index = [&](const std::string& s) {
    return size_t(std::find(c.categories.begin(), c.categories.end(), s) - c.categories.begin());
  };
  for (const auto& [a, b] : pairs) ++c.counts[index(a)][index(b)];
  return c;
}

namespace {

// kappa = (p_o - p_e) / (1 - p_e) with agreement weights w(i, j).
template <typename Weight>
std::optional<double> kappa(const Confusion& c, Weight w) {
  const double n = double(c.total());
  if (n == 0) return std::nullopt;
  const size_t k = c.categories.size();
  std::vector<double> rows(k, 0), cols(k, 0);
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      rows[i] += c.counts[i][j];
      cols[j] += c.counts[i][j];
    }
  double po = 0, pe = 0;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      po += w(i, j) * c.counts[i][j] / n;
      pe += w(i, j) * (rows[i] / n) * (cols[j] / n);
    }
  if (std::fabs(1 - pe) < 1e-12) return std::nullopt;
  return (po - pe) / (1 - pe);
}

}  // namespace

std::optional<double> cohenKappa(const Confusion& c) {
  return kappa(c, [](size_t i, size_t j) { return i == j ? 1.0 : 0.0; });
}

std::optional<double> weightedKappa(const Confusion& c, KappaWeights weights) {
  const double span = c.categories.size() > 1 ? double(c.categories.size() - 1) : 1.0;
  return kappa(c, [&](size_t i, size_t j) {
    const double d = std::fabs(double(i) - double(j)) / span;
    return weights == KappaWeights::Linear ? 1 - d : 1 - d * d;
  });
}

}  // namespace recap::validate
