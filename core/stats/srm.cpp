#include "stats/srm.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/distributions.hpp"

namespace herald::stats {

double srmPValue(std::span<const int64_t> observed, std::span<const double> weights) {
  if (observed.size() != weights.size()) {
    throw std::invalid_argument(fmt::format("srmPValue: {} observed counts but {} weights",
                                            observed.size(), weights.size()));
  }
  if (observed.size() < 2) {
    throw std::invalid_argument("srmPValue: a split needs at least two arms");
  }
  double weight_sum = 0;
  double total = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      throw std::invalid_argument(fmt::format(
          "srmPValue: weight {} is {}; weights must be finite and >= 0", i, weights[i]));
    }
    if (observed[i] < 0) {
      throw std::invalid_argument(
          fmt::format("srmPValue: observed count {} is negative ({})", i, observed[i]));
    }
    weight_sum += weights[i];
    total += static_cast<double>(observed[i]);
  }
  if (!(weight_sum > 0)) throw std::invalid_argument("srmPValue: the weights sum to 0");
  if (total == 0) return std::numeric_limits<double>::quiet_NaN();

  double statistic = 0;
  int tested_arms = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double o = static_cast<double>(observed[i]);
    if (weights[i] == 0) {
      if (o > 0) return 0.0;
      continue;
    }
    const double expected = total * weights[i] / weight_sum;
    statistic += (o - expected) * (o - expected) / expected;
    ++tested_arms;
  }
  if (tested_arms < 2) return 1.0;
  return boost::math::cdf(boost::math::complement(ChiSquared(tested_arms - 1), statistic));
}

}  // namespace herald::stats
