#pragma once
// Event ingestion with group commit: calls queue up while a commit is
// pending and share the next transaction (and its fsync). In that one
// transaction each event is resolved to its contact, stored unless its
// event_id is (idempotent), and enrolled into every matching event-triggered
// workflow, so a stored event always has its journeys and never twice.
#include <functional>
#include <vector>

#include "daemon/control.hpp"
#include "scheduler/event_triggers.hpp"
#include "scheduler/services.hpp"

namespace herald::scheduler {

class Ingestion {
 public:
  Ingestion(Services services, const EventTriggers& triggers,
            std::function<void(int64_t run_id)> enrolled);

  void ingest(std::vector<daemon::IncomingEvent> events,
              std::function<void(daemon::IngestResult)> done);
  // Calls not yet committed (drain waits for them).
  bool idle() const { return queue_.empty() && !scheduled_; }

 private:
  struct Call {
    std::vector<daemon::IncomingEvent> events;
    std::function<void(daemon::IngestResult)> done;
  };
  void commitQueued();

  Services s_;
  const EventTriggers& triggers_;
  std::function<void(int64_t)> enrolled_;
  std::vector<Call> queue_;
  bool scheduled_ = false;
};

}  // namespace herald::scheduler
