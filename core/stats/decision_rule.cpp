#include "stats/decision_rule.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/checks.hpp"
#include "stats/holm.hpp"
#include "stats/mean.hpp"
#include "stats/proportion.hpp"
#include "stats/sequential.hpp"

namespace herald::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void requireRule(const Rule& rule, size_t arm_count, size_t name_count) {
  if (arm_count < 2) {
    throw std::invalid_argument(fmt::format(
        "decide: an experiment needs a control and a treatment, got {} arm(s)", arm_count));
  }
  if (name_count != 0 && name_count != arm_count) {
    throw std::invalid_argument(fmt::format("decide: {} names for {} arms", name_count, arm_count));
  }
  requireAlpha("decide", rule.alpha);
  if (!(rule.threshold > 0.5 && rule.threshold < 1)) {
    throw std::invalid_argument(fmt::format(
        "decide: the threshold must be between 0.5 and 1 (exclusive), got {}", rule.threshold));
  }
  if (rule.min_sample < 0) {
    throw std::invalid_argument(
        fmt::format("decide: min_sample must be >= 0, got {}", rule.min_sample));
  }
}

Bayes oriented(Bayes b, bool higher_is_better) {
  if (higher_is_better || !b.defined) return b;
  return {true, 1 - b.chance_to_beat, b.loss_control, b.loss_variant};
}

class Describer {
 public:
  Describer(GoalKind goal, std::span<const std::string> names) : goal_(goal), names_(names) {}

  std::string name(size_t arm) const {
    if (!names_.empty()) return names_[arm];
    return arm == 0 ? std::string("control") : fmt::format("variant {}", arm);
  }
  // A difference of rates in percentage points, of values in the value's units.
  std::string difference(double d) const {
    if (goal_ == GoalKind::kConversion) return fmt::format("{:+.2f} pp", 100 * d);
    return fmt::format("{:+.4g}", d);
  }
  // An amount (a loss) in the same units, without a sign.
  std::string amount(double d) const {
    if (goal_ == GoalKind::kConversion) return fmt::format("{:.2f} pp", 100 * d);
    return fmt::format("{:.4g}", d);
  }
  std::string interval(const Interval& i) const {
    return fmt::format("{} to {}", difference(i.low), difference(i.high));
  }

 private:
  GoalKind goal_;
  std::span<const std::string> names_;
};

std::string percent(double share) { return fmt::format("{:.1f}%", 100 * share); }

void decideSequential(const Rule& rule, const Describer& say, Verdict& v) {
  const size_t k = v.sequential.size();
  const char* better = rule.higher_is_better ? "above" : "below";
  const char* worse = rule.higher_is_better ? "below" : "above";
  const auto on_better_side = [&](const Interval& i) {
    return rule.higher_is_better ? i.low > 0 : i.high < 0;
  };
  const auto on_worse_side = [&](const Interval& i) {
    return rule.higher_is_better ? i.high < 0 : i.low > 0;
  };
  const auto goodness = [&](size_t t) {
    return rule.higher_is_better ? v.comparisons[t].abs_lift : -v.comparisons[t].abs_lift;
  };
  const std::string level = k == 1
                                ? fmt::format("alpha {}", rule.alpha)
                                : fmt::format("alpha {:.4g} each, {} shared by {} treatments",
                                              rule.alpha / static_cast<double>(k), rule.alpha, k);
  int best_winner = -1;
  int best_open = -1;
  bool all_worse = true;
  for (size_t t = 0; t < k; ++t) {
    if (on_better_side(v.sequential[t]) &&
        (best_winner < 0 || goodness(t) > goodness(static_cast<size_t>(best_winner)))) {
      best_winner = static_cast<int>(t);
    }
    if (!on_worse_side(v.sequential[t])) all_worse = false;
    if (v.comparisons[t].defined &&
        (best_open < 0 || goodness(t) > goodness(static_cast<size_t>(best_open)))) {
      best_open = static_cast<int>(t);
    }
  }
  if (best_winner >= 0) {
    const auto t = static_cast<size_t>(best_winner);
    v.winner = best_winner + 1;
    v.reason = fmt::format(
        "{} wins: the confidence sequence of its difference to {}, {}, lies {} 0 (sequential "
        "test, {}).",
        say.name(t + 1), say.name(0), say.interval(v.sequential[t]), better, level);
  } else if (all_worse) {
    v.winner = 0;
    std::string sequences;
    for (size_t t = 0; t < k; ++t) {
      sequences += fmt::format("{}{}: {}", t == 0 ? "" : "; ", say.name(t + 1),
                               say.interval(v.sequential[t]));
    }
    v.reason = fmt::format(
        "{} wins: every treatment's confidence sequence lies {} 0 ({}; sequential "
        "test, {}).",
        say.name(0), worse, sequences, level);
  } else if (best_open >= 0) {
    const auto t = static_cast<size_t>(best_open);
    v.reason = fmt::format(
        "No winner yet: the confidence sequence of the best treatment, {}, is {} and still "
        "contains 0 (sequential test, {}).",
        say.name(t + 1), say.interval(v.sequential[t]), level);
  } else {
    v.reason = "No winner yet: no treatment can be compared with control yet.";
  }
}

void decideBayesian(const Rule& rule, const Describer& say, Verdict& v) {
  int best = -1;
  bool all_low = true;
  for (size_t t = 0; t < v.bayes.size(); ++t) {
    const double chance = v.bayes[t].chance_to_beat;
    if (!(chance <= 1 - rule.threshold)) all_low = false;
    if (v.bayes[t].defined &&
        (best < 0 || chance > v.bayes[static_cast<size_t>(best)].chance_to_beat)) {
      best = static_cast<int>(t);
    }
  }
  if (best < 0) {
    v.reason = "No winner yet: no treatment can be compared with control yet.";
    return;
  }
  const auto t = static_cast<size_t>(best);
  const Bayes& b = v.bayes[t];
  if (b.chance_to_beat >= rule.threshold) {
    v.winner = best + 1;
    v.reason = fmt::format(
        "{} wins: its chance to beat {} is {} (the rule asks for {}); choosing it risks an "
        "expected loss of {}.",
        say.name(t + 1), say.name(0), percent(b.chance_to_beat), percent(rule.threshold),
        say.amount(b.loss_variant));
  } else if (all_low) {
    v.winner = 0;
    v.reason = fmt::format("{} wins: no treatment's chance to beat it exceeds {} (best: {}, {}).",
                           say.name(0), percent(1 - rule.threshold), say.name(t + 1),
                           percent(b.chance_to_beat));
  } else {
    v.reason = fmt::format(
        "No winner: the best treatment, {}, beats {} with a chance of {}, below the {} the rule "
        "asks for.",
        say.name(t + 1), say.name(0), percent(b.chance_to_beat), percent(rule.threshold));
  }
}

}  // namespace

double varianceOfDifference(GoalKind goal, const Arm& control, const Arm& variant) {
  const auto of = [goal](const Arm& arm) {
    const double n = static_cast<double>(arm.n);
    if (goal == GoalKind::kConversion) {
      const double rate = arm.sum / n;
      return rate * (1 - rate) / n;
    }
    return armSampleVariance(arm) / n;
  };
  return of(control) + of(variant);
}

Verdict decide(const Rule& rule, GoalKind goal, std::span<const Arm> arms,
               std::span<const std::string> names) {
  requireRule(rule, arms.size(), names.size());
  const Describer say(goal, names);
  const size_t k = arms.size() - 1;
  const double confidence = 1 - rule.alpha;
  const double alpha_each = rule.alpha / static_cast<double>(k);

  Verdict v;
  std::vector<double> p_values;
  for (size_t i = 1; i <= k; ++i) {
    const Comparison c = goal == GoalKind::kConversion
                             ? compareConversions(arms[0], arms[i], confidence)
                             : compareMeans(arms[0], arms[i], confidence);
    v.comparisons.push_back(c);
    p_values.push_back(c.p_value);
    v.bayes.push_back(oriented(goal == GoalKind::kConversion ? betaChanceToBeat(arms[0], arms[i])
                                                             : normalChanceToBeat(arms[0], arms[i]),
                               rule.higher_is_better));
    v.sequential.push_back(
        c.defined ? confidenceSequence(c.abs_lift, varianceOfDifference(goal, arms[0], arms[i]),
                                       arms[0].n + arms[i].n, alpha_each, rule.tuning)
                  : Interval{kNaN, kNaN});
  }
  v.p_holm = holm(p_values);

  size_t behind = 0;
  for (size_t i = 1; i < arms.size(); ++i) {
    if (arms[i].n < arms[behind].n) behind = i;
  }
  v.ready = arms[behind].n >= rule.min_sample;
  if (!v.ready) {
    v.reason = fmt::format("No decision yet: every arm needs {} recipients; {} has {} ({} to go).",
                           rule.min_sample, say.name(behind), arms[behind].n,
                           rule.min_sample - arms[behind].n);
    return v;
  }
  if (rule.kind == Rule::Kind::kSequential) {
    decideSequential(rule, say, v);
  } else {
    decideBayesian(rule, say, v);
  }
  return v;
}

}  // namespace herald::stats
