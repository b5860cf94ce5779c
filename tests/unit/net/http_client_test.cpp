// HttpClient against a real keep-alive server on 127.0.0.1 (LocalHttpServer):
// answers, transport errors and their classes, connection reuse, the
// per-owner limit, cancel and destruction with requests on the wire.
#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "local_http_server.hpp"

namespace herald::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Runs `io` until `done()` or 20 s.
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = Clock::now() + 20s;
  io.restart();
  while (!done() && Clock::now() < deadline) io.run_one_for(20ms);
  return done();
}

std::string header(const HttpResult& result, std::string_view name) {
  for (const auto& [key, value] : result.headers) {
    if (key == name) return value;
  }
  return "<none>";
}

HttpClientOptions onTheWireAtMost(std::size_t requests) {
  HttpClientOptions options;
  options.max_in_flight_per_owner = requests;
  return options;
}

HttpRequest get(std::string url) {
  HttpRequest request;
  request.url = std::move(url);
  return request;
}

struct HttpClientTest : ::testing::Test {
  boost::asio::io_context io;
  test::LocalHttpServer server;

  // One request, run to its answer.
  HttpResult fetch(HttpClient& client, HttpRequest request) {
    std::optional<HttpResult> answer;
    client.start("plugin", std::move(request),
                 [&](HttpResult&& result) { answer = std::move(result); });
    EXPECT_TRUE(runUntil(io, [&] { return answer.has_value(); }));
    return answer ? std::move(*answer) : HttpResult{};
  }
  HttpResult fetch(HttpRequest request) {
    HttpClient client(io);
    return fetch(client, std::move(request));
  }
};

TEST_F(HttpClientTest, PostRoundTripsHeadersAndBody) {
  HttpRequest request = get(server.url("/echo"));
  request.method = "POST";
  request.headers = {{"X-Test", "forty two"}, {"Content-Type", "text/plain"}};
  request.body = "the body";
  const HttpResult result = fetch(std::move(request));
  ASSERT_FALSE(result.transport_error) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "POST\nthe body");
  EXPECT_EQ(header(result, "X-Seen-Test"), "forty two");
  // Names as sent, in order, repeated ones kept.
  std::vector<std::string> names;
  for (const auto& [name, value] : result.headers) names.push_back(name);
  const auto first = std::find(names.begin(), names.end(), "X-First");
  ASSERT_NE(first, names.end());
  EXPECT_EQ(*(first + 1), "X-Second");
  EXPECT_EQ(*(first + 2), "Set-Cookie");
  EXPECT_EQ(*(first + 3), "Set-Cookie");
  EXPECT_EQ(result.headers[static_cast<std::size_t>(first - names.begin()) + 3].second, "b=2");
}

TEST_F(HttpClientTest, GetAndOtherMethods) {
  HttpClient client(io);
  EXPECT_EQ(fetch(client, get(server.url("/echo"))).body, "GET\n");
  HttpRequest put = get(server.url("/echo"));
  put.method = "PUT";
  put.body = "{}";
  EXPECT_EQ(fetch(client, std::move(put)).body, "PUT\n{}");
  HttpRequest remove = get(server.url("/echo"));
  remove.method = "DELETE";
  EXPECT_EQ(fetch(client, std::move(remove)).body, "DELETE\n");
}

TEST_F(HttpClientTest, LargeBodiesBothWaysWhileOthersRun) {
  HttpClient client(io, onTheWireAtMost(8));
  const std::string body(1 << 20, 'b');  // many partial writes and reads per request
  int answered = 0;
  for (int i = 0; i < 20; ++i) {
    HttpRequest request = get(server.url("/echo"));
    request.method = "POST";
    request.body = body;
    client.start("plugin", std::move(request), [&](HttpResult&& result) {
      EXPECT_EQ(result.status, 200) << result.error;
      EXPECT_EQ(result.body.size(), body.size() + 5);
      ++answered;
    });
    client.start("other", get(server.url("/chunked/300000")), [&](HttpResult&& result) {
      EXPECT_EQ(result.body.size(), 300000u) << result.error;
      ++answered;
    });
  }
  ASSERT_TRUE(runUntil(io, [&] { return answered == 40; }));
}

TEST_F(HttpClientTest, ErrorStatusesAreAnswersNotTransportErrors) {
  HttpClient client(io);
  for (long status : {400L, 404L, 500L, 503L}) {
    const HttpResult result = fetch(client, get(server.url("/status/" + std::to_string(status))));
    EXPECT_FALSE(result.transport_error) << result.error;
    EXPECT_EQ(result.status, status);
    EXPECT_EQ(result.body, "status " + std::to_string(status));
  }
}

TEST_F(HttpClientTest, TooManyRequestsShowsRetryAfter) {
  const HttpResult result = fetch(get(server.url("/retry")));
  EXPECT_FALSE(result.transport_error);
  EXPECT_EQ(result.status, 429);
  EXPECT_EQ(header(result, "Retry-After"), "7");
}

TEST_F(HttpClientTest, RedirectsAreNotFollowed) {
  const HttpResult result = fetch(get(server.url("/redirect")));
  EXPECT_EQ(result.status, 302);
  EXPECT_EQ(header(result, "Location"), "/hello");
}

TEST_F(HttpClientTest, SequentialRequestsReuseOneConnection) {
  HttpClient client(io);
  int answered = 0;
  std::function<void()> next = [&] {
    client.start("plugin", get(server.url("/hello")), [&](HttpResult&& result) {
      EXPECT_EQ(result.status, 200) << result.error;
      if (++answered < 1000) next();
    });
  };
  next();
  ASSERT_TRUE(runUntil(io, [&] { return answered == 1000; }));
  EXPECT_EQ(server.requestsServed(), 1000u);
  EXPECT_EQ(server.connectionsAccepted(), 1u);
  EXPECT_EQ(client.connectionsOpened(), 1u);
}

TEST_F(HttpClientTest, ConcurrentRequestsOpenAtMostTheOwnerLimitOfConnections) {
  HttpClient client(io, onTheWireAtMost(8));
  int answered = 0;
  for (int i = 0; i < 1000; ++i) {
    client.start("plugin", get(server.url("/hello")), [&](HttpResult&& result) {
      EXPECT_EQ(result.status, 200) << result.error;
      ++answered;
    });
  }
  EXPECT_LE(client.inFlight(), 8u);
  ASSERT_TRUE(runUntil(io, [&] { return answered == 1000; }));
  EXPECT_LE(server.connectionsAccepted(), 8u);
  EXPECT_EQ(client.connectionsOpened(), server.connectionsAccepted());
  EXPECT_EQ(client.inFlight(), 0u);
}

TEST_F(HttpClientTest, PerOwnerLimitQueuesInOrder) {
  HttpClient client(io, onTheWireAtMost(3));
  std::vector<int> order;
  for (int i = 0; i < 9; ++i) {
    client.start("slow-plugin", get(server.url("/slow/150")), [&order, i](HttpResult&& result) {
      EXPECT_EQ(result.status, 200) << result.error;
      order.push_back(i);
    });
  }
  EXPECT_EQ(client.inFlight(), 3u);
  ASSERT_TRUE(runUntil(io, [&] { return order.size() == 9; }));
  EXPECT_EQ(server.mostConcurrent(), 3u);
  // The queue is in order: each wave of three answers after the one before.
  for (std::size_t i = 3; i < order.size(); ++i) EXPECT_GE(order[i], 3) << i;
  for (std::size_t i = 6; i < order.size(); ++i) EXPECT_GE(order[i], 6) << i;
}

TEST_F(HttpClientTest, OneOwnersQueueDoesNotHoldUpAnother) {
  HttpClient client(io, onTheWireAtMost(1));
  int slow_answered = 0;
  for (int i = 0; i < 5; ++i) {
    client.start("slow-plugin", get(server.url("/slow/100")),
                 [&](HttpResult&&) { ++slow_answered; });
  }
  std::optional<int> slow_answered_before_other;
  client.start("other-plugin", get(server.url("/hello")), [&](HttpResult&& result) {
    EXPECT_EQ(result.status, 200);
    slow_answered_before_other = slow_answered;
  });
  EXPECT_EQ(client.inFlight(), 2u);
  ASSERT_TRUE(runUntil(io, [&] { return slow_answered == 5; }));
  EXPECT_EQ(slow_answered_before_other, 0);
  EXPECT_EQ(server.mostConcurrent(), 2u);
}

TEST_F(HttpClientTest, TimeoutIsRetryableAndOnTime) {
  HttpRequest request = get(server.url("/slow/5000"));
  request.timeout = 300ms;
  const auto started = Clock::now();
  const HttpResult result = fetch(std::move(request));
  const auto took = Clock::now() - started;
  EXPECT_TRUE(result.transport_error);
  EXPECT_TRUE(result.retryable);
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error.find("Timeout"), std::string::npos) << result.error;
  EXPECT_GE(took, 280ms);
  EXPECT_LT(took, 1500ms);
}

TEST_F(HttpClientTest, ConnectionRefusedIsRetryable) {
  unsigned short closed_port = 0;
  {
    boost::asio::io_context scratch;
    boost::asio::ip::tcp::acceptor probe(scratch, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  const HttpResult result =
      fetch(get("http://127.0.0.1:" + std::to_string(closed_port) + "/hello"));
  EXPECT_TRUE(result.transport_error);
  EXPECT_TRUE(result.retryable);
  EXPECT_EQ(result.error.rfind("Couldn't connect to server: Failed to connect to 127.0.0.1 port " +
                                   std::to_string(closed_port),
                               0),
            0u)
      << result.error;
}

TEST_F(HttpClientTest, BadUrlsAndOtherSchemesAreNotRetryable) {
  HttpClient client(io);
  const HttpResult malformed = fetch(client, get("http://[::1"));
  EXPECT_TRUE(malformed.transport_error);
  EXPECT_FALSE(malformed.retryable);
  EXPECT_EQ(malformed.error, "URL using bad/illegal format or missing URL") << malformed.error;

  const HttpResult ftp = fetch(client, get("ftp://127.0.0.1/file"));
  EXPECT_TRUE(ftp.transport_error);
  EXPECT_FALSE(ftp.retryable);
  EXPECT_EQ(ftp.error, "unsupported URL scheme 'ftp' (only http:// and https://)");

  const HttpResult bare =
      fetch(client, get("127.0.0.1:" + std::to_string(server.port()) + "/hello"));
  EXPECT_FALSE(bare.retryable);
  EXPECT_EQ(bare.error, "URL must start with http:// or https://");
  EXPECT_EQ(
      fetch(client, get("HTTP://127.0.0.1:" + std::to_string(server.port()) + "/hello")).status,
      200);
  EXPECT_EQ(server.requestsServed(), 1u);
}

TEST_F(HttpClientTest, MethodsAndHeadersThatWouldCorruptTheRequestAreRefused) {
  HttpClient client(io);
  HttpRequest bad_method = get(server.url("/hello"));
  bad_method.method = "GET /x HTTP/1.1\r\nX:";
  const HttpResult method = fetch(client, std::move(bad_method));
  EXPECT_TRUE(method.transport_error);
  EXPECT_FALSE(method.retryable);
  EXPECT_EQ(method.error,
            "invalid HTTP method 'GET /x HTTP/1.1\r\nX:' (a token such as GET or POST)");

  HttpRequest bad_header = get(server.url("/hello"));
  bad_header.headers = {{"X-Test", "a\r\nInjected: yes"}};
  const HttpResult value = fetch(client, std::move(bad_header));
  EXPECT_FALSE(value.retryable);
  EXPECT_EQ(value.error, "header 'X-Test' has a line break in its value");

  HttpRequest bad_name = get(server.url("/hello"));
  bad_name.headers = {{"X Test", "1"}};
  EXPECT_EQ(fetch(client, std::move(bad_name)).error, "invalid header name 'X Test'");

  HttpRequest no_timeout = get(server.url("/hello"));
  no_timeout.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(fetch(client, std::move(no_timeout)).error,
            "timeout must be more than 0 ms (curl would wait forever)");
  EXPECT_EQ(server.requestsServed(), 0u);
}

TEST_F(HttpClientTest, RefusedRequestsDoNotStallTheOwnersQueue) {
  HttpClient client(io, onTheWireAtMost(1));
  std::vector<std::string> answers;
  const auto record = [&](HttpResult&& result) {
    answers.push_back(result.transport_error ? result.error : result.body);
  };
  client.start("plugin", get(server.url("/slow/50")), record);
  client.start("plugin", get("ftp://127.0.0.1/"), record);
  client.start("plugin", get(server.url("/hello")), record);
  ASSERT_TRUE(runUntil(io, [&] { return answers.size() == 3; }));
  EXPECT_EQ(answers,
            (std::vector<std::string>{
                "slow", "unsupported URL scheme 'ftp' (only http:// and https://)", "hello"}));
}

TEST_F(HttpClientTest, CallbackIsNeverCalledFromInsideStart) {
  HttpClient client(io);
  bool called = false;
  HttpRequest bad = get(server.url("/hello"));
  bad.method = "";
  client.start("plugin", std::move(bad), [&](HttpResult&&) { called = true; });
  EXPECT_FALSE(called);
  EXPECT_TRUE(runUntil(io, [&] { return called; }));
}

TEST_F(HttpClientTest, ResponseOverTheLimitIsNotRetryable) {
  HttpClientOptions options;
  options.max_response_bytes = 1000;
  HttpClient client(io, options);
  EXPECT_EQ(fetch(client, get(server.url("/bytes/1000"))).body.size(), 1000u);
  for (const char* path : {"/bytes/5000", "/chunked/5000"}) {
    const HttpResult result = fetch(client, get(server.url(path)));
    EXPECT_TRUE(result.transport_error) << path;
    EXPECT_FALSE(result.retryable) << path;
    EXPECT_EQ(result.error, "response larger than the limit of 1000 bytes") << path;
    EXPECT_TRUE(result.body.empty());
  }
}

TEST_F(HttpClientTest, CancelAnswersEveryRequestOfTheOwnerCancelled) {
  HttpClient client(io, onTheWireAtMost(2));
  std::vector<HttpResult> cancelled;
  for (int i = 0; i < 5; ++i) {
    client.start("leaving", get(server.url("/slow/3000")),
                 [&](HttpResult&& result) { cancelled.push_back(std::move(result)); });
  }
  std::optional<HttpResult> other;
  client.start("staying", get(server.url("/slow/1000")),
               [&](HttpResult&& result) { other = std::move(result); });
  // Both wire requests of "leaving" reach the server before the cancel.
  ASSERT_TRUE(runUntil(io, [&] { return server.mostConcurrent() >= 3; }));
  client.cancel("leaving");
  EXPECT_TRUE(cancelled.empty());  // answered through the loop, not from cancel()
  EXPECT_EQ(client.inFlight(), 1u);
  ASSERT_TRUE(runUntil(io, [&] { return cancelled.size() == 5 && other.has_value(); }));
  for (const HttpResult& result : cancelled) {
    EXPECT_TRUE(result.transport_error);
    EXPECT_FALSE(result.retryable);
    EXPECT_EQ(result.error, "cancelled");
  }
  EXPECT_EQ(other->status, 200);
  // The owner may start again afterwards.
  EXPECT_EQ(fetch(client, get(server.url("/hello"))).status, 200);
}

TEST_F(HttpClientTest, DestructorWithRequestsInFlightAbandonsThem) {
  int called = 0;
  {
    HttpClient client(io, onTheWireAtMost(4));
    for (int i = 0; i < 10; ++i) {
      client.start("plugin", get(server.url("/slow/2000")), [&](HttpResult&&) { ++called; });
    }
    runUntil(io, [&] { return server.mostConcurrent() >= 4; });
    // Answered at once through the loop, which does not run again before
    // the client is gone.
    HttpRequest refused = get(server.url("/hello"));
    refused.method = "";
    client.start("plugin", std::move(refused), [&](HttpResult&&) { ++called; });
    client.cancel("plugin");
  }
  // Whatever was queued on the loop for the gone client does nothing.
  io.restart();
  io.run_for(300ms);
  EXPECT_EQ(called, 0);
}

// ---- the owner's pace (net/aimd_pace.hpp) ----

TEST_F(HttpClientTest, ATooManyRequestsPausesOnlyThatOwnerForRetryAfterAndHalvesItsWindow) {
  HttpClient client(io, onTheWireAtMost(8));
  EXPECT_EQ(fetch(client, get(server.url("/retry/1"))).status, 429);
  const HttpClient::OwnerPaceView pace = client.pace("plugin");
  EXPECT_EQ(pace.throttles, 1u);
  EXPECT_EQ(pace.allowed, 4u);
  EXPECT_EQ(pace.max, 8u);
  EXPECT_TRUE(pace.paused);

  // Another owner is not held back.
  const auto begin = Clock::now();
  std::optional<HttpResult> other;
  client.start("other", get(server.url("/hello")), [&](HttpResult&& r) { other = std::move(r); });
  ASSERT_TRUE(runUntil(io, [&] { return other.has_value(); }));
  EXPECT_LT(Clock::now() - begin, 700ms);
  // The throttled owner's next request waits out the Retry-After second.
  EXPECT_EQ(fetch(client, get(server.url("/hello"))).status, 200);
  EXPECT_GE(Clock::now() - begin, 900ms);
  EXPECT_FALSE(client.pace("plugin").paused);
}

TEST_F(HttpClientTest, SuccessesWidenTheWindowBackToTheOwnersMaximum) {
  HttpClient client(io, onTheWireAtMost(8));
  EXPECT_EQ(fetch(client, get(server.url("/retry/0"))).status, 429);
  EXPECT_EQ(client.pace("plugin").allowed, 4u);
  // Additive increase: 1/window per answer, so 4 -> 8 takes about 22.
  for (int i = 0; i < 30; ++i) EXPECT_EQ(fetch(client, get(server.url("/hello"))).status, 200);
  EXPECT_EQ(client.pace("plugin").allowed, 8u);
  EXPECT_EQ(client.pace("plugin").throttles, 1u);
}

TEST_F(HttpClientTest, AServiceUnavailableSlowsDownToo) {
  HttpClient client(io, onTheWireAtMost(8));
  EXPECT_EQ(fetch(client, get(server.url("/status/503"))).status, 503);
  EXPECT_EQ(client.pace("plugin").throttles, 1u);
  // Other errors are answers, not throttles.
  EXPECT_EQ(fetch(client, get(server.url("/status/500"))).status, 500);
  EXPECT_EQ(client.pace("plugin").throttles, 1u);
}

TEST_F(HttpClientTest, AnOwnerLimitCapsItsRequestsOnTheWire) {
  HttpClient client(io, onTheWireAtMost(16));
  client.setOwnerLimit("plugin", 2);
  EXPECT_EQ(client.pace("plugin").max, 2u);
  int answered = 0;
  for (int i = 0; i < 6; ++i) {
    client.start("plugin", get(server.url("/slow/100")), [&](HttpResult&& r) {
      EXPECT_EQ(r.status, 200) << r.error;
      ++answered;
    });
  }
  ASSERT_TRUE(runUntil(io, [&] { return answered == 6; }));
  EXPECT_EQ(server.mostConcurrent(), 2u);
}

}  // namespace
}  // namespace herald::net
