// The shared pieces of the HTTP provider plugins, directly: Retry-After,
// the outcome classes, the encodings, webhook freshness and replay memory.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "delivery_outcome.hpp"
#include "encoding.hpp"
#include "webhook_guard.hpp"

namespace herald::provider {
namespace {

constexpr int64_t kNow = 1700000000000;  // 2023-11-14T22:13:20Z

herald::HttpResponse answer(int status, herald::Headers headers = {}) {
  herald::HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

const Answer kAnswer{"acme", "acme_message_id", "m-1", "mailbox is not valid"};

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  EXPECT_EQ(retryAfterMs("3", kNow, 1000), 3000);
  EXPECT_EQ(retryAfterMs(" 10 ", kNow, 1000), 10000);
  // 2023-11-14T22:13:50Z is 30 s after kNow.
  EXPECT_EQ(retryAfterMs("Tue, 14 Nov 2023 22:13:50 GMT", kNow, 1000), 30000);
}

TEST(RetryAfter, FallsBackAndClamps) {
  EXPECT_EQ(retryAfterMs("", kNow, 5000), 5000);
  EXPECT_EQ(retryAfterMs("soon", kNow, 5000), 5000);
  EXPECT_EQ(retryAfterMs("0", kNow, 5000), 1000) << "at least 1 s";
  EXPECT_EQ(retryAfterMs("-4", kNow, 5000), 1000);
  EXPECT_EQ(retryAfterMs("999999", kNow, 5000), 3600 * 1000) << "at most an hour";
  EXPECT_EQ(retryAfterMs("Tue, 14 Nov 2023 22:00:00 GMT", kNow, 5000), 1000) << "a past date";
}

TEST(DeliveryOutcome, SentKeepsTheProvidersId) {
  const auto o = deliveryOutcome(answer(202), kAnswer, kNow);
  ASSERT_TRUE(std::holds_alternative<herald::Continue>(o));
  EXPECT_EQ(std::get<herald::Continue>(o).vars["acme_message_id"], "m-1");
}

TEST(DeliveryOutcome, ThrottlingAndServerTroubleAreRetriedNotFailed) {
  auto o = deliveryOutcome(answer(429, {{"Retry-After", "7"}}), kAnswer, kNow);
  ASSERT_TRUE(std::holds_alternative<herald::RetryAfter>(o));
  EXPECT_EQ(std::get<herald::RetryAfter>(o).delay_ms, 7000);
  EXPECT_EQ(std::get<herald::RetryAfter>(o).reason, "acme rate limit (429)");
  o = deliveryOutcome(answer(503), kAnswer, kNow);
  ASSERT_TRUE(std::holds_alternative<herald::RetryAfter>(o));
  EXPECT_EQ(std::get<herald::RetryAfter>(o).delay_ms, 5000);
  EXPECT_EQ(std::get<herald::RetryAfter>(o).reason, "acme answered 503: mailbox is not valid");
}

TEST(DeliveryOutcome, ARefusalFailsWithTheProvidersWords) {
  const auto o = deliveryOutcome(answer(400), kAnswer, kNow);
  ASSERT_TRUE(std::holds_alternative<herald::Fail>(o));
  EXPECT_EQ(std::get<herald::Fail>(o).reason,
            "acme refused the message (400): mailbox is not valid");
  EXPECT_FALSE(std::get<herald::Fail>(o).retryable);
}

TEST(DeliveryOutcome, TransportErrors) {
  herald::HttpResponse r;
  r.transport_error = true;
  r.retryable = true;
  r.error = "connection refused";
  auto o = deliveryOutcome(r, kAnswer, kNow);
  ASSERT_TRUE(std::holds_alternative<herald::RetryAfter>(o));
  EXPECT_EQ(std::get<herald::RetryAfter>(o).reason, "acme unreachable: connection refused");
  r.retryable = false;
  r.error = "SSL certificate problem: unable to get local issuer certificate";
  o = deliveryOutcome(r, kAnswer, kNow);
  ASSERT_TRUE(std::holds_alternative<herald::Fail>(o));
  EXPECT_EQ(std::get<herald::Fail>(o).reason,
            "acme request failed: SSL certificate problem: unable to get local issuer certificate");
}

TEST(Encoding, Base64RoundTripsWithoutTrailingBytes) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    const auto back = base64Decode(base64Encode(s));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(base64Decode("YWJj\nZA"), "abcd") << "line breaks and missing padding";
  EXPECT_FALSE(base64Decode("@@@@").has_value());
}

TEST(Encoding, FormAndHexAndDomain) {
  EXPECT_EQ(formEncode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(hexEncode("\x01\xab"), "01ab");
  EXPECT_EQ(emailDomain("Ann@GMail.com"), "gmail.com");
  EXPECT_EQ(emailDomain("nobody"), "");
}

TEST(WebhookGuard, FreshnessBothWays) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_TRUE(webhookFresh(now));
  EXPECT_TRUE(webhookFresh(now - 299));
  EXPECT_FALSE(webhookFresh(now - 301));
  EXPECT_FALSE(webhookFresh(now + 301));
}

TEST(WebhookGuard, SeenIdsForgetTheOldestBeyondCapacity) {
  SeenIds seen(2);
  EXPECT_TRUE(seen.remember("a"));
  EXPECT_FALSE(seen.remember("a"));
  EXPECT_TRUE(seen.remember("b"));
  EXPECT_TRUE(seen.remember("c"));
  EXPECT_FALSE(seen.seen("a"));
  EXPECT_TRUE(seen.seen("b"));
  EXPECT_TRUE(seen.seen("c"));
}

}  // namespace
}  // namespace herald::provider
