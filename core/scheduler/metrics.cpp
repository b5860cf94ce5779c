#include "scheduler/services.hpp"

namespace herald::scheduler {

void describeMetrics(observe::Metrics& m) {
  m.describe(kEventsIngested,
             "Events posted to the daemon, by outcome (stored, duplicate, "
             "unknown_contact)");
  m.describe(kEnrolments, "Journeys started, by workflow and trigger (schedule, event, api)");
  m.describe(kFirings, "Schedule firings, by workflow and outcome (fired, skipped)");
  m.describe(kStepOutcomes, "Journey moves committed, by workflow, step and outcome");
  m.describe(kJourneysWaiting, "Journeys waiting for their wake-up time");
  m.describe(kWakeLag, "How late a waiting journey was picked up after its wake-up time");
  m.describe(kIngestBatch, "Time to store one group-commit batch of posted events");
  m.describe(kIngestBatchEvents, "Events per group-commit batch");
  m.describe(kStoreCommit, "Time of store commits (the fsync), by what was committed");
}

}  // namespace herald::scheduler
