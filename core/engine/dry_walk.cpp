#include "engine/dry_walk.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <optional>

#include "engine/batch_input.hpp"
#include "engine/builtin_steps.hpp"
#include "engine/moves.hpp"
#include "recommend/recommender.hpp"

namespace herald::engine {
namespace {

constexpr int kMaxSteps = 10000;

// Calls a plugin step for one journey in dry-run mode and waits for it.
store::JourneyMove callStep(StepRuntime& rt, const RunPlan& plan, const store::DueJourney& j,
                            const plugin::RunServices& services, boost::asio::io_context& io,
                            int64_t now_ms) {
  const workflow::Workflow& wf = plan.workflow();
  MoveContext ctx{wf, *rt.step, now_ms};
  std::string config = "{}";
  if (rt.config) {
    config.clear();
    std::string reason;
    std::vector<uint32_t> undefined;
    if (!rt.config->render(configContext(wf, j.contact, j.vars, now_ms), config, reason, undefined))
      return failureMove(ctx, j, reason, false, j.vars);
  }
  BatchInput input("preview", wf.name, wf.revision, rt.step->id, now_ms, true, 1);
  input.add(j.contact, j.vars, std::move(config), std::nullopt);
  std::optional<plugin::BatchResult> result;
  io.restart();
  // The plugin runs on the host's worker pool: keep the loop running until
  // its completion (and any store call it makes meanwhile) is back here.
  auto keep_running = boost::asio::make_work_guard(io);
  rt.instance->runBatch(
      input.batch(), std::chrono::minutes(5), io,
      [&io, &result, &keep_running](plugin::BatchResult r) {
        // From whatever thread the plugin completes on.
        boost::asio::post(io, [&result, &keep_running, r = std::move(r)]() mutable {
          result = std::move(r);
          keep_running.reset();
        });
      },
      services);
  io.run();
  if (!result || !result->ok || result->outcomes.size() != 1) {
    const std::string why = !result       ? "the step did not complete"
                            : !result->ok ? result->error
                                          : "the step returned no outcome";
    return failureMove(ctx, j, "step '" + rt.step->id + "' failed: " + why, false, j.vars);
  }
  return moveFor(ctx, j, result->outcomes.front());
}

std::string ending(const store::JourneyMove& m) {
  switch (m.status) {
    case store::JourneyStatus::kDone:
      return "the journey ends at step '" + m.from_step + "'";
    case store::JourneyStatus::kExited:
      return "step '" + m.from_step + "' ends the journey" +
             (m.reason.empty() ? "" : " (" + m.reason + ")");
    default:
      return "the journey fails at step '" + m.from_step + "'" +
             (m.reason.empty() ? "" : ": " + m.reason);
  }
}

}  // namespace

DryWalk walkTo(RunPlan& plan, const std::string& step_id, const store::Contact& contact,
               store::Store& store, boost::asio::io_context& io, int64_t now_ms) {
  DryWalk walk;
  const workflow::Workflow& wf = plan.workflow();
  if (wf.steps.empty()) return walk;
  plugin::RunServices services{std::make_shared<recommend::Recommender>(store)};
  store::DueJourney j;
  j.contact = contact;
  j.step_id = wf.steps.front().id;
  for (int n = 0; n < kMaxSteps; ++n) {
    if (j.step_id == step_id) {
      walk.reached = true;
      walk.vars = j.vars;
      return walk;
    }
    StepRuntime* rt = plan.find(j.step_id);
    if (!rt) break;
    walk.path.push_back(j.step_id);
    const MoveContext ctx{wf, *rt->step, now_ms};
    const store::JourneyMove m = rt->builtin()
                                     ? builtinMoves({store, ctx, 0, true, nullptr}, {j}).front()
                                     : callStep(*rt, plan, j, services, io, now_ms);
    j.vars = m.vars;
    if (m.outcome == "retry") {
      walk.stopped = "step '" + m.from_step + "' failed (a run would retry it): " + m.reason;
      return walk;
    }
    if (m.outcome == "wait" && m.to_step == m.from_step) {
      walk.stopped = "step '" + m.from_step + "' asks the journey to wait and call it again";
      return walk;
    }
    if (!m.to_step || m.status == store::JourneyStatus::kFailed) {
      walk.stopped = ending(m);
      return walk;
    }
    j.step_id = *m.to_step;  // a wait step passes at once here
  }
  walk.stopped = "the journey goes round a loop without reaching step '" + step_id + "'";
  return walk;
}

}  // namespace herald::engine
