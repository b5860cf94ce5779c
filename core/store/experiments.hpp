#pragma once
// What the store keeps about experiments (issue 14; docs/workflows.md,
// "Experiments"): each experiment's last spec, who was assigned to what
// (sticky: stored once, never recomputed), the decision of a
// test-then-winner experiment, stopped variants, and the counts a report is
// computed from. Reached through Store::experiments().
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace herald::store {

// Stored as text: split, test, holdout, waiting, rollout.
//  kSplit: assigned to a variant of a plain split; kTest: to a variant during
//  the test share of a test-then-winner experiment; kHoldout: held out;
//  kWaiting: waiting for the winner; kRollout: got the winner afterwards.
enum class ExperimentPhase { kSplit, kTest, kHoldout, kWaiting, kRollout };
const char* toString(ExperimentPhase p);
// nullopt for a word that is not a phase.
std::optional<ExperimentPhase> experimentPhaseFromString(const std::string& s);

struct ExperimentRecord {
  std::string key, workflow, revision, step;
  std::string spec;  // JSON text: the step's `with`, as last run
  int64_t created_ms = 0, updated_ms = 0;
};

struct ExperimentAssignment {
  int64_t contact_id = 0;
  std::string variant;  // "holdout" for the holdout, "" while waiting
  ExperimentPhase phase = ExperimentPhase::kSplit;
  int64_t assigned_ms = 0;
  int64_t exposed_ms = 0;  // when its goal window opens
  int64_t run_id = 0;
};

struct ExperimentDecision {
  std::string key;
  int64_t decided_ms = 0;
  std::string outcome;  // "winner" | "no_winner"
  std::string variant;  // who the waiting contacts get; "" = nobody
  std::string figures;  // JSON text
};

struct VariantStop {
  std::string variant, reason;
  int64_t at_ms = 0;
};

struct GoalQuery {
  std::string event_type;
  int64_t window_ms = 0;
  // nullopt: conversion; "amount": the exact amount_units column (read from
  // the events_by_type_contact index alone); any other name: that property
  // of the event's JSON, as a number.
  std::optional<std::string> value_property;
  // Leave out events whose properties.machine is true (machine opens).
  bool skip_machine = false;
  std::string workflow;  // for `sent`: ledger rows of this workflow
};

struct VariantCounts {
  std::string variant;
  ExperimentPhase phase = ExperimentPhase::kSplit;
  int64_t n = 0;            // recipients
  int64_t sent = 0;         // ledger rows of the workflow in state sent, after assignment
  int64_t conversions = 0;  // recipients with >= 1 goal event in their window
  // Per-recipient value (the sum of its goal events' values in its window,
  // 0 for none): the sum and the sum of squares, for the mean and variance.
  double value_sum = 0;
  double value_sum_sq = 0;
};

class ExperimentStore {
 public:
  virtual ~ExperimentStore() = default;
  // Upsert by key; keeps created_ms.
  virtual void registerExperiment(const ExperimentRecord& r) = 0;
  virtual std::optional<ExperimentRecord> experiment(const std::string& key) = 0;
  // Newest updated first.
  virtual std::vector<ExperimentRecord> listExperiments() = 0;
  // One transaction: for each wanted row, insert it unless the contact
  // already has an assignment in this experiment; the one exception: a
  // stored kWaiting row is replaced by a wanted kRollout row. Returns, per
  // wanted row in order, the row as stored.
  virtual std::vector<ExperimentAssignment> assign(
      const std::string& key, std::span<const ExperimentAssignment> wanted) = 0;
  // Stored assignments of the experiment, in contact id order.
  virtual std::vector<ExperimentAssignment> assignments(const std::string& key) = 0;
  virtual std::optional<ExperimentDecision> decision(const std::string& key) = 0;
  // The first one wins; returns the stored decision.
  virtual ExperimentDecision recordDecision(const ExperimentDecision& d) = 0;
  // Idempotent: a variant stopped once keeps its first reason and time.
  virtual void stopVariant(const std::string& key, const VariantStop& stop) = 0;
  virtual std::vector<VariantStop> stoppedVariants(const std::string& key) = 0;
  // Per (variant, phase), in variant then phase order: recipients, ledger
  // rows of q.workflow in state sent for them created at or after their
  // assignment, recipients with >= 1 event of q.event_type in
  // [exposed_ms, exposed_ms + window_ms), and the per-recipient value sums.
  virtual std::vector<VariantCounts> goalCounts(const std::string& key, const GoalQuery& q) = 0;
  // goalCounts() of each query, in order, from one pass over the
  // assignments: a report's goal and guardrails cost little more than one
  // goal (the assignments and each workflow's sent rows are read once).
  virtual std::vector<std::vector<VariantCounts>> goalCountsBatch(
      const std::string& key, std::span<const GoalQuery> goals) = 0;
};

}  // namespace herald::store
