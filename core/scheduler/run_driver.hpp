#pragma once
// Runs the Engine over runs that have due work: one RunLoop per run at a
// time, on the revision the run started on (the RunPlan of every revision
// that still has journeys is kept), with the daemon's hooks: step outcome
// metrics, wake-up lag, and telling the wake-up timer about later wakes.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "engine/engine.hpp"
#include "scheduler/services.hpp"

namespace herald::scheduler {

class RunDriver {
 public:
  explicit RunDriver(Services services);
  ~RunDriver();

  // The plan to run journeys of `revision` with (kept until forget()).
  void keepPlan(const std::string& revision, std::shared_ptr<engine::RunPlan> plan);
  bool hasPlan(const std::string& revision) const { return plans_.count(revision) > 0; }
  // Drops plans of revisions not in `keep` whose runs have no journey left.
  void forgetIdlePlans(const std::set<std::string>& keep);

  // Processes the run now, or once more after the loop at work on it ends.
  void poke(int64_t run_id);
  bool busy(int64_t run_id) const { return active_.count(run_id) > 0; }
  bool cancel(int64_t run_id);
  // Starts no new loop; `done` once every loop has stopped.
  void drain(std::function<void()> done);

  // Asked for the plan of a run whose revision has none kept (see
  // Scheduler::setPlanSource); the answer is kept.
  std::function<std::shared_ptr<engine::RunPlan>(const store::Run&)> plan_source;
  // Called when a loop ended (the scheduler looks for due work again).
  std::function<void()> on_idle;
  // Called with the wake time of a journey a committed batch left waiting.
  std::function<void(int64_t wake_ms)> on_later_wake;

 private:
  struct Active;
  void start(int64_t run_id);
  void ended(int64_t run_id);

  Services s_;
  std::map<std::string, std::shared_ptr<engine::RunPlan>> plans_;  // by revision
  std::map<int64_t, std::unique_ptr<Active>> active_;
  std::set<std::string> warned_;  // revisions without a plan, logged once
  bool draining_ = false;
  std::function<void()> drained_;
};

}  // namespace herald::scheduler
