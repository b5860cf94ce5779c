// The pace of one provider (net/aimd_pace.hpp) and Retry-After parsing
// (net/retry_after.hpp): pure functions, driven by an explicit clock.
#include "net/aimd_pace.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "net/retry_after.hpp"

namespace herald::net {
namespace {

using namespace std::chrono_literals;
using Steady = AimdPace::Clock;

TEST(AimdPace, AThrottleHalvesTheWindowDownToOne) {
  AimdPace pace(16);
  EXPECT_EQ(pace.allowed(), 16u);
  const auto now = Steady::now();
  pace.onThrottled(now, 0ms, 1);
  EXPECT_EQ(pace.allowed(), 8u);
  for (int i = 0; i < 10; ++i) pace.onThrottled(now, 0ms, 1);
  EXPECT_EQ(pace.allowed(), 1u);
  EXPECT_EQ(pace.throttles(), 11u);
}

TEST(AimdPace, SuccessesAddOneRequestPerWindowOfAnswersUpToTheMaximum) {
  AimdPace pace(4);
  pace.onThrottled(Steady::now(), 0ms, 1);
  EXPECT_EQ(pace.allowed(), 2u);
  pace.onSuccess();
  pace.onSuccess();  // 2 + 1/2 + 1/2.5
  EXPECT_EQ(pace.allowed(), 2u);
  pace.onSuccess();
  EXPECT_EQ(pace.allowed(), 3u);
  for (int i = 0; i < 100; ++i) pace.onSuccess();
  EXPECT_EQ(pace.allowed(), 4u);
}

TEST(AimdPace, RetryAfterIsHonouredAndALaterShorterOneDoesNotCutThePauseShort) {
  AimdPace pace(8);
  const auto now = Steady::now();
  EXPECT_EQ(pace.onThrottled(now, 30s, 1), 30s);
  EXPECT_TRUE(pace.paused(now + 29s));
  EXPECT_FALSE(pace.paused(now + 30s));
  pace.onThrottled(now + 1s, 2s, 2);
  EXPECT_EQ(pace.resumeAt(), now + 30s);
  // A provider asking for days waits the cap.
  EXPECT_EQ(pace.onThrottled(now, std::chrono::hours(48), 3), AimdPace::kMaxPause);
}

TEST(AimdPace, WithoutRetryAfterTheBackoffDoublesWithJitter) {
  AimdPace pace(8);
  const auto now = Steady::now();
  const auto first = pace.onThrottled(now, std::nullopt, 7);
  EXPECT_GE(first, 800ms);
  EXPECT_LE(first, 1200ms);
  const auto second = pace.onThrottled(now, std::nullopt, 8);
  EXPECT_GE(second, 1600ms);
  EXPECT_LE(second, 2400ms);
  // Two senders throttled together come back at different times.
  AimdPace a(8), b(8);
  EXPECT_NE(a.onThrottled(now, std::nullopt, 1), b.onThrottled(now, std::nullopt, 2));
  // A success ends the run of throttles: the backoff starts over.
  pace.onSuccess();
  EXPECT_LE(pace.onThrottled(now, std::nullopt, 9), 1200ms);
}

TEST(AimdPace, ANewMaximumNarrowsTheWindowAtOnce) {
  AimdPace pace(16);
  pace.setMax(3);
  EXPECT_EQ(pace.allowed(), 3u);
  pace.setMax(0);
  EXPECT_EQ(pace.allowed(), 1u);
}

TEST(RetryAfter, SecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(1'800'000'000);
  EXPECT_EQ(parseRetryAfter("120", now), 120s);
  EXPECT_EQ(parseRetryAfter(" 5 ", now), 5s);
  EXPECT_EQ(parseRetryAfter("0", now), 0s);
  EXPECT_EQ(parseRetryAfter("99999999", now), 86400s);
  // 1,800,000,000 s is Fri, 15 Jan 2027 08:00:00 GMT.
  EXPECT_EQ(parseRetryAfter("Fri, 15 Jan 2027 08:01:30 GMT", now), 90s);
  EXPECT_EQ(parseRetryAfter("Fri, 15 Jan 2027 07:00:00 GMT", now), 0s);
  EXPECT_EQ(parseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(parseRetryAfter("", now), std::nullopt);
  EXPECT_EQ(parseRetryAfter("-5", now), std::nullopt);
  const Headers headers = {{"Content-Type", "text/plain"}, {"retry-after", "3"}};
  EXPECT_EQ(retryAfterOf(headers, now), 3s);
  EXPECT_EQ(retryAfterOf({}, now), std::nullopt);
}

}  // namespace
}  // namespace herald::net
