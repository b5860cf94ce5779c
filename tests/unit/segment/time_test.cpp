// Durations, dates and ages in a rule's time zone: exact units, calendar
// months and years across daylight-saving changes, month ends, Feb 29.
#include "segment/time.hpp"

#include <gtest/gtest.h>

#include "util/time_zone.hpp"

namespace herald::segment {
namespace {

// A UTC instant written as ISO text ("2024-03-15T09:00:00Z").
int64_t utc(const std::string& iso) { return resolve(TimeValue{iso}, EvalContext{}); }

EvalContext at(const std::string& iso_utc, const std::string& zone) {
  return EvalContext{utc(iso_utc), zone};
}

int64_t back(const std::string& duration, const EvalContext& ctx) {
  auto d = parseDuration(duration);
  EXPECT_TRUE(d) << duration;
  return d ? resolve(*d, ctx) : 0;
}

TEST(Duration, Parses) {
  const std::pair<const char*, Duration::Unit> cases[] = {
      {"90s", Duration::Unit::kSecond}, {"45m", Duration::Unit::kMinute},
      {"12h", Duration::Unit::kHour},   {"30d", Duration::Unit::kDay},
      {"2w", Duration::Unit::kWeek},    {"3mo", Duration::Unit::kMonth},
      {"1y", Duration::Unit::kYear}};
  for (const auto& [text, unit] : cases) {
    auto d = parseDuration(text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(d->unit, unit) << text;
    EXPECT_EQ(d->text, text);
  }
  EXPECT_EQ(parseDuration("30d")->amount, 30);
  EXPECT_EQ(parseDuration("999999999w")->amount, 999'999'999);
  for (const char* bad :
       {"", "d", "0d", "30", "30days", "-1d", "1.5d", "30 d", "1000000000d", "3M", "1yr", "d30"})
    EXPECT_FALSE(parseDuration(bad)) << bad;
}

TEST(Duration, ExactUnitsAreFixedLengths) {
  const EvalContext ctx = at("2024-04-15T08:00:00Z", "Europe/Berlin");
  EXPECT_EQ(back("90s", ctx), ctx.now_ms - 90'000);
  EXPECT_EQ(back("45m", ctx), ctx.now_ms - 45 * 60'000);
  EXPECT_EQ(back("12h", ctx), ctx.now_ms - 12 * 3'600'000);
  EXPECT_EQ(back("30d", ctx), ctx.now_ms - 30 * 86'400'000LL);
  EXPECT_EQ(back("2w", ctx), ctx.now_ms - 14 * 86'400'000LL);
}

TEST(Duration, CalendarMonthsKeepTheLocalTimeAcrossDst) {
  // 10:00 in Berlin on 15 April (CEST, UTC+2); a month earlier it is still
  // 10:00 in Berlin, but CET (UTC+1).
  EXPECT_EQ(back("1mo", at("2024-04-15T08:00:00Z", "Europe/Berlin")), utc("2024-03-15T09:00:00Z"));
  // 12:00 in New York on 10 November (EST, UTC-5) -> 12:00 EDT on 10 October.
  EXPECT_EQ(back("1mo", at("2024-11-10T17:00:00Z", "America/New_York")),
            utc("2024-10-10T16:00:00Z"));
  // In UTC a month is just the calendar.
  EXPECT_EQ(back("1mo", at("2024-04-15T08:00:00Z", "UTC")), utc("2024-03-15T08:00:00Z"));
  // A year back across both changes lands on the same wall time.
  EXPECT_EQ(back("1y", at("2024-07-01T10:00:00Z", "Europe/Berlin")), utc("2023-07-01T10:00:00Z"));
}

TEST(Duration, CalendarMonthsIntoGapsAndOverlaps) {
  // 02:30 on 31 March 2024 does not exist in Berlin (02:00 -> 03:00): it
  // moves forward by the gap, to 03:30 CEST.
  EXPECT_EQ(back("2mo", at("2024-05-31T00:30:00Z", "Europe/Berlin")), utc("2024-03-31T01:30:00Z"));
  EXPECT_EQ(back("1y", at("2025-03-31T00:30:00Z", "Europe/Berlin")), utc("2024-03-31T01:30:00Z"));
  // 02:30 on 27 October 2024 happens twice in Berlin: the first (CEST) counts.
  EXPECT_EQ(back("1mo", at("2024-11-27T01:30:00Z", "Europe/Berlin")), utc("2024-10-27T00:30:00Z"));
}

TEST(Duration, MonthEndsClamp) {
  EXPECT_EQ(back("1mo", at("2024-03-31T12:00:00Z", "UTC")), utc("2024-02-29T12:00:00Z"));
  EXPECT_EQ(back("1mo", at("2023-03-31T12:00:00Z", "UTC")), utc("2023-02-28T12:00:00Z"));
  EXPECT_EQ(back("1y", at("2024-02-29T12:00:00Z", "UTC")), utc("2023-02-28T12:00:00Z"));
  EXPECT_EQ(back("4y", at("2024-02-29T12:00:00Z", "UTC")), utc("2020-02-29T12:00:00Z"));
  EXPECT_EQ(back("13mo", at("2024-01-31T12:00:00Z", "UTC")), utc("2022-12-31T12:00:00Z"));
  EXPECT_EQ(back("3mo", at("2024-05-31T12:00:00Z", "UTC")), utc("2024-02-29T12:00:00Z"));
  // Far back is simply "very old", never an overflow.
  EXPECT_LT(back("999999999y", at("2024-05-31T12:00:00Z", "UTC")), utc("0001-01-01"));
}

TEST(IsoTime, Forms) {
  for (const char* good :
       {"2024-03-01", "2024-03-01T09:30", "2024-03-01T09:30:15", "2024-03-01T09:30:15.250",
        "2024-03-01T09:30:00Z", "2024-03-01T09:30+02:00", "2024-03-01T09:30-0500",
        "2024-03-01T09:30+05", "2024-02-29", "2024-03-01 09:30"})
    EXPECT_TRUE(isIsoTime(good)) << good;
  for (const char* bad :
       {"", "2024", "2024-3-1", "2023-02-29", "2024-13-01", "2024-04-31", "2024-03-01T24:00",
        "2024-03-01T09:60", "2024-03-01T9:30", "2024-03-01Z", "2024-03-01T09:30+2",
        "2024-03-01T09:30:00.", "01.03.2024", "2024-03-01T09:30 "})
    EXPECT_FALSE(isIsoTime(bad)) << bad;
  EXPECT_EQ(parseIsoTime("2024-03-01T09:30:15.250")->ms_of_day,
            ((9 * 60 + 30) * 60 + 15) * 1000 + 250);
  EXPECT_EQ(parseIsoTime("2024-03-01T09:30-05:30")->offset_minutes, -330);
}

TEST(IsoTime, DatesAreMidnightInTheZone) {
  EXPECT_EQ(utc("2024-01-01"), 1'704'067'200'000);  // hand-computed
  EXPECT_EQ(utc("2024-01-01T00:00:00Z"), 1'704'067'200'000);
  const auto in = [](const std::string& iso, const std::string& zone) {
    return resolve(TimeValue{iso}, EvalContext{0, zone});
  };
  EXPECT_EQ(in("2024-01-01", "Europe/Berlin"), utc("2023-12-31T23:00:00Z"));
  EXPECT_EQ(in("2024-07-01", "Europe/Berlin"), utc("2024-06-30T22:00:00Z"));
  EXPECT_EQ(in("2024-01-01", "America/New_York"), utc("2024-01-01T05:00:00Z"));
  EXPECT_EQ(in("2024-07-01T09:30", "America/New_York"), utc("2024-07-01T13:30:00Z"));
  // An explicit offset wins over the zone.
  EXPECT_EQ(in("2024-01-01T09:30+02:00", "America/New_York"), utc("2024-01-01T07:30:00Z"));
  EXPECT_EQ(in("2024-01-01T09:30:00Z", "Europe/Berlin"), utc("2024-01-01T09:30:00Z"));
}

TEST(Zones, Known) {
  EXPECT_TRUE(isKnownTimeZone("Europe/Berlin"));
  EXPECT_TRUE(isKnownTimeZone("UTC"));
  EXPECT_FALSE(isKnownTimeZone("Europe/Berlinn"));
  EXPECT_FALSE(isKnownTimeZone(""));
  EXPECT_GT(timeZoneNames().size(), 300u);
}

TEST(Age, BirthDateForAge) {
  EXPECT_EQ(birthDateForAge(18, at("2026-03-10T12:00:00Z", "UTC")), "2008-03-10");
  EXPECT_EQ(birthDateForAge(0, at("2026-03-10T12:00:00Z", "UTC")), "2026-03-10");
  // Today is read in the rule's zone: 23:30 UTC is already tomorrow in Berlin.
  EXPECT_EQ(birthDateForAge(18, at("2026-03-09T23:30:00Z", "UTC")), "2008-03-09");
  EXPECT_EQ(birthDateForAge(18, at("2026-03-09T23:30:00Z", "Europe/Berlin")), "2008-03-10");
  EXPECT_EQ(birthDateForAge(18, at("2026-03-10T03:00:00Z", "America/New_York")), "2008-03-09");
  // On 29 February, someone born on 28 February 18 years ago is 18 today.
  EXPECT_EQ(birthDateForAge(18, at("2024-02-29T12:00:00Z", "UTC")), "2006-02-28");
  EXPECT_EQ(birthDateForAge(4, at("2024-02-29T12:00:00Z", "UTC")), "2020-02-29");
  EXPECT_EQ(birthDateForAge(120, at("2024-02-29T12:00:00Z", "UTC")), "1904-02-29");
}

}  // namespace
}  // namespace herald::segment
