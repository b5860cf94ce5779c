#pragma once
// Turning a rule's symbolic times into instants for one evaluation.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "segment/rule.hpp"

namespace herald::segment {

// Parses "30d", "2w", "12h", "45m", "90s", "3mo", "1y" (a positive whole
// number and a unit). nullopt when malformed.
std::optional<Duration> parseDuration(const std::string& text);

// Whether `text` is an ISO 8601 date ("2024-03-01") or date-time
// ("2024-03-01T09:30", "2024-03-01T09:30:00Z", "...+02:00").
bool isIsoTime(const std::string& text);

// now - d: exact for s/m/h/d/w; for mo/y the same local wall time that many
// calendar months/years earlier in ctx.timezone (the 31st becomes the last
// day of a shorter month).
int64_t resolve(const Duration& d, const EvalContext& ctx);
// A TimeValue as Unix milliseconds: dates at midnight and offset-less
// date-times in ctx.timezone.
int64_t resolve(const TimeValue& t, const EvalContext& ctx);

// The purchases RFM scores with `options`: those at or before to_ms (as_of,
// default now) and, with a window, at or after from_ms (as_of - window,
// calendar units counted back in ctx.timezone).
struct RfmPeriod {
  int64_t to_ms = 0;
  std::optional<int64_t> from_ms;
};
RfmPeriod rfmPeriod(const RfmOptions& options, const EvalContext& ctx);

// Today's date in ctx.timezone, "YYYY-MM-DD".
std::string localDate(const EvalContext& ctx);

// Every zone of the tz database (links included) by its date at now_ms,
// "YYYY-MM-DD": two or three dates at any instant.
std::map<std::string, std::vector<std::string>> zonesByLocalDate(int64_t now_ms);

// The month-days ("MM-DD") of `days` dates from `iso_date` on, the year
// wrapping; a Feb 28 of a year without Feb 29 brings "02-29" along, so
// that anniversaries of Feb 29 fall on Feb 28 in other years.
std::vector<std::string> monthDaysFrom(const std::string& iso_date, int days);

// Today's date in ctx.timezone minus `years` (Feb 29 -> Feb 28), as
// "YYYY-MM-DD": the latest birth date of someone aged at least `years`.
std::string birthDateForAge(int years, const EvalContext& ctx);

// The parts of an ISO 8601 date or date-time as isIsoTime() accepts it:
// YYYY-MM-DD, optionally followed by THH:MM[:SS[.fff]] and, after a time,
// Z or an offset (+02:00, +0200, +02). nullopt when malformed or not a real
// date (2023-02-29) or time.
struct IsoTime {
  int year = 1970, month = 1, day = 1;
  int64_t ms_of_day = 0;
  bool has_time = false;
  std::optional<int> offset_minutes;  // Z -> 0; absent: read in the rule's zone
};
std::optional<IsoTime> parseIsoTime(const std::string& text);

}  // namespace herald::segment
