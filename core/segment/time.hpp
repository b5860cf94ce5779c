#pragma once
// Turning a rule's symbolic times into instants for one evaluation.
#include <cstdint>
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
