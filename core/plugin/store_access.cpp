#include "plugin/store_access.hpp"

#include <boost/asio/post.hpp>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>

#include "plugin/host_state.hpp"

namespace herald::plugin {
namespace {

thread_local boost::asio::io_context* t_calling_engine = nullptr;

StoreAnswer runHere(HostShared& host, const std::function<void(store::Store&)>& fn) {
  std::lock_guard lock(host.store_mu);
  if (!host.store) return StoreAnswer::kNoStore;
  fn(*host.store);
  return StoreAnswer::kDone;
}

// Shared by the waiting plugin thread and the handler on the engine thread;
// `fn` is only run while the waiter still waits (it is a reference into the
// waiter's frame).
struct Handoff {
  std::mutex mu;
  std::condition_variable cv;
  const std::function<void(store::Store&)>* fn = nullptr;
  bool finished = false;
  bool abandoned = false;
  StoreAnswer answer = StoreAnswer::kDone;
  std::exception_ptr error;
};

}  // namespace

boost::asio::io_context* callingEngine() { return t_calling_engine; }

CallingEngineScope::CallingEngineScope(boost::asio::io_context* engine)
    : previous_(t_calling_engine) {
  t_calling_engine = engine;
}

CallingEngineScope::~CallingEngineScope() { t_calling_engine = previous_; }

StoreAnswer onStoreThread(HostShared& host, boost::asio::io_context* engine,
                          const std::function<void(store::Store&)>& fn) {
  if (!engine || engine->get_executor().running_in_this_thread()) return runHere(host, fn);
  auto handoff = std::make_shared<Handoff>();
  handoff->fn = &fn;
  boost::asio::post(*engine, [handoff, &host] {
    std::lock_guard lock(handoff->mu);
    if (handoff->abandoned) return;
    try {
      handoff->answer = runHere(host, *handoff->fn);
    } catch (...) {
      handoff->error = std::current_exception();
    }
    handoff->finished = true;
    handoff->cv.notify_all();
  });
  std::unique_lock lock(handoff->mu);
  if (!handoff->cv.wait_for(lock, kStoreWaitLimit, [&] { return handoff->finished; })) {
    handoff->abandoned = true;
    return StoreAnswer::kTimedOut;
  }
  if (handoff->error) std::rethrow_exception(handoff->error);
  return handoff->answer;
}

}  // namespace herald::plugin
