#include "stats/proportion.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/checks.hpp"
#include "stats/distributions.hpp"
#include "stats/relative_lift.hpp"

namespace herald::stats {

Interval wilsonInterval(int64_t conversions, int64_t n, double confidence) {
  requireConfidence("wilsonInterval", confidence);
  requireConversionArm("wilsonInterval", "given",
                       {n, static_cast<double>(conversions), static_cast<double>(conversions)});
  if (n == 0) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    return {kNaN, kNaN};
  }
  const double z = twoSidedZ(confidence);
  const double z2 = z * z;
  const double nd = static_cast<double>(n);
  const double q = static_cast<double>(conversions) / nd;
  const double denominator = 1 + z2 / nd;
  const double center = (q + z2 / (2 * nd)) / denominator;
  const double half = z * std::sqrt(q * (1 - q) / nd + z2 / (4 * nd * nd)) / denominator;
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

Comparison compareConversions(const Arm& control, const Arm& variant, double confidence) {
  requireConfidence("compareConversions", confidence);
  requireConversionArm("compareConversions", "control", control);
  requireConversionArm("compareConversions", "variant", variant);
  if (control.n == 0 || variant.n == 0) return undefinedComparison();

  const double nc = static_cast<double>(control.n);
  const double nv = static_cast<double>(variant.n);
  Comparison c;
  c.control = control.sum / nc;
  c.variant = variant.sum / nv;
  c.variant_ci = wilsonInterval(std::llround(variant.sum), variant.n, confidence);

  const double z = twoSidedZ(confidence);
  const double se_control = std::sqrt(c.control * (1 - c.control) / nc);
  const double se_variant = std::sqrt(c.variant * (1 - c.variant) / nv);
  c.abs_lift = c.variant - c.control;
  const double half = z * std::hypot(se_control, se_variant);
  c.abs_ci = {c.abs_lift - half, c.abs_lift + half};

  // The test pools both arms under the null hypothesis of equal rates. A pooled
  // rate of 0 or 1 means both arms converted equally (none or all): no evidence
  // of a difference, p = 1 (statsmodels divides 0 by 0 there and returns NaN).
  const double pooled = (control.sum + variant.sum) / (nc + nv);
  const double se_pooled = std::sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nv));
  c.p_value =
      se_pooled > 0 ? std::min(1.0, 2 * normalUpperTail(std::abs(c.abs_lift) / se_pooled)) : 1.0;
  setRelativeLift(c, se_control, se_variant, z);
  return c;
}

}  // namespace herald::stats
