#include "engine/builtin_steps.hpp"

#include "util/clock.hpp"
#include "workflow/builtins.hpp"
#include "workflow/expression.hpp"
#include "workflow/wait.hpp"

namespace herald::engine {
namespace {

using store::JourneyMove;
using store::JourneyStatus;

void goTo(JourneyMove& m, const std::optional<std::string>& target) {
  m.to_step = target;
  m.status = target ? JourneyStatus::kActive : JourneyStatus::kDone;
}

JourneyMove condition(const MoveContext& ctx, const store::DueJourney& journey) {
  if (!ctx.step.condition) {
    return failureMove(ctx, journey, "condition of step '" + ctx.step.id + "' was not compiled",
                       false, journey.vars);
  }
  const bool holds =
      workflow::evaluate(*ctx.step.condition, journey.contact, journey.vars, journey.context);
  const std::string label = holds ? "then" : "else";
  JourneyMove m = startMove(ctx, journey);
  m.outcome = "branch:" + label;
  auto it = ctx.step.branches.find(label);
  // A condition without an `else` (or `then`) lets those journeys carry on
  // to the next step, like an `if` without an `else`.
  goTo(m, it != ctx.step.branches.end() ? std::optional<std::string>(it->second)
                                        : ctx.workflow.nextOf(ctx.step));
  return m;
}

JourneyMove wait(const MoveContext& ctx, const store::DueJourney& journey, bool dry_run) {
  if (!ctx.step.wait) {
    return failureMove(ctx, journey, "wait of step '" + ctx.step.id + "' was not compiled", false,
                       journey.vars);
  }
  JourneyMove m = startMove(ctx, journey);
  m.outcome = "wait";
  const int64_t wake = workflow::wakeTime(*ctx.step.wait, ctx.now_ms, journey.contact.timezone);
  const auto next = ctx.workflow.nextOf(ctx.step);
  goTo(m, next);
  if (next && !dry_run && wake > ctx.now_ms) {
    m.status = JourneyStatus::kWaiting;
    m.wake_ms = wake;
  } else {
    // Nothing to wait for (a dry run, a time already past, the last step):
    // the journey goes on now, and the report must not show it waiting.
    m.outcome = "continue";
  }
  if (dry_run) m.reason = "would wait until " + formatIsoTime(wake);
  return m;
}

JourneyMove exitStep(const MoveContext& ctx, const store::DueJourney& journey) {
  JourneyMove m = startMove(ctx, journey);
  m.outcome = "exit";
  m.to_step = std::nullopt;
  // The workflow's own end: the journey is done. kExited is left for a
  // step that ends a journey early (a plugin's exit outcome).
  m.status = JourneyStatus::kDone;
  if (auto it = ctx.step.config.find("reason"); it != ctx.step.config.end() && it->is_string()) {
    m.reason = it->get<std::string>();
  }
  return m;
}

}  // namespace

JourneyMove runBuiltin(const MoveContext& ctx, const store::DueJourney& journey, bool dry_run) {
  if (ctx.step.uses == workflow::kConditionStep) return condition(ctx, journey);
  if (ctx.step.uses == workflow::kWaitStep) return wait(ctx, journey, dry_run);
  if (ctx.step.uses == workflow::kExitStep) return exitStep(ctx, journey);
  return failureMove(ctx, journey, "'" + ctx.step.uses + "' is not an engine built-in", false,
                     journey.vars);
}

std::vector<JourneyMove> builtinMoves(const ExperimentRun& run,
                                      const std::vector<store::DueJourney>& journeys) {
  if (run.ctx.step.uses == workflow::kExperimentStep) return runExperiment(run, journeys);
  std::vector<JourneyMove> moves;
  moves.reserve(journeys.size());
  for (const auto& j : journeys) moves.push_back(runBuiltin(run.ctx, j, run.dry_run));
  return moves;
}

}  // namespace herald::engine
