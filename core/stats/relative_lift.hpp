#pragma once
// The relative lift (variant/control - 1) and its delta-method interval, shared by
// conversion and value goals.
#include "stats/comparison.hpp"

namespace herald::stats {

// Sets rel_lift, rel_ci and rel_defined of `c` from c.control and c.variant, the
// standard errors of the two means and the critical value of the interval.
// Var(v/c) ~ se_v^2/c^2 + v^2 se_c^2/c^4 (first-order Taylor expansion, the
// formula of GrowthBook's frequentist TTest.variance).
void setRelativeLift(Comparison& c, double se_control, double se_variant, double critical);

}  // namespace herald::stats
