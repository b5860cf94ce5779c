#pragma once
// The host's outbound HTTP(S) service (ABI 1.3 `http_request`): libcurl's
// multi interface driven by the engine's Boost.Asio loop. No thread per
// request: curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION)
// and when to call it back (CURLMOPT_TIMERFUNCTION); Asio waits on them.
// Connections are pooled and reused across requests (one multi handle, one
// connection cache), TLS is verified unless a server's options say
// otherwise, and each owner (a plugin) has at most `max_in_flight_per_owner`
// requests on the wire: the rest queue in order. That limit is also a pace
// (net/aimd_pace.hpp): a 429 or 503 halves it and pauses the owner for the
// answer's Retry-After (or a backoff), successes widen it again.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // any token: GET, POST, PUT, PATCH, DELETE, ...
  std::string url;             // http:// or https:// only
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // the whole exchange
};

// Exactly one of: an answer from the server (any status, 4xx/5xx included),
// or a transport error (no answer).
struct HttpResult {
  long status = 0;  // 0 on a transport error
  Headers headers;  // names as the server sent them, in order
  std::string body;
  bool transport_error = false;
  // Transport errors a retry may cure (connection refused or reset, timeout,
  // DNS temporary failure) against those it will not (bad URL, unsupported
  // scheme, TLS verification failed, response larger than the limit).
  bool retryable = false;
  std::string error;  // what went wrong, for the plugin's log; no secrets
};

struct HttpClientOptions {
  std::size_t max_in_flight_per_owner = 16;
  std::size_t max_connections = 64;           // the whole pool
  std::size_t max_response_bytes = 8u << 20;  // larger bodies: non-retryable error
  bool verify_tls = true;
  std::string ca_file;  // empty: the system store
};

class HttpClient {
 public:
  using Callback = std::function<void(HttpResult&&)>;

  HttpClient(boost::asio::io_context& loop, HttpClientOptions options = {});
  // Requests still in flight are abandoned; their callbacks are not called.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts (or queues) `request` for `owner`. `done` is called exactly once,
  // on `loop`'s thread, never from inside start(). Call on the loop's thread.
  void start(std::string_view owner, HttpRequest request, Callback done);

  // Ends every request of `owner` (queued or on the wire): each callback
  // gets a non-retryable transport error "cancelled". For plugin shutdown.
  void cancel(std::string_view owner);

  // The most requests `owner` may have on the wire (its plugin's
  // `http: max_in_flight` setting); options' max_in_flight_per_owner
  // otherwise.
  void setOwnerLimit(std::string_view owner, std::size_t max_in_flight);

  // How `owner` is paced now, for metrics and tests.
  struct OwnerPaceView {
    std::size_t allowed = 0;  // on the wire at once now (AIMD window)
    std::size_t max = 0;
    std::uint64_t throttles = 0;  // 429/503 answers so far
    bool paused = false;          // waiting out a Retry-After or backoff
  };
  OwnerPaceView pace(std::string_view owner) const;

  // Requests on the wire now (queued ones are not counted).
  std::size_t inFlight() const;
  // Connections opened since construction: with keep-alive, far fewer than
  // requests (the tests and the benchmark check it).
  std::uint64_t connectionsOpened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::net
