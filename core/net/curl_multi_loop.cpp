#include "net/curl_multi_loop.hpp"

#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace herald::net {

namespace {

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("libcurl could not be initialised");
    }
  });
}

}  // namespace

struct CurlMultiLoop::Watch {
  explicit Watch(boost::asio::io_context& loop) : descriptor(loop) {}
  boost::asio::posix::stream_descriptor descriptor;
  int wanted = 0;  // CURL_POLL_IN / OUT / INOUT
  bool reading = false;
  bool writing = false;
  bool released = false;  // curl is done with the fd (it may be reused by another socket)
};

CurlMultiLoop::CurlMultiLoop(boost::asio::io_context& loop, std::size_t max_connections,
                             Finished finished)
    : loop_(loop), finished_(std::move(finished)), multi_(nullptr), timer_(loop) {
  initCurlOnce();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("libcurl: curl_multi_init failed");
  const long connections = static_cast<long>(max_connections);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMultiLoop::onSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMultiLoop::onTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, connections);
  // Keep as many idle connections as the pool may hold (curl's default
  // shrinks with the number of easy handles, which we recycle).
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, connections);
}

CurlMultiLoop::~CurlMultiLoop() {
  // Closes the cached connections through onCloseSocket while `this` is whole.
  curl_multi_cleanup(multi_);
  for (auto& [fd, watch] : watches_) {
    watch->released = true;
    watch->descriptor.release();
  }
  watches_.clear();
  timer_.cancel();
}

CURLMcode CurlMultiLoop::add(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlMultiLoop::onCloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  return curl_multi_add_handle(multi_, easy);
}

void CurlMultiLoop::remove(CURL* easy) { curl_multi_remove_handle(multi_, easy); }

int CurlMultiLoop::onSocket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* me = static_cast<CurlMultiLoop*>(self);
  // Nothing may throw into curl's C frames. Should a socket not be watched
  // (no memory, epoll refused it), its transfer ends at its timeout.
  try {
    if (what == CURL_POLL_REMOVE) {
      me->forget(fd);
    } else {
      me->watch(fd, what);
    }
  } catch (...) {
  }
  return 0;
}

int CurlMultiLoop::onTimer(CURLM*, long timeout_ms, void* self) {
  auto* me = static_cast<CurlMultiLoop*>(self);
  if (timeout_ms < 0) {
    me->due_.reset();
    if (me->timer_waiting_) me->timer_.cancel();  // nothing keeps the loop busy
    me->timer_waiting_ = false;
    return 0;
  }
  me->due_ = boost::asio::steady_timer::clock_type::now() + std::chrono::milliseconds(timeout_ms);
  // Never call curl back from inside its own callback: always through the
  // loop, even for a timeout of 0.
  me->wakeAtDue();
  return 0;
}

void CurlMultiLoop::wakeAtDue() {
  if (!due_) return;
  if (*due_ <= boost::asio::steady_timer::clock_type::now()) {
    if (due_posted_) return;
    due_posted_ = true;
    boost::asio::post(loop_, [this, alive = std::weak_ptr<char>(alive_)] {
      if (alive.expired()) return;
      due_posted_ = false;
      onDue();
    });
    return;
  }
  if (timer_waiting_ && timer_.expiry() <= *due_) return;  // wakes early, then re-arms
  timer_waiting_ = true;
  timer_.expires_at(*due_);
  timer_.async_wait(
      [this, alive = std::weak_ptr<char>(alive_)](const boost::system::error_code& ec) {
        if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
        timer_waiting_ = false;
        onDue();
      });
}

void CurlMultiLoop::onDue() {
  if (!due_) return;
  if (*due_ > boost::asio::steady_timer::clock_type::now()) {
    wakeAtDue();
    return;
  }
  due_.reset();
  act(CURL_SOCKET_TIMEOUT, 0);
}

int CurlMultiLoop::onCloseSocket(void* self, curl_socket_t fd) {
  // Asio must let go of the fd before it is closed (and maybe reused).
  static_cast<CurlMultiLoop*>(self)->forget(fd);
  return ::close(fd);
}

void CurlMultiLoop::watch(curl_socket_t fd, int what) {
  auto found = watches_.find(fd);
  if (found == watches_.end()) {
    auto fresh = std::make_shared<Watch>(loop_);
    boost::system::error_code ec;
    fresh->descriptor.assign(fd, ec);
    if (ec) return;
    found = watches_.emplace(fd, std::move(fresh)).first;
  }
  found->second->wanted = what;
  arm(fd, found->second);
}

void CurlMultiLoop::arm(curl_socket_t fd, const std::shared_ptr<Watch>& watch) {
  using boost::asio::posix::stream_descriptor;
  auto handler = [this, fd, watch, alive = std::weak_ptr<char>(alive_)](
                     bool& pending, int event, const boost::system::error_code& ec) {
    pending = false;
    if (watch->released || alive.expired() || ec == boost::asio::error::operation_aborted) return;
    act(fd, ec ? CURL_CSELECT_ERR : event);
    // Still wanted after curl's turn (it may have removed or replaced the fd)?
    if (!watch->released) arm(fd, watch);
  };
  if ((watch->wanted & CURL_POLL_IN) != 0 && !watch->reading) {
    watch->reading = true;
    watch->descriptor.async_wait(stream_descriptor::wait_read,
                                 [handler, watch](const boost::system::error_code& ec) mutable {
                                   handler(watch->reading, CURL_CSELECT_IN, ec);
                                 });
  }
  if ((watch->wanted & CURL_POLL_OUT) != 0 && !watch->writing) {
    watch->writing = true;
    watch->descriptor.async_wait(stream_descriptor::wait_write,
                                 [handler, watch](const boost::system::error_code& ec) mutable {
                                   handler(watch->writing, CURL_CSELECT_OUT, ec);
                                 });
  }
}

void CurlMultiLoop::forget(curl_socket_t fd) {
  auto found = watches_.find(fd);
  if (found == watches_.end()) return;
  found->second->released = true;
  found->second->descriptor.release();  // aborts its waits; curl closes the fd itself
  watches_.erase(found);
}

void CurlMultiLoop::act(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg == CURLMSG_DONE) finished_(message->easy_handle, message->data.result);
  }
}

}  // namespace herald::net
