#include "scheduler/scheduler.hpp"

#include <boost/asio/post.hpp>
#include <set>

#include "engine/handover.hpp"
#include "scheduler/api_runs.hpp"
#include "scheduler/cron_trigger.hpp"
#include "scheduler/event_triggers.hpp"
#include "scheduler/ingestion.hpp"
#include "scheduler/run_driver.hpp"
#include "scheduler/services.hpp"
#include "scheduler/wake_timer.hpp"
#include "util/log.hpp"
#include "workflow/expression.hpp"

namespace herald::scheduler {

// The daemon's claim owner: one daemon per database (its lock), so a
// restarted daemon takes back its own claims at once.
constexpr const char* kDaemonOwner = "daemon";

class Scheduler::Impl {
 public:
  explicit Impl(Services s)
      : s_(s),
        driver_(s),
        wake_(s.io, s.clock, s.config.scheduler_poll, [this] { checkDue(); }),
        cron_(s, [this](int64_t run) { driver_.poke(run); }),
        events_(s),
        ingestion_(s, events_, [this](int64_t run) { driver_.poke(run); }) {
    describeMetrics(s.metrics);
    // Leases outlast the longest a batch may be in a plugin's hands.
    s.store.setClaimOwner(kDaemonOwner, s.config.step_deadline.count() + 60'000);
    driver_.on_idle = [this] { checkDue(); };
    driver_.on_later_wake = [this](int64_t wake_ms) { wake_.armAt(wake_ms); };
  }

  void setPlanSource(PlanSource source) { driver_.plan_source = std::move(source); }

  void serve(std::shared_ptr<const daemon::WorkflowSet> set) {
    set_ = std::move(set);
    std::set<std::string> revisions;
    paused_.clear();
    for (const auto& [name, wf] : set_->by_name) {
      driver_.keepPlan(wf.revision, wf.plan);
      revisions.insert(wf.revision);
      if (auto st = s_.store.triggerState(name); st && st->paused) paused_.insert(name);
    }
    driver_.forgetIdlePlans(revisions);
    events_.serve(*set_, paused_);
    cron_.serve(set_);
    checkDue();
  }

  // Starts a loop for every run with due work, then arms the one timer for
  // the earliest later wake-up.
  void checkDue() {
    if (draining_) return;
    try {
      const int64_t now = s_.clock.nowMs();
      for (int64_t run : s_.store.runsWithDueJourneys(now)) driver_.poke(run);
      wake_.rearm(s_.store.nextWakeMs(now));
      s_.metrics.gaugeSet(kJourneysWaiting, {}, static_cast<double>(s_.store.journeysWaiting()));
    } catch (const std::exception& e) {
      log::error("scheduler", std::string("looking for due work failed: ") + e.what());
      wake_.rearm(std::nullopt);
    }
  }

  const daemon::ServedWorkflow* served(const std::string& name) const {
    if (!set_) return nullptr;
    auto it = set_->by_name.find(name);
    return it == set_->by_name.end() ? nullptr : &it->second;
  }

  nlohmann::json describe(const std::string& name) {
    const auto* wf = served(name);
    if (!wf) return nullptr;
    const auto& w = wf->plan->workflow();
    nlohmann::json trigger = {{"type", workflow::toString(w.trigger.kind)}};
    if (w.trigger.kind == workflow::Trigger::Kind::kSchedule) {
      trigger["cron"] = w.trigger.cron;
      trigger["timezone"] = w.trigger.timezone.empty() ? "UTC" : w.trigger.timezone;
      trigger["catch_up"] = workflow::toString(w.trigger.catch_up);
    }
    if (w.trigger.kind == workflow::Trigger::Kind::kEvent) {
      trigger["event"] = w.trigger.event_type;
      if (w.trigger.condition) trigger["condition"] = w.trigger.condition->text();
    }
    switch (w.trigger.reentry.kind) {
      case store::Reentry::Kind::kOnce:
        trigger["reentry"] = "once";
        break;
      case store::Reentry::Kind::kAlways:
        trigger["reentry"] = "always";
        break;
      case store::Reentry::Kind::kOncePer:
        trigger["reentry"] = {{"once_per_ms", w.trigger.reentry.period_ms}};
        break;
    }
    const auto journeys = s_.store.workflowJourneys(name);
    nlohmann::json out = {
        {"name", name},
        {"file", wf->file.string()},
        {"revision", wf->revision},
        {"trigger", trigger},
        {"paused", paused_.count(name) > 0},
        {"journeys", {{"active", journeys.active}, {"waiting", journeys.waiting}}},
        {"next_firing", nullptr},
        {"last_firing", nullptr}};
    if (auto next = cron_.nextFiring(*wf)) out["next_firing"] = formatIsoTime(*next);
    if (auto st = s_.store.triggerState(name);
        st && st->last_fire_ms && w.trigger.kind == workflow::Trigger::Kind::kSchedule)
      out["last_firing"] = formatIsoTime(*st->last_fire_ms);
    if (auto run = s_.store.lastRun(name))
      out["last_run"] = {{"id", run->id},
                         {"status", store::toString(run->status)},
                         {"trigger", run->trigger},
                         {"started", formatIsoTime(run->started_ms)}};
    if (journeys.next_wake_ms) out["next_wake"] = formatIsoTime(*journeys.next_wake_ms);
    // Batches not handed to their plugin again after crashing the process twice.
    out["quarantined"] = engine::quarantinedJson(s_.store, name);
    return out;
  }

  bool setPaused(const std::string& name, bool paused) {
    if (!served(name)) return false;
    s_.store.setTriggerPaused(name, paused, s_.clock.nowMs());
    if (paused)
      paused_.insert(name);
    else
      paused_.erase(name);
    events_.setPaused(name, paused);
    return true;
  }

  daemon::StartResult startRun(const daemon::StartRequest& request) {
    const auto* wf = served(request.workflow);
    if (!wf) {
      daemon::StartResult r;
      r.problems.error({}, "no workflow named '" + request.workflow + "' is served");
      return r;
    }
    if (paused_.count(request.workflow)) {
      daemon::StartResult r;
      r.problems.error({wf->file.string(), 0, 0},
                       "workflow '" + request.workflow + "' is paused; resume it to start runs");
      return r;
    }
    auto r = startApiRun(s_, *wf, request);
    if (r.run_id) driver_.poke(*r.run_id);
    return r;
  }

  void drain(std::function<void()> done) {
    draining_ = true;
    wake_.cancel();
    cron_.stop();
    // Events already posted are committed first: nothing accepted is lost.
    auto finish = [this, done = std::move(done)]() mutable { driver_.drain(std::move(done)); };
    if (ingestion_.idle()) {
      finish();
    } else {
      boost::asio::post(s_.io, std::move(finish));
    }
  }

  Services s_;
  RunDriver driver_;
  WakeTimer wake_;
  CronTrigger cron_;
  EventTriggers events_;
  Ingestion ingestion_;
  std::shared_ptr<const daemon::WorkflowSet> set_;
  std::set<std::string> paused_;
  bool draining_ = false;
};

Scheduler::Scheduler(boost::asio::io_context& io, store::Store& store, const Clock& clock,
                     const config::DaemonConfig& config, observe::Metrics& metrics)
    : impl_(std::make_unique<Impl>(Services{io, store, clock, config, metrics})) {}

Scheduler::~Scheduler() = default;

void Scheduler::serve(std::shared_ptr<const daemon::WorkflowSet> set) {
  impl_->serve(std::move(set));
}

void Scheduler::setPlanSource(PlanSource source) { impl_->setPlanSource(std::move(source)); }

void Scheduler::ingestEvents(std::vector<daemon::IncomingEvent> events,
                             std::function<void(daemon::IngestResult)> done) {
  impl_->ingestion_.ingest(std::move(events), std::move(done));
}

daemon::StartResult Scheduler::startRun(const daemon::StartRequest& request) {
  return impl_->startRun(request);
}

bool Scheduler::cancelRun(int64_t run_id) { return impl_->driver_.cancel(run_id); }

bool Scheduler::setPaused(const std::string& workflow, bool paused) {
  return impl_->setPaused(workflow, paused);
}

nlohmann::json Scheduler::describe(const std::string& workflow) {
  return impl_->describe(workflow);
}

int64_t Scheduler::journeysWaiting() { return impl_->s_.store.journeysWaiting(); }

void Scheduler::drain(std::function<void()> done) { impl_->drain(std::move(done)); }

}  // namespace herald::scheduler
