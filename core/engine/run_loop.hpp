#pragma once
// The state machine of one run on the io_context: pick a step with due
// journeys, fetch a batch, run it (built-ins at once, plugins asynchronously,
// at most one batch in flight per step), commit, repeat until nothing is due.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include "engine/engine.hpp"
#include "engine/run_plan.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"

namespace herald::engine {

class RunLoop : public std::enable_shared_from_this<RunLoop> {
 public:
  RunLoop(boost::asio::io_context& io, store::Store& store, const Clock& clock, RunPlan& plan,
          RunOptions options, std::function<void(RunResult)> done);

  // Saves the revision, finds or creates the run, enrols. Throws StoreError.
  void prepare();
  // Posts the first pump.
  void start();
  void stop();

 private:
  struct InFlight;

  void pump();
  void refreshDue(int64_t now);
  void markInterrupted(int64_t now);
  bool runStep(StepRuntime& rt, int64_t now);
  void runBuiltinBatch(StepRuntime& rt, std::vector<store::DueJourney> journeys, int64_t now);
  void runPluginBatch(StepRuntime& rt, std::vector<store::DueJourney> journeys, int64_t now);
  // Records the batch as in the plugin's hands; false (and the flight set
  // up to fail its journeys) when it is quarantined instead (handover.hpp).
  bool handOver(InFlight& flight, StepRuntime& rt, int64_t now);
  void onPluginDone(const std::shared_ptr<InFlight>& flight, plugin::BatchResult result);
  // Counts into options_.metrics (when set), labelled with the workflow,
  // step, plugin and, when not empty, `reason`.
  void countFailure(const StepRuntime& rt, const std::string& name, const std::string& reason);
  void setQuarantinedGauge();
  // batch_seconds and, for plugin steps, step_call_seconds (histograms by
  // workflow and step) into options_.metrics when set.
  void observeBatch(const StepRuntime& rt, std::chrono::steady_clock::time_point began,
                    std::optional<double> step_seconds);
  void keepSample(const StepRuntime& rt, const InFlight& flight, const plugin::BatchResult& result);
  void commit(store::BatchCommit& batch);
  void noteMoves(const std::vector<store::JourneyMove>& moves, int64_t now);
  void fail(const std::string& message);
  void finish();
  void schedulePump();
  int batchSize() const;

  boost::asio::io_context& io_;
  store::Store& store_;
  const Clock& clock_;
  RunPlan& plan_;
  RunOptions options_;
  std::function<void(RunResult)> done_;

  RunResult result_;
  std::set<size_t> maybe_due_;  // step indexes that may have due journeys
  std::set<size_t> in_flight_;  // step indexes with a plugin batch out
  bool pump_scheduled_ = false;
  bool refreshed_idle_ = false;  // refreshed since the last batch and found nothing
  bool stopping_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point started_;
  plugin::RunServices services_;  // this run's recommendations (host->recommend)
};

}  // namespace herald::engine
