#pragma once
// Confidence sequences: intervals that stay valid however often they are looked
// at, so the test-then-winner rule may check at every decision point.
#include <cstdint>

#include "stats/arm.hpp"

namespace herald::stats {

// GrowthBook's asymptotic confidence sequence (gbstats SequentialTwoSidedTTest;
// Waudby-Smith et al. 2023, arXiv:2103.06476v7, eq. 9 with rho from eq. 161):
//   rho^2 = (-2 ln alpha + ln(-2 ln alpha + 1)) / tuning
//   s^2   = variance_of_estimate x n_total
//   half  = sqrt(s^2) sqrt(2 (n rho^2 + 1) ln(sqrt(n rho^2 + 1) / alpha) / (n rho)^2)
// around `estimate`. `tuning` is the sample size (both arms) where the sequence
// is tightest; GrowthBook's default 5000. NaN bounds when n_total = 0 (no one
// yet) or the variance is NaN. Throws std::invalid_argument for alpha outside
// (0, 1), n_total < 0, tuning <= 0 or a negative variance.
Interval confidenceSequence(double estimate, double variance_of_estimate, int64_t n_total,
                            double alpha, double tuning = 5000);

}  // namespace herald::stats
