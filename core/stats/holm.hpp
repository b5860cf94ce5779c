#pragma once
// Multiple comparisons: with k treatments, k raw p-values below 0.05 are far
// likelier than 5% by chance; the adjusted ones keep the family-wise error rate.
#include <span>
#include <vector>

namespace herald::stats {

// Holm–Bonferroni adjusted p-values, in the input's order (statsmodels
// multipletests(method="holm")): sorted ascending, the i-th (from 0) becomes
// max over j <= i of min(1, (m - j) p_(j)). A NaN p-value (an undefined
// comparison) stays NaN and is not counted in m, as R's p.adjust does.
// Throws std::invalid_argument for a p-value outside [0, 1].
std::vector<double> holm(std::span<const double> p_values);

}  // namespace herald::stats
