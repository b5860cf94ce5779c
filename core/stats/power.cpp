#include "stats/power.hpp"

#include <fmt/format.h>

#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "stats/checks.hpp"
#include "stats/distributions.hpp"

namespace herald::stats {
namespace {

void requirePlan(const char* where, double baseline_rate, double alpha, double power) {
  if (!(baseline_rate > 0 && baseline_rate < 1)) {
    throw std::invalid_argument(fmt::format(
        "{}: the baseline rate must be between 0 and 1 (exclusive), got {}", where, baseline_rate));
  }
  requireAlpha(where, alpha);
  if (!(power > alpha && power < 1)) {
    throw std::invalid_argument(fmt::format(
        "{}: power must be between alpha ({}) and 1 (exclusive), got {}", where, alpha, power));
  }
}

// The standardized shift x = |h| sqrt(n/2) at which the two-sided test reaches
// `power`: Phi(x - z) + Phi(-x - z) = power. The left side grows from alpha
// (x = 0) towards 1, so there is one root, bracketed by [0, z + z_power + 1].
double standardizedShift(double alpha, double power) {
  const double z = boost::math::quantile(boost::math::complement(Normal(), alpha / 2));
  const auto gap = [&](double x) {
    return normalUpperTail(z - x) + normalUpperTail(x + z) - power;
  };
  const double high = z + boost::math::quantile(Normal(), power) + 1;
  boost::uintmax_t iterations = 200;
  const auto root = boost::math::tools::toms748_solve(
      gap, 0.0, high, boost::math::tools::eps_tolerance<double>(50), iterations);
  return (root.first + root.second) / 2;
}

double arcsineRate(double rate) { return 2 * std::asin(std::sqrt(rate)); }

}  // namespace

int64_t sampleSizePerVariant(double baseline_rate, double relative_mde, double alpha,
                             double power) {
  requirePlan("sampleSizePerVariant", baseline_rate, alpha, power);
  const double changed = baseline_rate * (1 + relative_mde);
  if (!(changed >= 0 && changed <= 1) || relative_mde == 0) {
    throw std::invalid_argument(fmt::format(
        "sampleSizePerVariant: a relative change of {} moves the rate {} to {}, which must be a "
        "different rate in [0, 1]",
        relative_mde, baseline_rate, changed));
  }
  const double h = arcsineRate(changed) - arcsineRate(baseline_rate);
  const double x = standardizedShift(alpha, power);
  return static_cast<int64_t>(std::ceil(2 * (x / h) * (x / h)));
}

double minimumDetectableEffect(double baseline_rate, int64_t n_per_variant, double alpha,
                               double power) {
  requirePlan("minimumDetectableEffect", baseline_rate, alpha, power);
  if (n_per_variant < 1) {
    throw std::invalid_argument(
        fmt::format("minimumDetectableEffect: n_per_variant must be >= 1, got {}", n_per_variant));
  }
  const double h =
      standardizedShift(alpha, power) / std::sqrt(static_cast<double>(n_per_variant) / 2);
  const double angle = arcsineRate(baseline_rate) / 2 + h / 2;
  if (angle > std::numbers::pi / 2) return std::numeric_limits<double>::infinity();
  const double changed = std::sin(angle) * std::sin(angle);
  return changed / baseline_rate - 1;
}

}  // namespace herald::stats
