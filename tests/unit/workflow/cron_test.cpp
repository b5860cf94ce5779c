#include "workflow/cron.hpp"

#include <gtest/gtest.h>

#include "util/clock.hpp"

namespace herald::workflow {
namespace {

int64_t at(const std::string& iso) { return parseIsoTime(iso).value_or(-1); }

std::string next(const std::string& cron, const std::string& after, const std::string& tz = "") {
  CronError err;
  auto s = CronSchedule::parse(cron, &err);
  EXPECT_TRUE(s) << cron << ": " << err.message;
  if (!s) return "";
  auto t = s->nextAfter(at(after), tz);
  return t ? formatIsoTime(*t) : "never";
}

CronError parseError(const std::string& cron) {
  CronError err;
  EXPECT_FALSE(CronSchedule::parse(cron, &err)) << cron;
  return err;
}

TEST(Cron, NextFireTimes) {
  // 2024-06-03 is a Monday.
  EXPECT_EQ(next("0 9 * * MON", "2024-06-01T00:00:00Z"), "2024-06-03T09:00:00Z");
  EXPECT_EQ(next("0 9 * * mon", "2024-06-03T09:00:00Z"), "2024-06-10T09:00:00Z");
  EXPECT_EQ(next("*/15 * * * *", "2024-06-01T10:07:00Z"), "2024-06-01T10:15:00Z");
  EXPECT_EQ(next("0 0 1 JAN-MAR *", "2024-04-01T00:00:00Z"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(next("30 8 * * 1-5", "2024-06-07T09:00:00Z"), "2024-06-10T08:30:00Z");
  EXPECT_EQ(next("0 12 * * 7", "2024-06-01T00:00:00Z"), "2024-06-02T12:00:00Z");
  EXPECT_EQ(next("0 0,12 * * *", "2024-06-01T00:00:00Z"), "2024-06-01T12:00:00Z");
  EXPECT_EQ(next("5/20 * * * *", "2024-06-01T10:26:00Z"), "2024-06-01T10:45:00Z");
  EXPECT_EQ(next("@daily", "2024-06-01T10:00:00Z"), "2024-06-02T00:00:00Z");
  EXPECT_EQ(next("0 0 29 2 *", "2024-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(next("0 0 30 2 *", "2024-03-01T00:00:00Z"), "never");
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // The 13th or any Friday: 2024-06-07 is a Friday, before the 13th.
  EXPECT_EQ(next("0 0 13 * FRI", "2024-06-01T00:00:00Z"), "2024-06-07T00:00:00Z");
}

TEST(Cron, ReadInTheTriggersTimeZone) {
  EXPECT_EQ(next("0 9 * * *", "2024-06-01T00:00:00Z", "Europe/Berlin"), "2024-06-01T07:00:00Z");
  EXPECT_EQ(next("0 9 * * *", "2024-01-01T00:00:00Z", "Europe/Berlin"), "2024-01-01T08:00:00Z");
  // 02:30 is skipped on 2024-03-31 in Berlin: fires at the jump (03:00 CEST).
  EXPECT_EQ(next("30 2 * * *", "2024-03-30T23:00:00Z", "Europe/Berlin"), "2024-03-31T01:00:00Z");
  // 02:30 happens twice on 2024-10-27: fires once, on the first pass.
  EXPECT_EQ(next("30 2 * * *", "2024-10-26T22:00:00Z", "Europe/Berlin"), "2024-10-27T00:30:00Z");
  EXPECT_EQ(next("30 2 * * *", "2024-10-27T00:30:00Z", "Europe/Berlin"), "2024-10-28T01:30:00Z");
}

TEST(Cron, ErrorsSayWhatIsValidAndWhere) {
  auto e = parseError("0 9 * *");
  EXPECT_EQ(e.message,
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), this "
            "one has 4; e.g. \"0 9 * * MON\" is Mondays at 09:00");
  e = parseError("60 9 * * *");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.message, "minute must be 0-59, got 60");
  e = parseError("0 9 * * MOM");
  EXPECT_EQ(e.offset, 8u);
  EXPECT_EQ(e.message, "'MOM' is not a valid day of week; use 0-7 or SUN-SAT");
  e = parseError("0 9 * 13 *");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_EQ(e.message, "month must be 1-12 or JAN-DEC, got 13");
  e = parseError("0 17-9 * * *");
  EXPECT_EQ(e.offset, 2u);
  EXPECT_EQ(e.message, "the hour range 17-9 goes backwards");
  e = parseError("*/0 * * * *");
  EXPECT_EQ(e.offset, 2u);
  e = parseError("0 9 1,,2 * *");
  EXPECT_EQ(e.offset, 6u);
  e = parseError("0 9 * * * *");
  EXPECT_EQ(e.offset, 10u);
  e = parseError("@sometimes");
  EXPECT_NE(e.message.find("unknown cron macro"), std::string::npos);
}

}  // namespace
}  // namespace herald::workflow
