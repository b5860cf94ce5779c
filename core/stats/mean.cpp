#include "stats/mean.hpp"

#include <algorithm>
#include <cmath>

#include "stats/checks.hpp"
#include "stats/distributions.hpp"
#include "stats/relative_lift.hpp"

namespace herald::stats {

double armMean(const Arm& arm) { return arm.sum / static_cast<double>(arm.n); }

double armSampleVariance(const Arm& arm) {
  const double n = static_cast<double>(arm.n);
  return std::max(0.0, (arm.sum_sq - arm.sum * arm.sum / n) / (n - 1));
}

Interval meanInterval(const Arm& arm, double confidence) {
  requireConfidence("meanInterval", confidence);
  requireValueArm("meanInterval", "arm", arm);
  if (arm.n < 2) return {std::nan(""), std::nan("")};
  const double mean = armMean(arm);
  const double t = boost::math::quantile(
      boost::math::complement(StudentsT(static_cast<double>(arm.n) - 1), (1 - confidence) / 2));
  const double half = t * std::sqrt(armSampleVariance(arm) / static_cast<double>(arm.n));
  return {mean - half, mean + half};
}

Comparison compareMeans(const Arm& control, const Arm& variant, double confidence) {
  requireConfidence("compareMeans", confidence);
  requireValueArm("compareMeans", "control", control);
  requireValueArm("compareMeans", "variant", variant);
  if (control.n < 2 || variant.n < 2) return undefinedComparison();

  const double nc = static_cast<double>(control.n);
  const double nv = static_cast<double>(variant.n);
  const double tail = (1 - confidence) / 2;
  Comparison c;
  c.control = armMean(control);
  c.variant = armMean(variant);
  const double var_mean_c = armSampleVariance(control) / nc;
  const double var_mean_v = armSampleVariance(variant) / nv;

  c.variant_ci = meanInterval(variant, confidence);

  c.abs_lift = c.variant - c.control;
  const double var_diff = var_mean_c + var_mean_v;
  if (var_diff == 0) {
    c.abs_ci = {c.abs_lift, c.abs_lift};
    c.p_value = c.abs_lift == 0 ? 1.0 : 0.0;
    setRelativeLift(c, 0, 0, 0);
    return c;
  }
  // Welch–Satterthwaite: the t distribution that best fits the difference of two
  // means with unequal variances.
  const double df = var_diff * var_diff /
                    (var_mean_c * var_mean_c / (nc - 1) + var_mean_v * var_mean_v / (nv - 1));
  const StudentsT welch(df);
  const double t_crit = boost::math::quantile(boost::math::complement(welch, tail));
  const double se = std::sqrt(var_diff);
  c.abs_ci = {c.abs_lift - t_crit * se, c.abs_lift + t_crit * se};
  c.p_value = std::min(
      1.0, 2 * boost::math::cdf(boost::math::complement(welch, std::abs(c.abs_lift) / se)));
  setRelativeLift(c, std::sqrt(var_mean_c), std::sqrt(var_mean_v), t_crit);
  return c;
}

}  // namespace herald::stats
