#pragma once
// The run engine: moves a run's journeys through the steps of a workflow in
// batches, on a Boost.Asio io_context. `herald run` and the daemon host the
// same Engine: nothing here blocks on a plugin (a step completes its batch
// from any thread; the completion is posted back onto the io_context), and
// every batch's outcomes, variables, journey moves and ledger settlements
// commit in one store transaction, so a process killed at any moment
// resumes where it stopped.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/delivery_config.hpp"
#include "engine/run_plan.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"

namespace herald::observe {
class Metrics;
}

namespace herald::engine {

struct RunOptions {
  bool dry_run = false;               // deliver nothing, claim no ledger keys
  std::optional<int64_t> limit;       // enrol at most this many contacts
  std::optional<int64_t> contact_id;  // enrol only this contact (event triggers, tests)
  // Dry run: each delivery step's sample is this contact's message, when
  // the contact reaches the step (else the step shows no sample).
  std::optional<int64_t> sample_contact_id;
  int batch_size = 500;  // contacts per step call (the workflow may lower it)
  std::chrono::milliseconds step_deadline{std::chrono::minutes(5)};
  std::string trigger = "manual";
  // The daemon: process this existing run (its journeys were enrolled by a
  // trigger); nothing is enrolled and no other run is looked for.
  std::optional<int64_t> run_id;
  // Called on the io_context after each committed batch (the daemon's
  // metrics and its wake-up timer).
  std::function<void(const store::BatchCommit&)> on_commit;
  // Called with each batch of due journeys as it is fetched (wake-up lag).
  std::function<void(const std::vector<store::DueJourney>&, int64_t now_ms)> on_due;
  // Where the engine counts plugin failures (herald_plugin_crashes_total,
  // herald_quarantined_batches, herald_plugin_batch_failures_total): the
  // daemon's own Metrics. None for a one-off `herald run`.
  observe::Metrics* metrics = nullptr;
  // herald.yaml's `delivery:` (frequency caps, quiet hours, default time
  // zone) for the delivery policy; null: none of them (consent and
  // suppression always apply).
  std::shared_ptr<const config::DeliveryConfig> delivery;
};

// One message a delivery step would have sent, from a dry run.
struct Sample {
  std::string step_id;
  int64_t contact_id = 0;
  std::string text;
};

// What this invocation did at one step (the store keeps the run's totals).
struct StepActivity {
  int64_t batches = 0;
  int64_t journeys = 0;      // journeys handled
  int64_t delivered = 0;     // delivery steps: messages handed to the plugin and sent
                             // (dry run: that would have been sent)
  int64_t already_sent = 0;  // ledger said sent: passed without calling the plugin
  int64_t refused = 0;       // the delivery policy said no (e.g. no address)
  std::map<std::string, int64_t> refused_by;  // ... by ledger decision ("no-consent": 3)
  int64_t deferred = 0;                       // quiet hours: the journey waits at the step
  int64_t unknown = 0;           // outcome unknown after a crash: not resent (on_unknown: skip)
  int64_t redelivered = 0;       // unknown after a crash, delivered again (on_unknown: resend or an
                                 // idempotent step)
  int64_t settled_by_event = 0;  // unknown after a crash, a provider event says it was sent
  int64_t batch_failures = 0;    // the plugin failed a whole batch
  // Templates: journeys failed because their config did not render (strict
  // undefined variable, a limit, a filter error), and in lenient mode, per
  // variable, the contacts for whom it rendered empty with no default.
  int64_t render_failures = 0;
  std::map<std::string, int64_t> undefined;  // "contact.first_name" -> contacts
};

struct RunResult {
  store::Run run;                                // as it stands at the end
  bool resumed = false;                          // an unfinished run of this revision was picked up
  int64_t enrolled_now = 0;                      // contacts enrolled by this invocation
  std::map<std::string, StepActivity> activity;  // by step id
  std::vector<Sample> samples;                   // dry run: one per delivery step
  store::JourneySummary journeys;
  std::optional<std::string> error;  // the run stopped early (e.g. the store failed)
  double seconds = 0;
};

class RunLoop;

class Engine {
 public:
  Engine(boost::asio::io_context& io, store::Store& store, const Clock& clock);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts or resumes a run of `plan`: saves the workflow revision, picks up
  // the unfinished run of the same revision (or creates one), enrols the
  // audience, then processes every journey that is due now. `done` runs on
  // the io_context when nothing is due any more (or after stop()). `plan`
  // must outlive the run. Throws store::StoreError when the run cannot start.
  void start(RunPlan& plan, const RunOptions& options, std::function<void(RunResult)> done);

  // Finish the batches in flight, start no new one, then call `done`.
  void stop();

 private:
  boost::asio::io_context& io_;
  store::Store& store_;
  const Clock& clock_;
  std::shared_ptr<RunLoop> loop_;
};

// Convenience for the CLI: start() and run `io` until the run is done.
RunResult runToCompletion(boost::asio::io_context& io, store::Store& store, const Clock& clock,
                          RunPlan& plan, const RunOptions& options);

}  // namespace herald::engine
