#pragma once
// Sample-ratio mismatch: did the arms receive the split the weights ask for?
#include <cstdint>
#include <span>

namespace herald::stats {

// Pearson's chi-square goodness of fit of the observed counts against the
// weights (scipy.stats.chisquare with f_exp = total x weight / sum of weights);
// the weights need not sum to 1. A p-value below 0.001 means the assignment or
// the counting is broken, and the experiment's figures cannot be trusted.
// - NaN when nobody has been observed yet (nothing to test);
// - an arm of weight 0 is left out while it is empty, and makes p = 0 as soon
//   as anyone lands in it (it should receive no one);
// - 1 when a single arm has a positive weight and holds everyone.
// Throws std::invalid_argument when the spans differ in size or hold fewer than
// two arms, a count is negative, a weight is negative or not finite, or the
// weights sum to 0.
double srmPValue(std::span<const int64_t> observed, std::span<const double> weights);

}  // namespace herald::stats
