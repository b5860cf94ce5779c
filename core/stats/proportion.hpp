#pragma once
// Conversion goals: rates, their intervals, and a variant against control.
#include <cstdint>

#include "stats/arm.hpp"
#include "stats/comparison.hpp"

namespace herald::stats {

// The Wilson score interval of conversions/n (statsmodels proportion_confint
// method="wilson"), clipped to [0, 1]. NaN bounds when n = 0.
Interval wilsonInterval(int64_t conversions, int64_t n, double confidence);

// The variant against control for a conversion goal (an Arm's sum is its
// conversions). Throws std::invalid_argument for conversions outside 0..n or a
// confidence outside (0, 1).
Comparison compareConversions(const Arm& control, const Arm& variant, double confidence);

}  // namespace herald::stats
