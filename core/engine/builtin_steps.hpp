#pragma once
// The control-flow steps the engine runs itself: condition, wait, exit.
// They never leave the engine thread and never fail a batch.
#include "engine/moves.hpp"

namespace herald::engine {

// The move for one journey at a built-in step. `dry_run`: a wait is recorded
// (outcome "wait", with the wake time it would have) but the journey goes on
// at once, so a dry run shows every step of the workflow.
store::JourneyMove runBuiltin(const MoveContext& ctx, const store::DueJourney& journey,
                              bool dry_run);

}  // namespace herald::engine
