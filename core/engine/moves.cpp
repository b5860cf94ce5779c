#include "engine/moves.hpp"

#include <algorithm>

namespace herald::engine {
namespace {

using store::JourneyMove;
using store::JourneyStatus;

JourneyMove base(const MoveContext& ctx, const store::DueJourney& journey, nlohmann::json vars) {
  JourneyMove m;
  m.journey_id = journey.journey_id;
  m.from_step = ctx.step.id;
  m.wake_ms = ctx.now_ms;
  m.vars = std::move(vars);
  return m;
}

// Moves on to `target`, or ends the journey (done) when there is none.
void goTo(JourneyMove& m, const std::optional<std::string>& target) {
  m.to_step = target;
  m.status = target ? JourneyStatus::kActive : JourneyStatus::kDone;
  m.attempts = 0;
}

std::string knownBranches(const workflow::Step& step) {
  if (step.branches.empty()) return "the step has no branches";
  std::string out = "known branches: ";
  bool first = true;
  for (const auto& [label, target] : step.branches) {
    if (!first) out += ", ";
    out += label;
    first = false;
  }
  return out;
}

}  // namespace

JourneyMove startMove(const MoveContext& ctx, const store::DueJourney& journey) {
  return base(ctx, journey, journey.vars.is_object() ? journey.vars : nlohmann::json::object());
}

nlohmann::json mergeVars(const nlohmann::json& vars, const nlohmann::json& output) {
  nlohmann::json merged = vars.is_object() ? vars : nlohmann::json::object();
  if (output.is_object() && !output.empty()) merged.merge_patch(output);
  return merged;
}

int64_t retryDelayMs(const workflow::RetryPolicy& policy, int failed_attempts) {
  int shift = std::clamp(failed_attempts - 1, 0, 20);
  return std::max<int64_t>(0, policy.backoff_ms) << shift;
}

JourneyMove failureMove(const MoveContext& ctx, const store::DueJourney& journey,
                        const std::string& reason, bool retryable, const nlohmann::json& vars) {
  JourneyMove m = base(ctx, journey, vars);
  int failed = journey.attempts + 1;
  if (retryable && failed < std::max(1, ctx.step.retry.max_attempts)) {
    m.outcome = "retry";
    m.to_step = ctx.step.id;
    m.status = JourneyStatus::kActive;
    m.wake_ms = ctx.now_ms + retryDelayMs(ctx.step.retry, failed);
    m.attempts = failed;
    m.reason = reason;
    m.counts_as_visit = false;  // the step is entered once; retries are attempts
    return m;
  }
  m.outcome = "fail";
  m.to_step = std::nullopt;
  m.status = JourneyStatus::kFailed;
  m.attempts = failed;
  m.reason = retryable && failed > 1
                 ? "gave up after " + std::to_string(failed) + " attempts: " + reason
                 : reason;
  return m;
}

JourneyMove refusalMove(const MoveContext& ctx, const store::DueJourney& journey,
                        const std::string& decision, const std::string& reason) {
  JourneyMove m = base(ctx, journey, journey.vars);
  m.outcome = "refused:" + decision;
  m.reason = reason;
  const std::string& then = ctx.step.on_refused;
  if (then == "exit") {
    m.to_step = std::nullopt;
    m.status = JourneyStatus::kExited;
    m.reason = "delivery refused (" + decision + ")";
  } else if (auto it = ctx.step.branches.find(then); it != ctx.step.branches.end()) {
    goTo(m, it->second);
  } else {
    goTo(m, ctx.workflow.nextOf(ctx.step));  // continue (validation allows nothing else)
  }
  return m;
}

JourneyMove deferralMove(const MoveContext& ctx, const store::DueJourney& journey, int64_t until_ms,
                         std::string reason) {
  JourneyMove m = base(ctx, journey, journey.vars);
  // Active with a later wake, as a retry: a waiting journey's wake-up is
  // counted for the step that sent it waiting, which this is not.
  m.outcome = "deferred";
  m.to_step = ctx.step.id;
  m.status = JourneyStatus::kActive;
  m.wake_ms = std::max(ctx.now_ms, until_ms);
  m.attempts = journey.attempts;
  m.reason = std::move(reason);
  m.counts_as_visit = false;  // the same pass: the same ledger key when it wakes
  return m;
}

JourneyMove continueMove(const MoveContext& ctx, const store::DueJourney& journey,
                         std::string note) {
  JourneyMove m = base(ctx, journey, journey.vars);
  m.outcome = "continue";
  goTo(m, ctx.workflow.nextOf(ctx.step));
  m.reason = std::move(note);
  return m;
}

JourneyMove moveFor(const MoveContext& ctx, const store::DueJourney& journey,
                    const plugin::Outcome& outcome) {
  nlohmann::json vars = mergeVars(journey.vars, outcome.vars);
  switch (outcome.kind) {
    case HERALD_OUTCOME_CONTINUE: {
      JourneyMove m = base(ctx, journey, std::move(vars));
      m.outcome = "continue";
      goTo(m, ctx.workflow.nextOf(ctx.step));
      return m;
    }
    case HERALD_OUTCOME_BRANCH: {
      auto it = ctx.step.branches.find(outcome.branch);
      if (it == ctx.step.branches.end()) {
        return failureMove(ctx, journey,
                           "step '" + ctx.step.id + "' (" + ctx.step.uses + ") chose branch '" +
                               outcome.branch + "', which the workflow does not map; " +
                               knownBranches(ctx.step),
                           false, vars);
      }
      JourneyMove m = base(ctx, journey, std::move(vars));
      m.outcome = "branch:" + outcome.branch;
      goTo(m, it->second);
      return m;
    }
    case HERALD_OUTCOME_WAIT: {
      // The step asked to be called again later: it is a new entry then.
      JourneyMove m = base(ctx, journey, std::move(vars));
      m.outcome = "wait";
      m.to_step = ctx.step.id;
      m.wake_ms = std::max(ctx.now_ms, outcome.wait_until_ms);
      m.status = m.wake_ms > ctx.now_ms ? JourneyStatus::kWaiting : JourneyStatus::kActive;
      m.attempts = 0;
      return m;
    }
    case HERALD_OUTCOME_EXIT: {
      JourneyMove m = base(ctx, journey, std::move(vars));
      m.outcome = "exit";
      m.to_step = std::nullopt;
      m.status = JourneyStatus::kExited;
      m.reason = outcome.reason;
      return m;
    }
    case HERALD_OUTCOME_RETRY_AFTER: {
      // Not a failure (the provider asked for time): no attempt is used up;
      // the journey waits at this step, as a failure's retry does, and the
      // run report counts it as a retry.
      JourneyMove m = base(ctx, journey, std::move(vars));
      m.outcome = "retry";
      m.to_step = ctx.step.id;
      m.status = JourneyStatus::kActive;
      m.wake_ms = ctx.now_ms + std::max<int64_t>(0, outcome.retry_after_ms);
      m.attempts = journey.attempts;
      m.reason = "retry after " + std::to_string(outcome.retry_after_ms) + " ms" +
                 (outcome.reason.empty() ? "" : ": " + outcome.reason);
      m.counts_as_visit = false;
      return m;
    }
    case HERALD_OUTCOME_FAIL_RETRYABLE:
      return failureMove(ctx, journey,
                         outcome.reason.empty() ? "step failed (retryable)" : outcome.reason, true,
                         vars);
    case HERALD_OUTCOME_FAIL:
      break;
  }
  return failureMove(ctx, journey, outcome.reason.empty() ? "step failed" : outcome.reason, false,
                     vars);
}

}  // namespace herald::engine
