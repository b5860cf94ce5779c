// A/A simulations of the stopping rules: every arm has the same true rate (or
// revenue), so any declared winner is a false one. Over many seeded experiments
// checked at 20 decision points, the sequential rule declares a winner at most
// alpha of the time; the Bayesian rule, checked once, picks a treatment about
// (1 - threshold) of the time per treatment; and a naive fixed-horizon z-test
// peeked at 20 times does far worse — the reason the sequential rule exists.
// And with a real lift, the sequential rule does find it.
// The figures are printed and recorded as test properties.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "stats/decision_rule.hpp"

namespace herald::stats {
namespace {

// 3,200 experiments x 20 looks take ~1 s in Release (decide costs ~10 us for two
// arms), so the full count also runs under ASan and in Debug.
constexpr int kLooks = 20;

struct Rates {
  int experiments = 0;
  int any_winner = 0;         // declared at some look (sequential rule)
  int naive_significant = 0;  // raw p < alpha at some look (fixed-horizon z-test)
  int bayes_control = 0;      // Bayesian rule at the last look: control named
  int bayes_treatments = 0;   // Bayesian rule at the last look: a treatment named
  int treatments = 0;         // per experiment, for the per-treatment rate
};

double share(int count, int of) { return static_cast<double>(count) / of; }

// Three standard errors of a Monte-Carlo proportion near p over n experiments.
double tolerance(double p, int n) { return 3 * std::sqrt(p * (1 - p) / n); }

void report(const char* name, const Rates& r) {
  const double sequential = share(r.any_winner, r.experiments);
  const double naive = share(r.naive_significant, r.experiments);
  const double bayes_per_treatment = share(r.bayes_treatments, r.experiments * r.treatments);
  std::printf(
      "%s: %d A/A experiments, %d looks each\n"
      "  sequential rule (alpha 0.05): winner declared in %.2f%%\n"
      "  naive z-test peeked %d times: 'significant' in %.2f%%\n"
      "  Bayesian rule at one look (threshold 0.95): a treatment named in %.2f%% per "
      "treatment, control named in %.2f%%\n",
      name, r.experiments, kLooks, 100 * sequential, kLooks, 100 * naive, 100 * bayes_per_treatment,
      100 * share(r.bayes_control, r.experiments));
  ::testing::Test::RecordProperty("experiments", r.experiments);
  ::testing::Test::RecordProperty("sequential_false_winner_rate", std::to_string(sequential));
  ::testing::Test::RecordProperty("naive_peeking_false_positive_rate", std::to_string(naive));
  ::testing::Test::RecordProperty("bayesian_false_winner_rate_per_treatment",
                                  std::to_string(bayes_per_treatment));
}

// Runs `experiments` A/A tests of `arm_count` arms; `draw(rng, batch)` adds one
// batch of recipients to an arm.
template <class Draw>
Rates simulate(uint64_t seed, int experiments, size_t arm_count, int64_t batch, GoalKind goal,
               Draw draw) {
  std::mt19937_64 rng(seed);
  Rule sequential;  // alpha 0.05, min_sample 100
  Rule bayesian;
  bayesian.kind = Rule::Kind::kBayesian;
  Rates r;
  r.experiments = experiments;
  r.treatments = static_cast<int>(arm_count - 1);
  for (int e = 0; e < experiments; ++e) {
    std::vector<Arm> arms(arm_count);
    bool declared = false;
    bool naive = false;
    for (int look = 1; look <= kLooks; ++look) {
      for (Arm& arm : arms) draw(rng, batch, arm);
      const Verdict v = decide(sequential, goal, arms);
      declared = declared || v.winner >= 0;
      for (const Comparison& c : v.comparisons) naive = naive || c.p_value < sequential.alpha;
      if (look == kLooks) {
        const Verdict once = decide(bayesian, goal, arms);
        if (once.winner == 0) ++r.bayes_control;
        if (once.winner > 0) ++r.bayes_treatments;
      }
    }
    r.any_winner += declared;
    r.naive_significant += naive;
  }
  return r;
}

void addConversions(std::mt19937_64& rng, int64_t batch, Arm& arm, double rate) {
  const auto converted = static_cast<double>(std::binomial_distribution<int64_t>(batch, rate)(rng));
  arm.n += batch;
  arm.sum += converted;
  arm.sum_sq += converted;
}

void expectRates(const Rates& r) {
  // Confidence sequences are conservative: the bound holds without a Monte-Carlo allowance.
  EXPECT_LE(share(r.any_winner, r.experiments), 0.05);
  // (1 - threshold) per treatment at one look, within the Monte-Carlo error.
  EXPECT_LE(share(r.bayes_treatments, r.experiments * r.treatments),
            0.05 + tolerance(0.05, r.experiments * r.treatments));
}

TEST(StatsAaSimulation, TwoArmConversionsStayAtOrBelowAlpha) {
  const Rates r = simulate(
      20261207, 2000, 2, 100, GoalKind::kConversion,
      [](std::mt19937_64& rng, int64_t batch, Arm& arm) { addConversions(rng, batch, arm, 0.08); });
  report("two arms, 8% conversion, +100 recipients per arm per look", r);
  expectRates(r);
  // Peeking matters: the same data, tested at a fixed alpha at every look, finds
  // "significant" differences several times more often than 5%.
  EXPECT_GT(share(r.naive_significant, r.experiments), 0.12);
}

TEST(StatsAaSimulation, ThreeArmConversionsStayAtOrBelowAlpha) {
  const Rates r = simulate(
      7, 600, 3, 150, GoalKind::kConversion,
      [](std::mt19937_64& rng, int64_t batch, Arm& arm) { addConversions(rng, batch, arm, 0.2); });
  report("three arms, 20% conversion, +150 recipients per arm per look", r);
  expectRates(r);
}

TEST(StatsAaSimulation, TwoArmRevenueStaysAtOrBelowAlpha) {
  // Revenue per recipient: 10% buy, amounts exponential with mean 40 — the skewed
  // shape real revenue has.
  const Rates r = simulate(99, 600, 2, 200, GoalKind::kValue,
                           [](std::mt19937_64& rng, int64_t batch, Arm& arm) {
                             std::bernoulli_distribution buys(0.1);
                             std::exponential_distribution<double> amount(1.0 / 40);
                             for (int64_t i = 0; i < batch; ++i) {
                               const double value = buys(rng) ? amount(rng) : 0.0;
                               arm.sum += value;
                               arm.sum_sq += value * value;
                             }
                             arm.n += batch;
                           });
  report("two arms, revenue (10% buy, exponential amounts), +200 recipients per arm per look", r);
  expectRates(r);
}

// The other side of the A/A bound: a rule that never names a winner would pass
// it too. With a real lift (8% -> 10%), the sequential rule finds the variant in
// most experiments by the last look, and never names control.
TEST(StatsAbSimulation, SequentialRuleFindsARealLift) {
  std::mt19937_64 rng(424242);
  const Rule rule;
  constexpr int kExperiments = 300;
  constexpr int64_t kBatch = 500;
  int variant_won = 0;
  int control_won = 0;
  int64_t recipients_at_decision = 0;
  for (int e = 0; e < kExperiments; ++e) {
    std::vector<Arm> arms(2);
    for (int look = 1; look <= kLooks; ++look) {
      addConversions(rng, kBatch, arms[0], 0.08);
      addConversions(rng, kBatch, arms[1], 0.10);
      const Verdict v = decide(rule, GoalKind::kConversion, arms);
      if (v.winner < 0) continue;
      (v.winner == 1 ? variant_won : control_won) += 1;
      recipients_at_decision += arms[0].n;
      break;
    }
  }
  const double power = share(variant_won, kExperiments);
  std::printf(
      "A/B, 8%% vs 10%% conversion, +%ld recipients per arm per look: the sequential rule named "
      "the variant in %.1f%% of %d experiments (control in %d), after %.0f recipients per arm on "
      "average\n",
      static_cast<long>(kBatch), 100 * power, kExperiments, control_won,
      variant_won + control_won > 0
          ? static_cast<double>(recipients_at_decision) / (variant_won + control_won)
          : 0.0);
  RecordProperty("sequential_power_8_to_10_pct", std::to_string(power));
  EXPECT_GE(power, 0.8);
  EXPECT_EQ(control_won, 0);
}

}  // namespace
}  // namespace herald::stats
