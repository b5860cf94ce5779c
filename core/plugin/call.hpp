#pragma once
// Internal to core/plugin: one run_batch() call in flight. Plugins see it as
// an opaque herald_call* that is really a never-reused number, looked up in a
// table: a stale or doubled complete() finds nothing to corrupt, only a
// record that lets the host name the plugin that made the mistake.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "herald/abi.h"
#include "plugin/registry.hpp"

namespace herald::plugin {

// A deep copy of a batch: the engine may free its own as soon as runBatch
// returns, while the plugin may read this one until it completes.
class BatchCopy {
 public:
  explicit BatchCopy(const herald_batch& batch);
  BatchCopy(const BatchCopy&) = delete;
  BatchCopy& operator=(const BatchCopy&) = delete;
  const herald_batch* get() const { return &batch_; }
  size_t count() const { return batch_.count; }

 private:
  std::unique_ptr<char[]> arena_;
  std::vector<herald_contact> contacts_;
  std::vector<const herald_contact*> pointers_;
  herald_batch batch_{};
};

// Keeps a plugin's instance (and through its ctx, the library) alive while
// the engine's StepInstance or an unfinished call needs it.
struct InstanceCore {
  std::unique_ptr<herald_step_ctx> ctx;
  const herald_step_type* type = nullptr;
  // The branch labels the type declared: a BRANCH outcome naming another
  // label is the plugin's bug (the workflow maps every declared one).
  std::vector<std::string> branches;
  void* instance = nullptr;
  std::atomic<int> in_flight{0};  // calls the plugin has not completed yet

  InstanceCore() = default;
  InstanceCore(const InstanceCore&) = delete;
  InstanceCore& operator=(const InstanceCore&) = delete;
  ~InstanceCore();
};

struct CallState {
  CallState(std::shared_ptr<InstanceCore> c, const herald_batch& b)
      : core(std::move(c)), batch(b) {}

  std::shared_ptr<InstanceCore> core;
  BatchCopy batch;
  std::string who;       // "plugin 'x' (step type 'y')"
  RunServices services;  // what host->recommend answers from
  std::chrono::milliseconds deadline{0};

  std::mutex mu;
  bool resolved = false;          // `done` has been called (or taken to be called)
  bool plugin_completed = false;  // the plugin called complete()
  bool timed_out = false;
  std::function<void(BatchResult)> done;
  std::vector<std::pair<size_t, std::string>> previews;
  boost::asio::io_context* io = nullptr;
  std::unique_ptr<boost::asio::steady_timer> timer;
  herald_call* handle = nullptr;  // what the plugin got (for cancel())
};

// Registers a call and returns the handle the plugin gets.
herald_call* registerCall(std::shared_ptr<CallState> state);

// Resolves the call as failed (the plugin threw, or missed its deadline)
// unless it already was; returns false when it already was.
bool failCall(const std::shared_ptr<CallState>& state, std::string error);

// The call is over without a completion from the plugin: run_batch threw
// (`how` = "threw") or the call was never handed to it ("was never handed
// over"); its batch has been failed with failCall. A later complete() on it
// is reported and ignored.
void retireUncompletedCall(herald_call* call, const std::shared_ptr<CallState>& state,
                           const std::string& how);

// Arms the deadline timer on state->io unless the call already finished.
// It fires on the engine's thread whatever the plugin is doing, and fails
// the batch with a message naming the plugin, the step and the deadline.
void armDeadline(const std::shared_ptr<CallState>& state,
                 std::chrono::steady_clock::time_point expiry);

// Host API entries that take a herald_call*.
void hostComplete(herald_call* call, herald_status status, const char* error,
                  const herald_outcome* outcomes, size_t count);
void hostPreview(herald_call* call, size_t contact_index, const char* preview);
herald_step_ctx* hostCallStep(herald_call* call);

// The state of a call the plugin has not completed yet; nullptr otherwise.
std::shared_ptr<CallState> liveCall(herald_call* call);

}  // namespace herald::plugin
