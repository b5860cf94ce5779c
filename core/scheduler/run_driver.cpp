#include "scheduler/run_driver.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

#include "util/log.hpp"

namespace herald::scheduler {

struct RunDriver::Active {
  std::unique_ptr<engine::Engine> engine;
  std::shared_ptr<engine::RunPlan> plan;  // kept alive while the loop runs
  bool again = false;                     // poked while at work: one more pass
};

RunDriver::RunDriver(Services services) : s_(services) {}
RunDriver::~RunDriver() = default;

void RunDriver::keepPlan(const std::string& revision, std::shared_ptr<engine::RunPlan> plan) {
  plans_[revision] = std::move(plan);
}

void RunDriver::forgetIdlePlans(const std::set<std::string>& keep) {
  for (auto it = plans_.begin(); it != plans_.end();) {
    bool idle = !keep.count(it->first);
    if (idle) {
      const auto j = s_.store.workflowJourneys(it->second->workflow().name);
      idle = j.active + j.waiting == 0;
    }
    if (idle) {
      it = plans_.erase(it);
    } else {
      ++it;
    }
  }
}

void RunDriver::poke(int64_t run_id) {
  if (draining_) return;
  if (auto it = active_.find(run_id); it != active_.end()) {
    it->second->again = true;
    return;
  }
  start(run_id);
}

void RunDriver::start(int64_t run_id) {
  const auto run = s_.store.runById(run_id);
  if (!run || run->status == store::RunStatus::kCanceled) return;
  auto plan = plans_.find(run->revision);
  if (plan == plans_.end() && plan_source && !warned_.count(run->revision)) {
    if (auto rebuilt = plan_source(*run)) {
      log::info("scheduler", "run " + std::to_string(run_id) + " of '" + run->workflow +
                                 "' is on revision " + run->revision.substr(0, 12) +
                                 ", no longer served: rebuilt it from its stored text so its "
                                 "journeys finish on it");
      plan = plans_.emplace(run->revision, std::move(rebuilt)).first;
    }
  }
  if (plan == plans_.end()) {
    if (warned_.insert(run->revision).second) {
      log::warn("scheduler", "run " + std::to_string(run_id) + " of '" + run->workflow +
                                 "' is on revision " + run->revision.substr(0, 12) +
                                 ", which this daemon does not have loaded; its journeys wait");
    }
    return;
  }
  auto active = std::make_unique<Active>();
  active->plan = plan->second;
  active->engine = std::make_unique<engine::Engine>(s_.io, s_.store, s_.clock);
  engine::RunOptions options;
  options.run_id = run_id;
  options.dry_run = run->dry_run;
  options.trigger = run->trigger;
  options.batch_size = s_.config.batch_size;
  options.step_deadline = s_.config.step_deadline;
  options.delivery = std::make_shared<const config::DeliveryConfig>(s_.config.delivery);
  options.metrics = &s_.metrics;  // plugin crashes, quarantines, batch failures
  const std::string workflow = run->workflow;
  options.on_commit = [this, workflow](const store::BatchCommit& batch) {
    std::map<std::pair<std::string, std::string>, int64_t> outcomes;
    std::optional<int64_t> later;
    for (const auto& m : batch.moves) {
      ++outcomes[{m.from_step, m.outcome}];
      if (m.status == store::JourneyStatus::kWaiting ||
          (m.status == store::JourneyStatus::kActive && m.wake_ms > batch.now_ms)) {
        if (!later || m.wake_ms < *later) later = m.wake_ms;
      }
    }
    for (const auto& [key, n] : outcomes) {
      s_.metrics.counterAdd(kStepOutcomes,
                            {{"workflow", workflow}, {"step", key.first}, {"outcome", key.second}},
                            static_cast<double>(n));
    }
    if (later && on_later_wake) on_later_wake(*later);
  };
  options.on_due = [this](const std::vector<store::DueJourney>& journeys, int64_t now) {
    for (const auto& j : journeys) {
      if (j.wake_ms > j.moved_ms)
        s_.metrics.observe(kWakeLag, {},
                           static_cast<double>(std::max<int64_t>(0, now - j.wake_ms)) / 1000.0);
    }
  };
  Active* raw = active.get();
  active_[run_id] = std::move(active);
  try {
    raw->engine->start(*raw->plan, options, [this, run_id](engine::RunResult r) {
      if (r.error) log::error("scheduler", "run " + std::to_string(run_id) + ": " + *r.error);
      // Not here: the engine is still on the stack.
      boost::asio::post(s_.io, [this, run_id] { ended(run_id); });
    });
  } catch (const std::exception& e) {
    log::error("scheduler", "run " + std::to_string(run_id) + " could not start: " + e.what());
    active_.erase(run_id);
  }
}

void RunDriver::ended(int64_t run_id) {
  auto it = active_.find(run_id);
  if (it == active_.end()) return;
  const bool again = it->second->again;
  active_.erase(it);
  if (draining_) {
    if (active_.empty() && drained_) std::exchange(drained_, nullptr)();
    return;
  }
  if (again) start(run_id);
  if (on_idle) on_idle();
}

bool RunDriver::cancel(int64_t run_id) {
  const bool canceled = s_.store.cancelRun(run_id, s_.clock.nowMs());
  if (auto it = active_.find(run_id); it != active_.end()) {
    it->second->again = false;
    it->second->engine->stop();
  }
  return canceled;
}

void RunDriver::drain(std::function<void()> done) {
  draining_ = true;
  if (active_.empty()) {
    done();
    return;
  }
  drained_ = std::move(done);
  for (auto& [id, a] : active_) a->engine->stop();
}

}  // namespace herald::scheduler
