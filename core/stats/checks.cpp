#include "stats/checks.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "stats/distributions.hpp"

namespace herald::stats {

void requireConfidence(const char* where, double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    throw std::invalid_argument(fmt::format(
        "{}: confidence must be between 0 and 1 (exclusive), got {}", where, confidence));
  }
}

void requireAlpha(const char* where, double alpha) {
  if (!(alpha > 0 && alpha < 1)) {
    throw std::invalid_argument(
        fmt::format("{}: alpha must be between 0 and 1 (exclusive), got {}", where, alpha));
  }
}

void requireConversionArm(const char* where, const char* which, const Arm& arm) {
  if (arm.n < 0) {
    throw std::invalid_argument(
        fmt::format("{}: the {} arm has a negative count of recipients ({})", where, which, arm.n));
  }
  if (!(arm.sum >= 0 && arm.sum <= static_cast<double>(arm.n))) {
    throw std::invalid_argument(
        fmt::format("{}: the {} arm has {} conversions, outside 0..{} (its recipients)", where,
                    which, arm.sum, arm.n));
  }
}

void requireValueArm(const char* where, const char* which, const Arm& arm) {
  if (arm.n < 0) {
    throw std::invalid_argument(
        fmt::format("{}: the {} arm has a negative count of recipients ({})", where, which, arm.n));
  }
  if (!std::isfinite(arm.sum) || !std::isfinite(arm.sum_sq) || arm.sum_sq < 0) {
    throw std::invalid_argument(fmt::format(
        "{}: the {} arm's sums must be finite and its sum of squares >= 0 (sum {}, sum_sq {})",
        where, which, arm.sum, arm.sum_sq));
  }
}

double twoSidedZ(double confidence) {
  return boost::math::quantile(boost::math::complement(Normal(), (1 - confidence) / 2));
}

}  // namespace herald::stats
