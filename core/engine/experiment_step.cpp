#include "engine/experiment_step.hpp"

#include <fmt/format.h>

#include "experiment/assignment.hpp"
#include "experiment/decision.hpp"
#include "experiment/spec.hpp"
#include "store/experiments.hpp"
#include "util/clock.hpp"
#include "util/log.hpp"
#include "workflow/wait.hpp"

namespace herald::engine {
namespace {

constexpr int64_t kGuardrailEveryMs = 3'600'000;

using store::ExperimentAssignment;
using store::ExperimentPhase;
using store::JourneyMove;
using store::JourneyStatus;

struct Batch {
  const ExperimentRun& run;
  const experiment::Spec& spec;
  const workflow::Step& step;
  int64_t now;
  experiment::Split split{spec.holdout, spec.rollout ? spec.rollout->test_share : 1.0,
                          spec.weights()};

  bool stopped(const std::vector<store::VariantStop>& stops, const std::string& variant) const {
    for (const auto& s : stops)
      if (s.variant == variant) return true;
    return false;
  }

  // When the goal window of `variant` opens for this contact: its send time.
  int64_t exposure(const std::string& variant, const store::Contact& contact) const {
    auto it = step.variant_waits.find(variant);
    if (it == step.variant_waits.end()) return now;
    return workflow::wakeTime(*it->second, now, contact.timezone);
  }

  ExperimentAssignment wanted(const store::DueJourney& j,
                              const std::optional<store::ExperimentDecision>& decision,
                              const std::vector<store::VariantStop>& stops) const {
    ExperimentAssignment a;
    a.contact_id = j.contact.id;
    a.assigned_ms = now;
    a.exposed_ms = now;
    a.run_id = run.run_id;
    const auto placed =
        experiment::place(split, experiment::bucketOf(spec.key, std::to_string(j.contact.id)));
    switch (placed.kind) {
      case experiment::Placement::Kind::kHoldout:
        a.variant = experiment::kHoldout;
        a.phase = ExperimentPhase::kHoldout;
        break;
      case experiment::Placement::Kind::kVariant:
        a.variant = spec.variants.at(static_cast<size_t>(placed.variant)).name;
        a.phase = spec.rollout ? ExperimentPhase::kTest : ExperimentPhase::kSplit;
        if (stopped(stops, a.variant)) {
          // A guardrail stopped it: the control, kept out of the statistics.
          a.variant = spec.variants.front().name;
          a.phase = ExperimentPhase::kRollout;
        }
        break;
      case experiment::Placement::Kind::kWaiting:
        a.phase = ExperimentPhase::kWaiting;
        if (decision) rollOut(a, *decision);
        break;
    }
    if (!a.variant.empty() && a.variant != experiment::kHoldout)
      a.exposed_ms = exposure(a.variant, j.contact);
    return a;
  }

  static void rollOut(ExperimentAssignment& a, const store::ExperimentDecision& decision) {
    a.phase = ExperimentPhase::kRollout;
    a.variant = decision.variant;  // "" when the rest get nothing
  }

  JourneyMove move(const store::DueJourney& j, const ExperimentAssignment& a,
                   int64_t decide_at) const {
    JourneyMove m = startMove(run.ctx, j);
    const workflow::Workflow& wf = run.ctx.workflow;
    auto branch = [&](const std::string& label) -> std::optional<std::string> {
      auto it = step.branches.find(label);
      if (it != step.branches.end()) return it->second;
      return std::nullopt;
    };
    if (a.phase == ExperimentPhase::kWaiting) {
      // Held at this step until the decision; the same visit when it wakes.
      m.outcome = "wait";
      m.to_step = step.id;
      m.status = JourneyStatus::kWaiting;
      m.wake_ms = std::max(now, decide_at);
      m.attempts = j.attempts;
      m.counts_as_visit = false;
      m.reason = "waits for the winner of experiment '" + spec.key + "' (decided at " +
                 formatIsoTime(decide_at) + ")";
      return m;
    }
    if (a.variant == experiment::kHoldout || a.variant.empty()) {
      m.vars["experiments"][spec.key] = a.variant;
      const bool held = a.variant == experiment::kHoldout;
      if (auto target = held ? branch(experiment::kHoldout) : std::nullopt) {
        m.outcome = "branch:" + a.variant;
        m.to_step = target;
        m.status = JourneyStatus::kActive;
        return m;
      }
      m.outcome = "exit";
      m.to_step = std::nullopt;
      m.status = JourneyStatus::kExited;
      m.reason = held ? "held out of experiment '" + spec.key + "'"
                      : "experiment '" + spec.key + "' stopped without a winner";
      return m;
    }
    m.vars["experiments"][spec.key] = a.variant;
    auto target = branch(a.variant);
    m.outcome = target ? "branch:" + a.variant : "continue";
    if (!target) target = wf.nextOf(step);
    m.to_step = target;
    m.status = target ? JourneyStatus::kActive : JourneyStatus::kDone;
    if (target && a.exposed_ms > now) {
      // The variant's send time: wait here, go on then.
      m.outcome = "wait";
      m.status = JourneyStatus::kWaiting;
      m.wake_ms = a.exposed_ms;
    }
    return m;
  }
};

}  // namespace

const std::string& variantOf(const nlohmann::json& vars, const std::string& key) {
  static const std::string kNone;
  if (!vars.is_object()) return kNone;
  auto all = vars.find("experiments");
  if (all == vars.end() || !all->is_object()) return kNone;
  auto it = all->find(key);
  return it != all->end() && it->is_string() ? it->get_ref<const std::string&>() : kNone;
}

std::vector<JourneyMove> runExperiment(const ExperimentRun& run,
                                       const std::vector<store::DueJourney>& journeys) {
  const workflow::Step& step = run.ctx.step;
  std::vector<JourneyMove> moves;
  moves.reserve(journeys.size());
  if (!step.experiment) {
    for (const auto& j : journeys)
      moves.push_back(failureMove(
          run.ctx, j, "experiment of step '" + step.id + "' was not compiled", false, j.vars));
    return moves;
  }
  const experiment::Spec& spec = *step.experiment;
  const int64_t now = run.ctx.now_ms;
  Batch batch{run, spec, step, now};

  if (run.dry_run) {
    // The same hash, nothing stored: the rest of a test-then-winner
    // experiment is shown going on as the control.
    for (const auto& j : journeys) {
      ExperimentAssignment a = batch.wanted(j, std::nullopt, {});
      if (a.phase == ExperimentPhase::kWaiting) {
        a.phase = ExperimentPhase::kRollout;
        a.variant = spec.variants.front().name;
      }
      JourneyMove m = batch.move(j, a, now);
      if (m.status == JourneyStatus::kWaiting) {
        m.status = JourneyStatus::kActive;
        m.wake_ms = now;
        m.outcome = "continue";
      }
      moves.push_back(std::move(m));
    }
    return moves;
  }

  store::ExperimentStore& xs = run.store.experiments();
  const workflow::Workflow& wf = run.ctx.workflow;
  xs.registerExperiment({spec.key, wf.name, wf.revision, step.id, step.config.dump(), now, now});
  const auto record = xs.experiment(spec.key);
  const int64_t started = record ? record->created_ms : now;
  const int64_t decide_at = started + (spec.rollout ? spec.rollout->decide_after_ms : 0);
  auto decision = xs.decision(spec.key);
  if (!decision && record && !spec.guardrails.empty() && run.guardrails_checked_ms &&
      now - *run.guardrails_checked_ms >= kGuardrailEveryMs) {
    *run.guardrails_checked_ms = now;
    for (const auto& stop : experiment::enforceGuardrails(xs, spec, *record, now)) {
      log::warn("engine",
                fmt::format("experiment '{}': variant '{}' is stopped: {}", spec.key, stop.variant,
                            stop.reason),
                {wf.name, step.id, run.run_id});
    }
  }
  const auto stops = xs.stoppedVariants(spec.key);

  std::vector<ExperimentAssignment> wanted;
  wanted.reserve(journeys.size());
  for (const auto& j : journeys) wanted.push_back(batch.wanted(j, decision, stops));
  std::vector<ExperimentAssignment> stored = xs.assign(spec.key, wanted);

  // Contacts still waiting once the decision time has come: decide (or read
  // the decision another batch stored), then give them the winner.
  std::vector<size_t> waiting;
  for (size_t i = 0; i < stored.size(); ++i)
    if (stored[i].phase == ExperimentPhase::kWaiting) waiting.push_back(i);
  if (!waiting.empty() && now >= decide_at && spec.rollout) {
    if (!decision) {
      decision = experiment::decideNow(xs, spec, *record, now);
      log::info("engine",
                fmt::format("experiment '{}': {}", spec.key,
                            decision->outcome == "winner"
                                ? "the winner is '" + decision->variant + "'"
                                : "no winner; the rest get " +
                                      (decision->variant.empty() ? std::string("nothing")
                                                                 : "'" + decision->variant + "'")),
                {wf.name, step.id, run.run_id});
    }
    std::vector<ExperimentAssignment> rollout;
    rollout.reserve(waiting.size());
    for (size_t i : waiting) {
      ExperimentAssignment a = stored[i];
      Batch::rollOut(a, *decision);
      a.assigned_ms = now;
      a.run_id = run.run_id;
      a.exposed_ms = a.variant.empty() ? now : batch.exposure(a.variant, journeys[i].contact);
      rollout.push_back(std::move(a));
    }
    auto settled = xs.assign(spec.key, rollout);
    for (size_t k = 0; k < waiting.size(); ++k) stored[waiting[k]] = std::move(settled[k]);
  }
  for (size_t i = 0; i < journeys.size(); ++i)
    moves.push_back(batch.move(journeys[i], stored[i], decide_at));
  return moves;
}

}  // namespace herald::engine
