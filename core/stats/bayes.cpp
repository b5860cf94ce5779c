#include "stats/bayes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "stats/checks.hpp"
#include "stats/distributions.hpp"
#include "stats/mean.hpp"

namespace herald::stats {
namespace {

// P(Y > X) for X ~ Beta(a, b) and Y ~ Beta(c, d) with c a positive integer:
// Evan Miller's closed form, a sum over i in 0..c-1 of
//   t_i = B(a + i, b + d) / ((d + i) B(1 + i, d) B(a, b)).
// Consecutive terms have the ratio (a + i)(d + i) / ((a + b + d + i)(1 + i)),
// which exceeds 1 exactly while i < (ad - a - b - d)/(b + 1): the terms rise to
// one mode and fall. The sum starts at the mode and walks both ways until the
// terms no longer count, so it costs the spread of the terms, not c; the mode's
// term comes from log-gammas in long double (~1e-12 relative for parameters
// near 10^6).
double chanceGreaterSum(double a, double b, double c, double d) {
  const auto terms = static_cast<int64_t>(std::llround(c));
  const auto ratio = [&](double i) { return (a + i) * (d + i) / ((a + b + d + i) * (1 + i)); };
  const auto lbeta = [](long double x, long double y) {
    return std::lgamma(x) + std::lgamma(y) - std::lgamma(x + y);
  };
  const double turn = std::floor((a * d - a - b - d) / (b + 1)) + 1;
  const auto mode = static_cast<int64_t>(std::clamp(turn, 0.0, static_cast<double>(terms - 1)));
  // The terms relative to the one at the mode (1 there, smaller elsewhere), in
  // double: the walk is the cost of this function (thousands of terms when
  // both arms hold ~10^6 recipients), and no term can overflow or underflow
  // before it stops counting.
  constexpr double kNegligible = 1e-18;
  double relative_sum = 1;
  double term = 1;
  for (int64_t i = mode; i + 1 < terms; ++i) {
    term *= ratio(static_cast<double>(i));
    relative_sum += term;
    if (term < kNegligible * relative_sum) break;
  }
  term = 1;
  for (int64_t i = mode; i > 0; --i) {
    term /= ratio(static_cast<double>(i - 1));
    relative_sum += term;
    if (term < kNegligible * relative_sum) break;
  }
  const auto i0 = static_cast<long double>(mode);
  const long double log_peak = lbeta(a + i0, b + d) - std::log(d + i0) - lbeta(1 + i0, d) -
                               lbeta(static_cast<long double>(a), b);
  return static_cast<double>(std::min(1.0L, std::exp(log_peak + std::log(relative_sum))));
}

// P(Y > X) for X ~ Beta(a, b), Y ~ Beta(c, d), c and b integers (a Beta
// posterior of counts has integer parameters). 1 - Y ~ Beta(d, c) and
// 1 - X ~ Beta(b, a), so P(Y > X) = P(1 - X > 1 - Y), a sum over b terms: the
// shorter of the two sums is taken, with no subtraction that would lose digits.
double chanceGreater(double a, double b, double c, double d) {
  return c <= b ? chanceGreaterSum(a, b, c, d) : chanceGreaterSum(d, c, b, a);
}

}  // namespace

Bayes betaChanceToBeat(const Arm& control, const Arm& variant) {
  requireConversionArm("betaChanceToBeat", "control", control);
  requireConversionArm("betaChanceToBeat", "variant", variant);
  const double a = 1 + control.sum;
  const double b = 1 + static_cast<double>(control.n) - control.sum;
  const double c = 1 + variant.sum;
  const double d = 1 + static_cast<double>(variant.n) - variant.sum;
  const double mean_a = a / (a + b);
  const double mean_b = c / (c + d);
  Bayes out;
  out.chance_to_beat = chanceGreater(a, b, c, d);
  // x f_A(x) = mean_A f_A+(x) with A+ = Beta(a + 1, b), so
  //   E[max(A - B, 0)] = mean_A P(A+ > B) - mean_B P(A > B+),
  // and (J. D. Cook, "Exact calculation of beta inequalities", from
  // I_x(a + 1, b) = I_x(a, b) - x^a (1 - x)^b / (a B(a, b)))
  //   P(A+ > B) = P(A > B) + h/a,  P(A > B+) = P(A > B) - h/c,
  //   h = B(a + c, b + d) / (B(a, b) B(c, d)),
  // so the loss needs no second sum.
  const auto lbeta = [](long double x, long double y) {
    return std::lgamma(x) + std::lgamma(y) - std::lgamma(x + y);
  };
  const auto h = static_cast<double>(
      std::exp(lbeta(static_cast<long double>(a) + c, static_cast<long double>(b) + d) -
               lbeta(a, b) - lbeta(c, d)));
  const double control_ahead = 1 - out.chance_to_beat;  // P(A > B)
  out.loss_variant =
      std::max(0.0, control_ahead * (mean_a - mean_b) + h * (1 / (a + b) + 1 / (c + d)));
  // max(x, 0) - max(-x, 0) = x, so the two losses differ by E[B - A].
  out.loss_control = std::max(0.0, out.loss_variant + mean_b - mean_a);
  return out;
}

Bayes normalChanceToBeat(const Arm& control, const Arm& variant) {
  requireValueArm("normalChanceToBeat", "control", control);
  requireValueArm("normalChanceToBeat", "variant", variant);
  if (control.n < 2 || variant.n < 2) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    return {false, kNaN, kNaN, kNaN};
  }
  const double diff = armMean(variant) - armMean(control);
  const double se = std::sqrt(armSampleVariance(control) / static_cast<double>(control.n) +
                              armSampleVariance(variant) / static_cast<double>(variant.n));
  Bayes out;
  if (se == 0) {  // no spread: the difference is known exactly
    out.chance_to_beat = diff > 0 ? 1.0 : diff < 0 ? 0.0 : 0.5;
    out.loss_variant = std::max(-diff, 0.0);
    out.loss_control = std::max(diff, 0.0);
    return out;
  }
  const double z = diff / se;
  const double density = boost::math::pdf(Normal(), z);
  out.chance_to_beat = normalUpperTail(-z);
  // E[max(-D, 0)] = se phi(z) - diff Phi(-z); E[max(D, 0)] = se phi(z) + diff Phi(z).
  out.loss_variant = std::max(0.0, se * density - diff * normalUpperTail(z));
  out.loss_control = std::max(0.0, se * density + diff * out.chance_to_beat);
  return out;
}

}  // namespace herald::stats
