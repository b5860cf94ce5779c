#include "engine/run_loop.hpp"

#include <fmt/format.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "engine/batch_input.hpp"
#include "engine/builtin_steps.hpp"
#include "engine/delivery.hpp"
#include "engine/handover.hpp"
#include "engine/moves.hpp"
#include "observe/metrics.hpp"
#include "plugin/crash_report.hpp"
#include "recommend/recommender.hpp"
#include "util/log.hpp"

namespace herald::engine {

namespace asio = boost::asio;

namespace {
constexpr int kBuiltinBatch = 2000;
}  // namespace

struct RunLoop::InFlight {
  StepRuntime* rt = nullptr;
  int64_t now_ms = 0;
  std::vector<store::DueJourney> journeys;
  DeliveryPlan delivery;       // call/settled/keys per journey
  std::vector<size_t> called;  // journey indexes handed to the plugin, in batch order
  std::chrono::steady_clock::time_point prepared_at;  // the batch began: render, policy, call
  std::chrono::steady_clock::time_point called_at;    // handed to the plugin
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<store::Handover> handover;  // recorded before the call; cleared after
  std::string quarantined;                  // the reason, when not handed over at all
};

RunLoop::RunLoop(asio::io_context& io, store::Store& store, const Clock& clock, RunPlan& plan,
                 RunOptions options, std::function<void(RunResult)> done)
    : io_(io),
      store_(store),
      clock_(clock),
      plan_(plan),
      options_(std::move(options)),
      done_(std::move(done)),
      started_(std::chrono::steady_clock::now()),
      services_{std::make_shared<recommend::Recommender>(store)} {
  if (!options_.metrics) return;
  // Described once per loop, not per batch (observeBatch is on the hot path).
  options_.metrics->describe("batch_seconds",
                             "Time of one batch at one step, from its first journey taken to its "
                             "moves committed (templates, delivery policy, the step, the store)");
  options_.metrics->describe("step_call_seconds",
                             "Time a plugin step held one batch, from the call to its completion");
}

int RunLoop::batchSize() const {
  return std::max(1, std::min(options_.batch_size, plan_.workflow().batch_size));
}

void RunLoop::prepare() {
  const workflow::Workflow& wf = plan_.workflow();
  const int64_t now = clock_.nowMs();
  if (options_.run_id) {
    auto run = store_.runById(*options_.run_id);
    if (!run) throw store::StoreError("run " + std::to_string(*options_.run_id) + " not found");
    result_.run = *run;
    result_.resumed = true;
    if (run->status != store::RunStatus::kRunning)
      store_.setRunStatus(run->id, store::RunStatus::kRunning, now);
    markInterrupted(now);
    return;
  }
  store_.saveWorkflowRevision({wf.name, wf.revision, wf.source, now});
  if (auto existing = store_.findResumableRun(wf.name, wf.revision, options_.dry_run)) {
    result_.run = *existing;
    result_.resumed = true;
    markInterrupted(now);
  } else {
    result_.run = store_.createRun(wf.name, wf.revision, options_.trigger, options_.dry_run, now);
  }
  if (!wf.steps.empty()) {
    const std::string& first = wf.steps.front().id;
    if (options_.contact_id) {
      result_.enrolled_now = store_.enrollContact(result_.run.id, first, *options_.contact_id, now);
    } else if (!result_.run.enrolled) {
      result_.enrolled_now =
          store_.enrollAudience(result_.run.id, first, wf.audience.get(),
                                segment::EvalContext{now, wf.timezone}, options_.limit, now);
    }
  }
  store_.setRunStatus(result_.run.id, store::RunStatus::kRunning, now);
  if (auto run = store_.runById(result_.run.id)) result_.run = *run;
}

// A run starts with none of its batches in a plugin's hands (one loop per
// run, one process per database): keys still `sending` were cut short by a
// crash, and say so now, so `herald sends list --state unknown` shows them
// before their journeys come round again.
void RunLoop::markInterrupted(int64_t now) {
  if (const int64_t n = store_.markInterruptedSends(result_.run.id, now); n > 0) {
    log::warn("engine",
              fmt::format("{} deliver{} of run {} left 'sending' by a crash: now 'unknown', "
                          "settled by each step's on_unknown",
                          n, n == 1 ? "y" : "ies", result_.run.id),
              {plan_.workflow().name, "", result_.run.id});
  }
}

void RunLoop::start() {
  setQuarantinedGauge();  // batches quarantined before a restart still count
  // Everything may be due: the first pump asks the store.
  schedulePump();
}

void RunLoop::stop() {
  asio::post(io_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->schedulePump();
  });
}

void RunLoop::schedulePump() {
  if (pump_scheduled_ || finished_) return;
  pump_scheduled_ = true;
  asio::post(io_, [self = shared_from_this()] { self->pump(); });
}

void RunLoop::refreshDue(int64_t now) {
  store_.wakeDueJourneys(result_.run.id, now);
  for (const auto& id : store_.stepsWithDueJourneys(result_.run.id, now)) {
    if (const StepRuntime* rt = plan_.find(id)) {
      maybe_due_.insert(rt->index);
    } else {
      log::warn("engine",
                "run " + std::to_string(result_.run.id) + ": journeys stand at step '" + id +
                    "', which revision " + plan_.workflow().revision.substr(0, 12) +
                    " does not have; they are left where they are",
                {plan_.workflow().name, id, result_.run.id});
    }
  }
}

void RunLoop::pump() {
  pump_scheduled_ = false;
  if (finished_) return;
  try {
    if (stopping_) {
      if (in_flight_.empty()) finish();
      return;
    }
    const int64_t now = clock_.nowMs();
    while (true) {
      // Deepest step first: journeys already under way finish before new
      // ones start, so messages go out early and little is in the middle.
      std::optional<size_t> pick;
      for (auto it = maybe_due_.rbegin(); it != maybe_due_.rend(); ++it) {
        if (!in_flight_.count(*it)) {
          pick = *it;
          break;
        }
      }
      if (!pick) {
        if (!in_flight_.empty()) return;  // a completion pumps again
        if (refreshed_idle_) {
          finish();
          return;
        }
        refreshDue(now);
        refreshed_idle_ = true;
        continue;
      }
      if (runStep(plan_.steps()[*pick], now)) return;
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

// Returns true when the pump should yield (a batch was committed at once).
bool RunLoop::runStep(StepRuntime& rt, int64_t now) {
  // Built-ins call no plugin, so the batch size (meant for plugin calls)
  // does not bind them: bigger batches mean fewer commits (each one fsyncs).
  const int limit = rt.builtin() ? std::max(batchSize(), kBuiltinBatch) : batchSize();
  auto journeys = store_.dueJourneys(result_.run.id, rt.step->id, now, limit);
  if (journeys.size() < static_cast<size_t>(limit)) maybe_due_.erase(rt.index);
  if (journeys.empty()) return false;
  if (options_.on_due) options_.on_due(journeys, now);
  refreshed_idle_ = false;
  StepActivity& activity = result_.activity[rt.step->id];
  ++activity.batches;
  activity.journeys += static_cast<int64_t>(journeys.size());
  if (rt.builtin()) {
    runBuiltinBatch(rt, std::move(journeys), now);
    schedulePump();
    return true;
  }
  runPluginBatch(rt, std::move(journeys), now);
  return false;
}

void RunLoop::runBuiltinBatch(StepRuntime& rt, std::vector<store::DueJourney> journeys,
                              int64_t now) {
  const auto began = std::chrono::steady_clock::now();
  MoveContext ctx{plan_.workflow(), *rt.step, now};
  store::BatchCommit batch;
  batch.run_id = result_.run.id;
  batch.now_ms = now;
  batch.moves = builtinMoves(
      {store_, ctx, result_.run.id, options_.dry_run, &rt.guardrails_checked_ms}, journeys);
  commit(batch);
  observeBatch(rt, began, std::nullopt);
}

void RunLoop::runPluginBatch(StepRuntime& rt, std::vector<store::DueJourney> journeys,
                             int64_t now) {
  auto flight = std::make_shared<InFlight>();
  flight->prepared_at = std::chrono::steady_clock::now();
  flight->rt = &rt;
  flight->now_ms = now;
  flight->journeys = std::move(journeys);
  const size_t n = flight->journeys.size();
  MoveContext ctx{plan_.workflow(), *rt.step, now};
  if (rt.delivery()) {
    DeliveryContext dctx{store_, ctx, rt, result_.run, options_.dry_run, options_.delivery.get()};
    flight->delivery = planDeliveries(dctx, flight->journeys, result_.activity[rt.step->id]);
  } else {
    flight->delivery.call.assign(n, true);
    flight->delivery.settled.resize(n);
    flight->delivery.keys.resize(n);
  }

  BatchInput input(std::to_string(result_.run.id), plan_.workflow().name, plan_.workflow().revision,
                   rt.step->id, now, options_.dry_run, n);
  // Each contact's config, rendered from the templates compiled with the
  // plan. A render that fails (strict undefined variable, a limit, a filter
  // error) fails that journey, not retried: the same data would fail again;
  // its ledger key, claimed above, is settled as failed.
  const workflow::Workflow& wf = plan_.workflow();
  StepActivity& activity = result_.activity[rt.step->id];
  std::vector<uint32_t> undefined;
  std::string reason;
  for (size_t i = 0; i < n; ++i) {
    if (!flight->delivery.call[i]) continue;
    const store::DueJourney& j = flight->journeys[i];
    std::string config;
    if (const tmpl::TemplatedConfig* templated = rt.configFor(j.vars)) {
      tmpl::RenderContext rctx = configContext(wf, j.contact, j.vars, now);
      rctx.globals = &j.context;  // `event` / `input`: what started the journey
      undefined.clear();
      if (!templated->render(rctx, config, reason, undefined)) {
        ++activity.render_failures;
        flight->delivery.settled[i] = failureMove(ctx, j, reason, false, j.vars);
        if (flight->delivery.keys[i]) {
          flight->delivery.ledger_updates.push_back(
              settle(*flight->delivery.keys[i], rt, result_.run, store::LedgerStatus::kFailed,
                     reason, now));
        }
        continue;
      }
      for (uint32_t id : undefined) ++activity.undefined[templated->undefinedNames()[id]];
    } else {
      config = "{}";
    }
    std::optional<std::string> key;
    if (flight->delivery.keys[i]) key = flight->delivery.keys[i]->text();
    input.add(j.contact, j.vars, std::move(config), std::move(key));
    flight->called.push_back(i);
  }
  if (flight->called.empty()) {
    onPluginDone(flight, plugin::BatchResult{});
    return;
  }

  if (!handOver(*flight, rt, now)) {
    plugin::BatchResult quarantined;
    quarantined.ok = false;
    quarantined.error = flight->quarantined;
    onPluginDone(flight, std::move(quarantined));
    return;
  }
  in_flight_.insert(rt.index);
  flight->work.emplace(io_.get_executor());
  auto self = shared_from_this();
  flight->called_at = std::chrono::steady_clock::now();
  auto done = [self, flight](plugin::BatchResult result) {
    // From whatever thread the plugin completes on: back onto the engine.
    asio::post(self->io_, [self, flight, result = std::move(result)]() mutable {
      self->onPluginDone(flight, std::move(result));
    });
  };
  try {
    rt.instance->runBatch(input.batch(), options_.step_deadline, io_, done, services_);
  } catch (const std::exception& e) {
    plugin::BatchResult failed;
    failed.ok = false;
    failed.error = std::string("calling the step failed: ") + e.what();
    done(std::move(failed));
  }
}

bool RunLoop::handOver(InFlight& flight, StepRuntime& rt, int64_t now) {
  store::Handover h = describeHandover(result_.run.id, rt, flight.journeys, flight.called);
  const std::string where =
      fmt::format("a batch of {} contact{} (ids {}..{}) at step '{}' of workflow '{}', run {}",
                  h.contacts, h.contacts == 1 ? "" : "s", h.first_contact, h.last_contact,
                  h.step_id, plan_.workflow().name, h.run_id);
  auto prior = store_.handover(h.run_id, h.step_id, h.batch_hash);
  if (prior && !prior->quarantined_ms && !plugin::previousProcessCrashed()) {
    // Left by a process that was killed (SIGKILL, power cut), not crashed by
    // the plugin: not counted; the batch starts its count again.
    store_.clearHandover(h.run_id, h.step_id, h.batch_hash);
    prior.reset();
  }
  if (prior) {
    if (!prior->quarantined_ms) {
      // Still recorded: the process died while the plugin had this batch.
      countFailure(rt, "plugin_crashes_total", "");
      if (prior->attempts < kCrashesBeforeQuarantine) {
        log::error("engine", fmt::format("plugin '{}' (step type '{}') crashed the process with {} "
                                         "in its hands; handing it over once more (another "
                                         "crash quarantines it)",
                                         h.plugin, h.step_type, where));
      } else {
        store_.quarantineHandover(h.run_id, h.step_id, h.batch_hash, clock_.nowMs());
        log::error("engine",
                   fmt::format("plugin '{}' (step type '{}') crashed the process {} times with {} "
                               "in its hands; the batch is quarantined: its journeys fail and the "
                               "rest of the run goes on",
                               h.plugin, h.step_type, prior->attempts, where));
        setQuarantinedGauge();
      }
    }
    if (prior->quarantined_ms || prior->attempts >= kCrashesBeforeQuarantine) {
      flight.quarantined = quarantineReason(h);
      return false;
    }
  }
  store_.recordHandover(h, now);
  flight.handover = std::move(h);
  return true;
}

void RunLoop::countFailure(const StepRuntime& rt, const std::string& name,
                           const std::string& reason) {
  if (!options_.metrics) return;
  options_.metrics->describe(
      name, name == "plugin_crashes_total"
                ? "Times a plugin crashed the process with a batch in its hands (counted when "
                  "the batch is found unfinished after the restart)"
                : "Batches a plugin step failed as a whole, by reason (failed, deadline, "
                  "quarantined)");
  observe::Labels labels{
      {"workflow", plan_.workflow().name}, {"step", rt.step->id}, {"plugin", rt.type->plugin}};
  if (!reason.empty()) labels["reason"] = reason;
  options_.metrics->counterAdd(name, labels, 1);
}

void RunLoop::observeBatch(const StepRuntime& rt, std::chrono::steady_clock::time_point began,
                           std::optional<double> step_seconds) {
  if (!options_.metrics) return;
  auto& m = *options_.metrics;
  const observe::Labels labels{{"workflow", plan_.workflow().name}, {"step", rt.step->id}};
  m.observe("batch_seconds", labels,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  if (step_seconds) m.observe("step_call_seconds", labels, *step_seconds);
}

void RunLoop::setQuarantinedGauge() {
  if (!options_.metrics) return;
  options_.metrics->describe("quarantined_batches",
                             "Batches not handed to their plugin again after it crashed the "
                             "process twice on them (see herald workflows show)");
  options_.metrics->gaugeSet("quarantined_batches", {},
                             static_cast<double>(store_.quarantinedBatches("").size()));
}

void RunLoop::onPluginDone(const std::shared_ptr<InFlight>& flight, plugin::BatchResult result) {
  StepRuntime& rt = *flight->rt;
  in_flight_.erase(rt.index);
  flight->work.reset();
  try {
    StepActivity& activity = result_.activity[rt.step->id];
    MoveContext ctx{plan_.workflow(), *rt.step, flight->now_ms};
    const size_t called = flight->called.size();
    std::string error;
    bool ok = result.ok;
    if (!ok) {
      error = result.error.empty() ? "the step failed the batch" : result.error;
    } else if (result.outcomes.size() != called) {
      ok = false;
      error = "the step returned " + std::to_string(result.outcomes.size()) + " outcomes for " +
              std::to_string(called) + " contacts";
    }
    // A step that missed its deadline may still deliver what it was given:
    // its keys are unknown, not failed, so only an idempotent step resends.
    const bool quarantined = !flight->quarantined.empty();
    const bool timed_out =
        !result.ok && !quarantined &&
        std::chrono::steady_clock::now() - flight->called_at >= options_.step_deadline;
    if (!ok && called > 0) {
      ++activity.batch_failures;
      countFailure(rt, "plugin_batch_failures_total",
                   quarantined ? "quarantined" : (timed_out ? "deadline" : "failed"));
      log::warn("engine",
                "step '" + rt.step->id + "' (" + rt.step->uses + ") failed a batch of " +
                    std::to_string(called) + ": " + error,
                {plan_.workflow().name, rt.step->id, result_.run.id});
    }

    store::BatchCommit batch;
    batch.run_id = result_.run.id;
    batch.now_ms = clock_.nowMs();
    batch.ledger_updates = std::move(flight->delivery.ledger_updates);
    std::vector<std::optional<store::JourneyMove>> moves = std::move(flight->delivery.settled);
    moves.resize(flight->journeys.size());
    for (size_t k = 0; k < called; ++k) {
      const size_t i = flight->called[k];
      const store::DueJourney& j = flight->journeys[i];
      const auto& key = flight->delivery.keys[i];
      if (quarantined) {
        // Never retried: handing these journeys over again would crash again.
        moves[i] = failureMove(ctx, j, flight->quarantined, false, j.vars);
        if (key) {
          batch.ledger_updates.push_back(settle(*key, rt, result_.run, store::LedgerStatus::kFailed,
                                                flight->quarantined, batch.now_ms));
        }
        continue;
      }
      if (!ok) {
        moves[i] = failureMove(
            ctx, j, "step '" + rt.step->id + "' failed the whole batch: " + error, true, j.vars);
        if (key) {
          batch.ledger_updates.push_back(
              settle(*key, rt, result_.run,
                     timed_out ? store::LedgerStatus::kUnknown : store::LedgerStatus::kFailed,
                     error, batch.now_ms));
        }
        continue;
      }
      const plugin::Outcome& o = result.outcomes[k];
      moves[i] = moveFor(ctx, j, o);
      if (rt.delivery()) {
        const auto status = ledgerStatusFor(o.kind);
        if (status == store::LedgerStatus::kSent) ++activity.delivered;
        if (key) {
          batch.ledger_updates.push_back(
              settle(*key, rt, result_.run, status, o.reason, batch.now_ms));
        }
      }
    }
    if (options_.dry_run && !result.previews.empty()) keepSample(rt, *flight, result);
    batch.moves.reserve(moves.size());
    for (auto& m : moves) {
      if (m) batch.moves.push_back(std::move(*m));
    }
    commit(batch);
    std::optional<double> step_seconds;
    if (called > 0 && !quarantined)
      step_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - flight->called_at)
              .count();
    observeBatch(rt, flight->prepared_at, step_seconds);
    // The batch is back and committed: it did not kill the process. (Should
    // the process die between the two, the record makes the same batch
    // count one crash on its next handover; its journeys have moved on, so
    // there is none.)
    if (flight->handover) {
      const store::Handover& h = *flight->handover;
      store_.clearHandover(h.run_id, h.step_id, h.batch_hash);
    }
    if (!stopping_) {
      maybe_due_.insert(rt.index);  // the step may have more
      refreshed_idle_ = false;
    }
  } catch (const std::exception& e) {
    fail(e.what());
    return;
  }
  schedulePump();
}

// One sample per delivery step: the first preview, or the one of the
// contact the run was asked to show.
void RunLoop::keepSample(const StepRuntime& rt, const InFlight& flight,
                         const plugin::BatchResult& result) {
  bool have = false;
  for (const auto& s : result_.samples) have = have || s.step_id == rt.step->id;
  if (have) return;
  const size_t called = flight.called.size();
  for (const auto& [index, text] : result.previews) {
    const int64_t contact = index < called ? flight.journeys[flight.called[index]].contact.id : 0;
    if (options_.sample_contact_id && contact != *options_.sample_contact_id) continue;
    result_.samples.push_back({rt.step->id, contact, text});
    return;
  }
}

void RunLoop::commit(store::BatchCommit& batch) {
  if (batch.moves.empty() && batch.ledger_updates.empty()) return;
  store_.commitBatch(batch);
  noteMoves(batch.moves, batch.now_ms);
  if (options_.on_commit) options_.on_commit(batch);
}

void RunLoop::noteMoves(const std::vector<store::JourneyMove>& moves, int64_t now) {
  for (const auto& m : moves) {
    if (m.to_step && m.status == store::JourneyStatus::kActive && m.wake_ms <= now) {
      if (const StepRuntime* rt = plan_.find(*m.to_step)) maybe_due_.insert(rt->index);
    }
  }
}

void RunLoop::fail(const std::string& message) {
  log::error("engine", "run " + std::to_string(result_.run.id) + " stopped: " + message,
             {plan_.workflow().name, {}, result_.run.id});
  if (!result_.error) result_.error = message;
  stopping_ = true;
  if (in_flight_.empty()) finish();
}

void RunLoop::finish() {
  if (finished_) return;
  finished_ = true;
  const int64_t now = clock_.nowMs();
  try {
    result_.journeys = store_.journeySummary(result_.run.id);
    if (!stopping_) {
      // Journeys still active here have a future wake time (a retry).
      const bool pending = result_.journeys.active + result_.journeys.waiting > 0;
      store_.setRunStatus(result_.run.id,
                          pending ? store::RunStatus::kWaiting : store::RunStatus::kDone, now);
    }
    if (auto run = store_.runById(result_.run.id)) result_.run = *run;
  } catch (const std::exception& e) {
    if (!result_.error) result_.error = e.what();
  }
  result_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  auto done = std::move(done_);
  if (done) done(std::move(result_));
}

}  // namespace herald::engine
