#pragma once
// The seams of `herald serve` (one process, one Boost.Asio io_context thread):
//
//   app/commands/serve.cpp
//     └─ daemon::Daemon (core/daemon/)          lifecycle: lock, sd_notify, signals, drain,
//          │                                      reload (WorkflowSet swap), control socket
//          ├─ scheduler::Scheduler (core/scheduler/)  triggers, durable timers, event ingestion
//          │                                      (group commit), runs on the Engine
//          └─ http::AdminApi / http::PublicApi (core/http/)  Beast listeners; call Control
//
// Everything in Control is called on the daemon's io_context thread (the one
// thread that also uses the Store), so implementations need no locks.
// Answers that take time (ingestion waits for its group commit) complete
// through a callback, also on that thread.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/daemon_config.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"
#include "util/diagnostic.hpp"

namespace herald::observe {
class Metrics;
}

namespace herald::plugin {
class Registry;
}

namespace herald::daemon {

// One event as posted to POST /api/v1/events, decoded and checked by the
// HTTP layer (the field errors are its job); who it belongs to is resolved
// by ingestion: contact_id, else external_id, else email.
struct IncomingEvent {
  std::optional<int64_t> contact_id;
  std::optional<std::string> external_id;
  std::optional<std::string> email;
  std::string type;
  int64_t at_ms = 0;  // the HTTP layer fills "now" when the body has no time
  nlohmann::json properties = nlohmann::json::object();
  std::optional<std::string> event_id;  // idempotency: a stored id is not stored again
};

// Per event, in the order posted.
struct IngestOutcome {
  enum class Kind { kStored, kDuplicate, kUnknownContact };
  Kind kind = Kind::kStored;
  int64_t event_id = 0;  // kStored: the stored row's id
  int64_t enrolled = 0;  // kStored: journeys the event started
};

struct IngestResult {
  std::vector<IngestOutcome> outcomes;
  std::optional<std::string> error;  // the commit failed: nothing was stored (answer 503)
};

// A run started over the admin API (trigger type `api`, or any workflow by hand).
struct StartRequest {
  std::string workflow;
  std::optional<std::string> audience;  // a segment rule (YAML/JSON text) or a segment NAME
  std::vector<int64_t> contact_ids;     // or an explicit contact list
  nlohmann::json variables = nlohmann::json::object();  // per-run input variables
  std::map<int64_t, nlohmann::json> contact_variables;  // per-contact input variables
  bool dry_run = false;
};

struct StartResult {
  std::optional<int64_t> run_id;  // set when started
  int64_t enrolled = 0;
  Diagnostics problems;  // why not (unknown workflow, paused, bad audience at FILE:LINE:COL)
};

// What /readyz and `systemctl status` say.
struct Health {
  bool store_ok = false;
  bool loaded = false;    // plugins loaded, workflows validated, listeners bound
  bool draining = false;  // SIGTERM received
  int64_t workflows = 0;
  int64_t journeys_waiting = 0;
  std::string last_error;  // empty when none
};

// Implemented by daemon::Daemon; used by the HTTP API and the control socket.
class Control {
 public:
  virtual ~Control() = default;

  virtual store::Store& store() = 0;
  virtual const config::DaemonConfig& config() = 0;
  virtual const Clock& clock() = 0;
  virtual observe::Metrics& metrics() = 0;
  // What plugins reported (counter_add / gauge_set), exported by /metrics
  // as herald_plugin_*; null when the daemon has no plugin host.
  virtual observe::Metrics* pluginMetrics() { return nullptr; }
  // The plugins whose webhook routes the public listener serves (ABI 1.3).
  virtual plugin::Registry* plugins() { return nullptr; }

  // Durably commits the events (group commit: many calls share one
  // transaction and one fsync), then enrols their contacts into matching
  // event-triggered workflows. `done` runs after the commit.
  virtual void ingestEvents(std::vector<IncomingEvent> events,
                            std::function<void(IngestResult)> done) = 0;

  // Workflows served: JSON objects as documented in docs/operations.md
  // (name, file, revision, trigger, paused, next_firing, journeys
  // {active, waiting}, last_run, quarantined steps).
  virtual nlohmann::json listWorkflows() = 0;
  virtual std::optional<nlohmann::json> showWorkflow(const std::string& name) = 0;
  // false: no such workflow.
  virtual bool setPaused(const std::string& name, bool paused) = 0;
  // Validates a posted workflow body exactly as `herald validate` would a
  // file called `name`; nothing is stored or served.
  virtual Diagnostics validateWorkflowText(const std::string& name, const std::string& yaml) = 0;
  // Reloads the config and every workflow; swaps only when all is valid.
  virtual Diagnostics reload() = 0;

  virtual StartResult startRun(const StartRequest& request) = 0;
  // false: no such run, or it is already finished.
  virtual bool cancelRun(int64_t run_id) = 0;

  virtual Health health() = 0;
};

}  // namespace herald::daemon
