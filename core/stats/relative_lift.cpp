#include "stats/relative_lift.hpp"

#include <cmath>
#include <limits>

namespace herald::stats {

Comparison undefinedComparison() {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  Comparison c;
  c.defined = false;
  c.rel_defined = false;
  c.control = c.variant = c.abs_lift = c.rel_lift = c.p_value = kNaN;
  c.variant_ci = c.abs_ci = c.rel_ci = {kNaN, kNaN};
  return c;
}

void setRelativeLift(Comparison& c, double se_control, double se_variant, double critical) {
  if (c.control == 0) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    c.rel_defined = false;
    c.rel_lift = kNaN;
    c.rel_ci = {kNaN, kNaN};
    return;
  }
  const double control_sq = c.control * c.control;
  const double variance = se_variant * se_variant / control_sq + c.variant * c.variant *
                                                                     se_control * se_control /
                                                                     (control_sq * control_sq);
  c.rel_defined = true;
  c.rel_lift = c.variant / c.control - 1;
  const double half = variance > 0 ? critical * std::sqrt(variance) : 0;
  c.rel_ci = {c.rel_lift - half, c.rel_lift + half};
}

}  // namespace herald::stats
