#pragma once
// The experiment step (docs/workflows.md "Experiments"): each contact gets a
// variant by a hash of (experiment key, contact id), stored on its first
// assignment so that a rerun, a crash or a new revision never moves it; the
// journey then takes its variant's branch (or goes on, the next delivery
// step sending the variant's fields), waits for its variant's send time,
// leaves as held out, or, in a test-then-winner experiment, waits at the
// step for the decision and then gets the winner.
//
// The decision is made by the first batch that finds waiting contacts at or
// after the decision time, and stored before any of them moves: after a
// crash the stored decision is read back, so the rest never get two
// variants or the winner twice.
#include <vector>

#include "engine/moves.hpp"
#include "store/store.hpp"

namespace herald::engine {

struct ExperimentRun {
  store::Store& store;
  const MoveContext& ctx;
  int64_t run_id = 0;
  // A dry run assigns by the same hash but stores nothing and decides
  // nothing: contacts waiting for the winner go on as the control.
  bool dry_run = false;
  // When guardrails were last checked in this run (engine clock; 0 =
  // never): they are checked at most once an hour, each time over every
  // assignment of the experiment.
  int64_t* guardrails_checked_ms = nullptr;
};

// The move of each journey, in order.
std::vector<store::JourneyMove> runExperiment(const ExperimentRun& run,
                                              const std::vector<store::DueJourney>& journeys);

// The journey variable that carries a contact's variant of experiment `key`
// to the steps after it: vars.experiments[key] ("" when none).
const std::string& variantOf(const nlohmann::json& vars, const std::string& key);

}  // namespace herald::engine
