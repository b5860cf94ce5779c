#pragma once
// Value goals (revenue per recipient): means, Welch's t-test and its intervals.
#include "stats/arm.hpp"
#include "stats/comparison.hpp"

namespace herald::stats {

// An arm's mean and its sample variance (n - 1 in the denominator, as scipy's
// ttest_ind_from_stats expects), from the sums; the variance is clamped at 0
// against rounding. Both need n >= 2 to mean anything.
double armMean(const Arm& arm);
double armSampleVariance(const Arm& arm);

// The Student t interval of an arm's mean; NaN bounds when n < 2.
Interval meanInterval(const Arm& arm, double confidence);

// The variant against control for a value goal: t interval of the variant's mean,
// Welch's test and interval of the difference (Welch–Satterthwaite degrees of
// freedom), the relative lift with the same critical value. Undefined (NaN) when
// an arm has fewer than 2 recipients. When both arms have zero variance the
// difference is exact: p = 1 if the means are equal, 0 otherwise.
Comparison compareMeans(const Arm& control, const Arm& variant, double confidence);

}  // namespace herald::stats
