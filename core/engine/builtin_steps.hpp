#pragma once
// The steps the engine runs itself: condition, wait, exit, and experiment
// (engine/experiment_step, which also reads and writes the store). They
// never leave the engine thread and never fail a batch.
#include <vector>

#include "engine/experiment_step.hpp"
#include "engine/moves.hpp"

namespace herald::engine {

// The move for one journey at a built-in step. `dry_run`: a wait is recorded
// (outcome "wait", with the wake time it would have) but the journey goes on
// at once, so a dry run shows every step of the workflow.
store::JourneyMove runBuiltin(const MoveContext& ctx, const store::DueJourney& journey,
                              bool dry_run);

// The moves of a batch at any built-in step, in order.
std::vector<store::JourneyMove> builtinMoves(const ExperimentRun& run,
                                             const std::vector<store::DueJourney>& journeys);

}  // namespace herald::engine
