#include "experiment/power_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "stats/power.hpp"
#include "util/group_digits.hpp"

namespace herald::experiment {
std::optional<std::string> powerWarning(const Spec& spec, int64_t audience) {
  if (!spec.power || spec.variants.size() < 2) return std::nullopt;
  double total = 0, smallest = spec.variants.front().weight;
  for (const auto& v : spec.variants) {
    total += v.weight;
    smallest = std::min(smallest, v.weight);
  }
  const double test_share = spec.rollout ? spec.rollout->test_share : 1.0;
  const double alpha = spec.rollout ? spec.rollout->alpha : 0.05;
  const double share = (1 - spec.holdout) * test_share * smallest / total;
  const auto per_arm = static_cast<int64_t>(std::floor(static_cast<double>(audience) * share));
  const Power& p = *spec.power;
  const int64_t needed = stats::sampleSizePerVariant(p.baseline, p.minimum_effect, alpha, kPower);
  if (per_arm >= needed) return std::nullopt;
  std::string detectable = "none (even a rate of 100% could not be told apart)";
  if (per_arm > 1) {
    const double mde = stats::minimumDetectableEffect(p.baseline, per_arm, alpha, kPower);
    if (std::isfinite(mde)) detectable = fmt::format("{:.0f}%", mde * 100);
  }
  return fmt::format(
      "too few contacts to detect the declared effect: the smallest variant gets about {} "
      "contacts ({} in the audience x {:.4g}%), but detecting a {:.4g}% relative lift over a "
      "{:.4g}% baseline at 80% power (alpha {}, two-sided) needs {} per variant. With {} per "
      "variant the smallest lift it can detect is {}; raise the test share, use fewer variants, "
      "or declare a larger minimum_effect",
      groupDigits(per_arm), groupDigits(audience), share * 100, p.minimum_effect * 100,
      p.baseline * 100, alpha, groupDigits(needed), groupDigits(per_arm), detectable);
}

}  // namespace herald::experiment
