#pragma once
// The test-then-winner stopping rule: given the arms of an experiment so far, is
// there a winner? Two rules, each with its error rate documented in
// docs/workflows.md ("Experiments: the statistics") and shown by the A/A
// simulation in tests/unit/stats/aa_simulation_test.cpp.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stats/arm.hpp"
#include "stats/bayes.hpp"
#include "stats/comparison.hpp"

namespace herald::stats {

struct Rule {
  // kSequential: a confidence sequence per treatment, safe to check at every
  // decision point. kBayesian: chance to beat control >= threshold, valid at ONE
  // look (the end of the decision window): about (1 - threshold) false winners per
  // treatment in an A/A test.
  enum class Kind { kSequential, kBayesian } kind = Kind::kSequential;
  double alpha = 0.05;           // kSequential: shared by the treatments (Bonferroni: alpha/k each)
  double threshold = 0.95;       // kBayesian: in (0.5, 1)
  int64_t min_sample = 100;      // every arm needs this many recipients before any decision
  bool higher_is_better = true;  // false for goals where lower is better (unsubscribes)
  double tuning = 5000;          // the confidence sequence's tuning (see sequential.hpp)
};

enum class GoalKind { kConversion, kValue };

struct Verdict {
  int winner = -1;     // index into arms; 0 = control; -1 = none yet
  bool ready = false;  // every arm has min_sample
  std::string reason;  // one readable sentence with the figures
  // One entry per treatment: [i - 1] is arm i against control (arm 0).
  // comparisons: at confidence 1 - alpha, raw (not corrected) intervals and p-values.
  std::vector<Comparison> comparisons;
  // p_holm[i - 1]: the comparisons' p-values adjusted by Holm–Bonferroni.
  std::vector<double> p_holm;
  // bayes: oriented by the goal: with higher_is_better = false, chance_to_beat is
  // P(variant < control) and the losses count increases as losses.
  std::vector<Bayes> bayes;
  // sequential[i - 1]: the confidence sequence of the absolute difference
  // (variant - control) at alpha/k; NaN when the comparison is undefined.
  std::vector<Interval> sequential;
};

// The variance of the estimated difference of two arms' rates (conversion:
// p(1 - p)/n per arm, the unpooled Wald variance) or means (value: s^2/n per arm,
// the sample variance): what the sequential rule's confidence sequences use, so
// a report drawing them agrees with the verdict. NaN when an arm is empty.
double varianceOfDifference(GoalKind goal, const Arm& control, const Arm& variant);

// Applies `rule` to `arms` ([0] is control). `names` (optional, one per arm) are
// used in the reason; without them arms are called "control", "variant 1", ...
// Throws std::invalid_argument for fewer than two arms, names of the wrong count,
// alpha outside (0, 1), threshold outside (0.5, 1), a negative min_sample, or an
// arm the goal's functions refuse.
Verdict decide(const Rule& rule, GoalKind goal, std::span<const Arm> arms,
               std::span<const std::string> names = {});

}  // namespace herald::stats
