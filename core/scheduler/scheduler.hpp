#pragma once
// The daemon's scheduler: fires triggers (cron schedules with their catch-up
// policy, ingested events, runs started over the API), wakes waiting journeys
// at their stored time with one timer armed for the next due wake-up, and
// hands due work to the Engine. Due work is claimed through the Store (never
// from memory alone), so a crash loses nothing and a CLI `herald run` beside
// the daemon never makes a step run twice.
//
// Everything runs on the daemon's io_context thread.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "daemon/control.hpp"
#include "daemon/workflow_set.hpp"

namespace herald::scheduler {

class Scheduler {
 public:
  Scheduler(boost::asio::io_context& io, store::Store& store, const Clock& clock,
            const config::DaemonConfig& config, observe::Metrics& metrics);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Serve this set from now on (start-up and every reload). Journeys in
  // flight keep the revision they started on; a workflow missing from the
  // set stops enrolling and lets its journeys finish.
  void serve(std::shared_ptr<const daemon::WorkflowSet> set);
  // Where the plan of a run's revision comes from when the served set does
  // not have it (the file changed while the daemon was down): its stored
  // text, rebuilt (daemon::planOfStoredRevision). nullptr: it cannot be.
  using PlanSource = std::function<std::shared_ptr<engine::RunPlan>(const store::Run& run)>;
  void setPlanSource(PlanSource source);

  // See daemon::Control.
  void ingestEvents(std::vector<daemon::IncomingEvent> events,
                    std::function<void(daemon::IngestResult)> done);
  daemon::StartResult startRun(const daemon::StartRequest& request);
  bool cancelRun(int64_t run_id);
  bool setPaused(const std::string& workflow, bool paused);  // stored: survives a restart

  // Per served workflow: trigger, next firing, journeys active/waiting,
  // last run, paused, quarantined steps (the JSON of Control::listWorkflows).
  nlohmann::json describe(const std::string& workflow);
  int64_t journeysWaiting();

  // Starts no new batch; `done` runs once the batches in flight finished or
  // rolled back.
  void drain(std::function<void()> done);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::scheduler
