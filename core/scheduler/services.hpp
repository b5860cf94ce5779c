#pragma once
// What every part of the scheduler uses: the daemon's loop, store, clock,
// config and metrics (all on the io_context thread), and the metric names.
#include <boost/asio/io_context.hpp>

#include "config/daemon_config.hpp"
#include "observe/metrics.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"

namespace herald::scheduler {

struct Services {
  boost::asio::io_context& io;
  store::Store& store;
  const Clock& clock;
  const config::DaemonConfig& config;
  observe::Metrics& metrics;
};

// Metric names (exported with the herald_ prefix).
inline constexpr const char* kEventsIngested = "events_ingested_total";  // {outcome}
inline constexpr const char* kEnrolments = "enrolments_total";           // {workflow, trigger}
inline constexpr const char* kFirings = "schedule_firings_total";        // {workflow, outcome}
inline constexpr const char* kStepOutcomes = "step_outcomes_total";  // {workflow, step, outcome}
inline constexpr const char* kJourneysWaiting = "journeys_waiting";
inline constexpr const char* kWakeLag = "wakeup_lag_seconds";
inline constexpr const char* kIngestBatch = "ingest_batch_seconds";
inline constexpr const char* kIngestBatchEvents = "ingest_batch_events";
inline constexpr const char* kStoreCommit = "store_commit_seconds";  // {what}

// Describes the names above once (HELP lines).
void describeMetrics(observe::Metrics& metrics);

}  // namespace herald::scheduler
