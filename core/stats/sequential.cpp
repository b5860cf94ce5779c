#include "stats/sequential.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/checks.hpp"

namespace herald::stats {

Interval confidenceSequence(double estimate, double variance_of_estimate, int64_t n_total,
                            double alpha, double tuning) {
  requireAlpha("confidenceSequence", alpha);
  if (n_total < 0) {
    throw std::invalid_argument(
        fmt::format("confidenceSequence: n_total must be >= 0, got {}", n_total));
  }
  if (!(tuning > 0)) {
    throw std::invalid_argument(
        fmt::format("confidenceSequence: tuning must be > 0, got {}", tuning));
  }
  if (variance_of_estimate < 0) {
    throw std::invalid_argument(fmt::format(
        "confidenceSequence: the variance of the estimate is negative ({})", variance_of_estimate));
  }
  if (n_total == 0) {  // nobody yet: no interval (a report shows the experiment as it starts)
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    return {kNaN, kNaN};
  }
  const double log_alpha = std::log(alpha);
  const double rho_sq = (-2 * log_alpha + std::log(-2 * log_alpha + 1)) / tuning;
  const double n = static_cast<double>(n_total);
  const double n_rho_sq_1 = n * rho_sq + 1;
  const double s_sq = variance_of_estimate * n;
  const double half =
      std::sqrt(s_sq) *
      std::sqrt(2 * n_rho_sq_1 * (0.5 * std::log(n_rho_sq_1) - log_alpha) / (n * n * rho_sq));
  return {estimate - half, estimate + half};
}

}  // namespace herald::stats
