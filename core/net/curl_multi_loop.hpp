#pragma once
// One libcurl multi handle driven by a Boost.Asio io_context (curl's
// "multi_socket" API): curl says which sockets to watch and for what
// (CURLMOPT_SOCKETFUNCTION) and when to call it back (CURLMOPT_TIMERFUNCTION);
// each socket gets an asio stream_descriptor that only borrows curl's fd, and
// one steady_timer serves the timeouts. Knows nothing of requests: finished
// transfers are handed to `Finished`.
#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

namespace herald::net {

class CurlMultiLoop {
 public:
  // Called after curl finished `easy` (with `code`), outside any curl
  // callback: it may remove `easy` and add other handles.
  using Finished = std::function<void(CURL* easy, CURLcode code)>;

  CurlMultiLoop(boost::asio::io_context& loop, std::size_t max_connections, Finished finished);
  // Every easy handle must have been removed first.
  ~CurlMultiLoop();
  CurlMultiLoop(const CurlMultiLoop&) = delete;
  CurlMultiLoop& operator=(const CurlMultiLoop&) = delete;

  // Starts `easy` (configured by the caller). Also routes its sockets'
  // closing through this loop so a descriptor never outlives its fd.
  CURLMcode add(CURL* easy);
  void remove(CURL* easy);

 private:
  struct Watch;

  static int onSocket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int onTimer(CURLM* multi, long timeout_ms, void* self);
  static int onCloseSocket(void* self, curl_socket_t fd);

  void watch(curl_socket_t fd, int what);
  void arm(curl_socket_t fd, const std::shared_ptr<Watch>& watch);
  void forget(curl_socket_t fd);
  void act(curl_socket_t fd, int events);
  void wakeAtDue();
  void onDue();

  boost::asio::io_context& loop_;
  Finished finished_;
  CURLM* multi_;
  // curl's one timeout, as it last asked (empty: none). The timer is only
  // re-armed when that moves earlier, and a timeout of 0 is a post: each
  // re-arm of the earliest Asio timer is a timerfd_settime system call,
  // and curl asks for a new timeout several times per request.
  std::optional<boost::asio::steady_timer::time_point> due_;
  boost::asio::steady_timer timer_;
  bool timer_waiting_ = false;
  bool due_posted_ = false;
  std::unordered_map<curl_socket_t, std::shared_ptr<Watch>> watches_;
  // Handlers already queued on the loop check it before touching `this`.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace herald::net
