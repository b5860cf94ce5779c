#pragma once
// Planning: how many recipients a test needs, and what it can detect.
#include <cstdint>

namespace herald::stats {

// Recipients per variant (equal arms, two-sided test at `alpha`) to detect a
// change of the rate from baseline_rate to baseline_rate x (1 + relative_mde)
// with probability `power`. Cohen's effect size h = 2 asin(sqrt(p2)) -
// 2 asin(sqrt(p1)) and the normal power equation with both tails
//   power = Phi(|h| sqrt(n/2) - z) + Phi(-|h| sqrt(n/2) - z),  z = z_(1 - alpha/2),
// solved for n and rounded up: statsmodels NormalIndPower().solve_power(
// effect_size=proportion_effectsize(p2, p1), alpha=, power=, ratio=1).
// Throws std::invalid_argument unless 0 < baseline_rate < 1, the changed rate is
// in [0, 1] and differs from the baseline, alpha in (0, 1) and alpha < power < 1.
int64_t sampleSizePerVariant(double baseline_rate, double relative_mde, double alpha, double power);

// The smallest relative increase of baseline_rate that n_per_variant recipients
// per arm detect with `power` (the same equation solved for h, then
// p2 = sin(asin(sqrt(p1)) + h/2)^2, returned as p2/p1 - 1). Infinity when even a
// rate of 100% would not be detected. Throws std::invalid_argument for
// n_per_variant < 1 or the range errors above.
double minimumDetectableEffect(double baseline_rate, int64_t n_per_variant, double alpha,
                               double power);

}  // namespace herald::stats
