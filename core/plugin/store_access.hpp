#pragma once
// Internal to core/plugin: how host API calls from plugin threads reach the
// store. The store belongs to the engine's thread (the one running its
// io_context): a call from a call-pool worker (run_batch) or about a live
// batch (segment_match, recommend, from any thread) is posted there and
// waited for. That cannot deadlock, because the engine thread never waits
// on a plugin. On the engine thread itself, or with no engine to post to
// (create() during `herald validate`, tests without an engine), the work
// runs right here under the host's store lock.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

namespace herald::store {
class Store;
}

namespace herald::plugin {

struct HostShared;

enum class StoreAnswer {
  kDone,      // `fn` ran (it may have thrown: rethrown to the caller)
  kNoStore,   // the host has no store (HERALD_ERR_UNSUPPORTED)
  kTimedOut,  // the engine thread did not take the work in time; `fn` will not run
};

// How long a plugin thread waits for the engine thread to run its store
// work before giving up with HERALD_ERR_INTERNAL (the engine stopped, say).
constexpr std::chrono::seconds kStoreWaitLimit{30};

StoreAnswer onStoreThread(HostShared& host, boost::asio::io_context* engine,
                          const std::function<void(store::Store&)>& fn);

// The engine whose batch this thread is handing to a plugin (a call-pool
// worker inside run_batch), for host calls that name no batch (kv_*);
// nullptr on any other thread.
boost::asio::io_context* callingEngine();

class CallingEngineScope {
 public:
  explicit CallingEngineScope(boost::asio::io_context* engine);
  ~CallingEngineScope();
  CallingEngineScope(const CallingEngineScope&) = delete;
  CallingEngineScope& operator=(const CallingEngineScope&) = delete;

 private:
  boost::asio::io_context* previous_;
};

}  // namespace herald::plugin
