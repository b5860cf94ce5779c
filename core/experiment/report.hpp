#pragma once
// What an experiment shows now: per arm, who was assigned and sent, the
// goal's rate (or mean value) with its interval, lift against the control
// with intervals, raw and Holm-corrected p-values, the chance to beat the
// control, the guardrails, the sample-ratio check, what the rule says, and
// the decision when one was made. `herald experiments show`, the admin API
// and the decision itself (figures stored with it) read the same Report.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "experiment/spec.hpp"
#include "stats/bayes.hpp"
#include "stats/decision_rule.hpp"
#include "stats/proportion.hpp"
#include "store/experiments.hpp"

namespace herald::experiment {

struct GoalFigures {
  int64_t n = 0;            // contacts in the arm's statistics (randomized)
  int64_t conversions = 0;  // contacts with the goal's event in their window
  double value_sum = 0;     // value goals: the sum of the property
  double rate = 0;          // conversions / n, or value_sum / n
  stats::Interval ci;
  // Treatments against the control; the holdout's row compares the
  // control against the holdout (what sending at all changed).
  std::optional<stats::Comparison> vs_control;
  std::optional<double> p_adjusted;  // Holm over the treatments
  std::optional<stats::Bayes> bayes;
  std::optional<stats::Interval> sequential;  // of the difference, at the rule's alpha
};

struct GuardrailFigures {
  std::string event;
  int64_t count = 0;
  double rate = 0;
  std::optional<stats::Interval> sequential;  // treatments: of the difference to the control
  bool breached = false;                      // significantly worse than the control
};

struct ArmReport {
  std::string name;
  bool control = false;
  bool holdout = false;
  bool stopped = false;
  std::string stop_reason;
  double expected_share = 0;  // of the randomized contacts
  int64_t assigned = 0;       // randomized: split, test or holdout
  int64_t sent = 0;           // ledger rows sent to its contacts after assignment
  int64_t rest = 0;           // contacts that got it as the winner (or after a stop)
  GoalFigures goal;
  std::vector<GuardrailFigures> guardrails;
};

struct Report {
  store::ExperimentRecord record;
  Spec spec;
  std::vector<ArmReport> arms;  // the variants in order, then the holdout (when any)
  int64_t waiting = 0;          // contacts waiting for the decision
  double srm_p = 1;
  bool srm_mismatch = false;  // srm_p < kSrmAlpha: the split is not what the weights say
  stats::Verdict verdict;     // the rule's answer now, over the variants not stopped
  int winner = -1;            // index into arms of the rule's winner now; -1: none
  std::optional<store::ExperimentDecision> decision;
  int64_t decide_at = 0;  // test-then-winner: when the rule decides
  std::string status;     // one sentence: what happened and what comes next
  int64_t now_ms = 0;
};

inline constexpr double kSrmAlpha = 0.001;

// The report of a stored experiment (its spec read from record.spec).
// Throws std::runtime_error when the stored spec cannot be read.
Report buildReport(store::ExperimentStore& store, const store::ExperimentRecord& record,
                   int64_t now_ms);

// The report as JSON, one object per arm with plain numbers (NaN as null),
// ready for a chart: docs/operations.md "Experiments over the API".
nlohmann::json toJson(const Report& report);

// One line of `herald experiments list --json` and GET /api/v1/experiments:
// key, workflow, step, started, status.
nlohmann::json summaryJson(const Report& report);

}  // namespace herald::experiment
