#pragma once
// What a step's outcome for one journey means for that journey: where it
// goes next, whether it waits, is retried or ends. Pure functions, shared by
// built-in and plugin steps.
#include <string>

#include "plugin/registry.hpp"
#include "store/records.hpp"
#include "workflow/model.hpp"

namespace herald::engine {

struct MoveContext {
  const workflow::Workflow& workflow;
  const workflow::Step& step;
  int64_t now_ms = 0;
};

// The move for `outcome` (vars merged into the journey's vars as a JSON
// merge patch). A branch the step does not map fails the journey with a
// reason naming the branches it knows.
store::JourneyMove moveFor(const MoveContext& ctx, const store::DueJourney& journey,
                           const plugin::Outcome& outcome);

// A failure: retried after the step's backoff (doubling per attempt) while
// attempts remain and `retryable`, else the journey fails with `reason`.
store::JourneyMove failureMove(const MoveContext& ctx, const store::DueJourney& journey,
                               const std::string& reason, bool retryable,
                               const nlohmann::json& vars);

// The delivery policy refused the message (`decision`: "no-consent",
// "capped", ...): not a failure. The journey follows the step's on_refused:
// the next step (continue), the end (exit, with `reason`) or a branch. The
// outcome "refused:<decision>" counts it under its reason in the report.
store::JourneyMove refusalMove(const MoveContext& ctx, const store::DueJourney& journey,
                               const std::string& decision, const std::string& reason);

// Quiet hours: the journey waits at the step until `until_ms` and is
// delivered under the same ledger key then (not a new visit, no attempt
// used).
store::JourneyMove deferralMove(const MoveContext& ctx, const store::DueJourney& journey,
                                int64_t until_ms, std::string reason);

// A journey that passes the step without the step being called (a delivery
// already sent by an earlier attempt or run): continues to the next step.
store::JourneyMove continueMove(const MoveContext& ctx, const store::DueJourney& journey,
                                std::string note);

// The move of a journey leaving `ctx.step` now with its variables as they
// are: the start every move is made from.
store::JourneyMove startMove(const MoveContext& ctx, const store::DueJourney& journey);

// Backoff before retry number `failed_attempts` + 1.
int64_t retryDelayMs(const workflow::RetryPolicy& policy, int failed_attempts);

// Journey variables after a step's output vars were merged in.
nlohmann::json mergeVars(const nlohmann::json& vars, const nlohmann::json& output);

}  // namespace herald::engine
