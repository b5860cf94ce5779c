#pragma once
// Schedule triggers: fires each served schedule workflow at its cron times
// (one timer for the earliest next firing of all of them), catches up on
// firings missed while the daemon was down as its catch_up says, and claims
// each firing in the store with its run, so none fires twice.
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include "daemon/workflow_set.hpp"
#include "scheduler/services.hpp"

namespace herald::scheduler {

class CronTrigger {
 public:
  CronTrigger(Services services, std::function<void(int64_t run_id)> started);

  void serve(std::shared_ptr<const daemon::WorkflowSet> set);
  // Fires what is due now and arms the timer for the next firing.
  void fireDue();
  void stop();
  // The next firing of a served schedule workflow (nullopt: none).
  std::optional<int64_t> nextFiring(const daemon::ServedWorkflow& wf) const;

 private:
  void fire(const daemon::ServedWorkflow& wf, int64_t now);

  Services s_;
  std::function<void(int64_t)> started_;
  std::shared_ptr<const daemon::WorkflowSet> set_;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace herald::scheduler
