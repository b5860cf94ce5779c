#include "workflow/wait.hpp"

#include <gtest/gtest.h>

#include "util/clock.hpp"
#include "util/time_zone.hpp"

namespace herald::workflow {
namespace {

int64_t at(const std::string& iso) {
  auto t = parseIsoTime(iso);
  EXPECT_TRUE(t) << iso;
  return t.value_or(0);
}

WaitSpec until(const std::string& hhmm, std::string tz = "") {
  WaitSpec s;
  s.until_minute = parseTimeOfDay(hhmm);
  s.timezone = std::move(tz);
  return s;
}

TEST(Wait, DurationAddsToNow) {
  WaitSpec s;
  s.duration_ms = 2 * 86'400'000LL;
  EXPECT_EQ(wakeTime(s, at("2024-03-30T12:00:00Z"), std::nullopt), at("2024-04-01T12:00:00Z"));
  EXPECT_EQ(wakeTime(s, at("2024-03-30T12:00:00Z"), "Europe/Berlin"),
            at("2024-04-01T12:00:00Z"));  // a duration is elapsed time, not wall time
}

TEST(Wait, UntilUsesTheContactsZoneAcrossSpringForwardInBerlin) {
  // 13:00 CET on the 30th; the clocks go forward that night, 09:00 on the
  // 31st is CEST (UTC+2).
  EXPECT_EQ(wakeTime(until("09:00"), at("2024-03-30T12:00:00Z"), "Europe/Berlin"),
            at("2024-03-31T07:00:00Z"));
}

TEST(Wait, UntilLaterTodayInTheContactsZone) {
  EXPECT_EQ(wakeTime(until("09:00"), at("2024-03-30T06:00:00Z"), "Europe/Berlin"),
            at("2024-03-30T08:00:00Z"));
}

TEST(Wait, NonexistentLocalTimeMovesForwardByTheGap) {
  // 02:30 does not exist in Berlin on 2024-03-31: it becomes 03:30 CEST.
  EXPECT_EQ(wakeTime(until("02:30"), at("2024-03-30T23:00:00Z"), "Europe/Berlin"),
            at("2024-03-31T01:30:00Z"));
  // New York, 2024-03-10: 02:15 EST does not exist; 03:15 EDT.
  EXPECT_EQ(wakeTime(until("02:15"), at("2024-03-10T05:00:00Z"), "America/New_York"),
            at("2024-03-10T07:15:00Z"));
}

TEST(Wait, AmbiguousLocalTimeTakesTheFirst) {
  // Berlin, 2024-10-27: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
  EXPECT_EQ(wakeTime(until("02:30"), at("2024-10-26T22:00:00Z"), "Europe/Berlin"),
            at("2024-10-27T00:30:00Z"));
  // Past the first pass, the next day's 02:30 (CET) is next.
  EXPECT_EQ(wakeTime(until("02:30"), at("2024-10-27T00:45:00Z"), "Europe/Berlin"),
            at("2024-10-28T01:30:00Z"));
  // New York, 2024-11-03: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
  EXPECT_EQ(wakeTime(until("01:30"), at("2024-11-03T04:00:00Z"), "America/New_York"),
            at("2024-11-03T05:30:00Z"));
}

TEST(Wait, UntilAcrossFallBackInNewYork) {
  // 10:00 EDT on Nov 2; 09:00 on Nov 3 is EST (UTC-5).
  EXPECT_EQ(wakeTime(until("09:00"), at("2024-11-02T14:00:00Z"), "America/New_York"),
            at("2024-11-03T14:00:00Z"));
}

TEST(Wait, DurationThenTimeOfDay) {
  WaitSpec s = until("09:00");
  s.duration_ms = 86'400'000;
  // +1 day = 2024-03-30 11:00 CET, past 09:00; next 09:00 is on the 31st (CEST).
  EXPECT_EQ(wakeTime(s, at("2024-03-29T10:00:00Z"), "Europe/Berlin"), at("2024-03-31T07:00:00Z"));
}

TEST(Wait, ExactlyAtTheTimeDoesNotWait) {
  EXPECT_EQ(wakeTime(until("09:00"), at("2024-06-01T07:00:00Z"), "Europe/Berlin"),
            at("2024-06-01T07:00:00Z"));
}

TEST(Wait, FallsBackToTheStepZoneThenUtc) {
  const int64_t now = at("2024-06-01T00:00:00Z");
  EXPECT_EQ(wakeTime(until("09:00", "America/New_York"), now, std::nullopt),
            at("2024-06-01T13:00:00Z"));
  EXPECT_EQ(wakeTime(until("09:00", "America/New_York"), now, "Not/AZone"),
            at("2024-06-01T13:00:00Z"));
  EXPECT_EQ(wakeTime(until("09:00"), now, std::nullopt), at("2024-06-01T09:00:00Z"));
  // 10:00 in Seoul already: tomorrow 09:00 KST.
  EXPECT_EQ(wakeTime(until("09:00"), now + 3'600'000, "Asia/Seoul"), at("2024-06-02T00:00:00Z"));
}

TEST(Wait, ParsesTimeOfDay) {
  EXPECT_EQ(parseTimeOfDay("09:00"), 540);
  EXPECT_EQ(parseTimeOfDay("9:05"), 545);
  EXPECT_EQ(parseTimeOfDay("23:59"), 1439);
  EXPECT_EQ(parseTimeOfDay("00:00"), 0);
  EXPECT_FALSE(parseTimeOfDay("24:00"));
  EXPECT_FALSE(parseTimeOfDay("9am"));
  EXPECT_FALSE(parseTimeOfDay("09:60"));
  EXPECT_FALSE(parseTimeOfDay("09:0"));
  EXPECT_FALSE(parseTimeOfDay(""));
}

TEST(Wait, KnowsTheTzDatabase) {
  EXPECT_TRUE(isKnownTimeZone("Europe/Berlin"));
  EXPECT_TRUE(isKnownTimeZone("UTC"));
  EXPECT_TRUE(isKnownTimeZone("US/Eastern"));  // a link
  EXPECT_FALSE(isKnownTimeZone("Europe/Berlinn"));
  EXPECT_FALSE(isKnownTimeZone(""));
  EXPECT_EQ(timeZoneHint("Europe/Berlinn"), "did you mean 'Europe/Berlin'?");
}

}  // namespace
}  // namespace herald::workflow
