#pragma once
// When a `wait` step lets a journey move on. Pure functions of the clock so
// the engine and its tests can drive time.
#include <cstdint>
#include <optional>
#include <string>

namespace herald::workflow {

struct WaitSpec {
  // Wait this long first (`duration: 2d`). 0 = no fixed delay.
  int64_t duration_ms = 0;
  // Then wait for the next time of day (`until: "09:00"`), as minutes after
  // local midnight, in the contact's time zone. nullopt = no time of day.
  std::optional<int> until_minute;
  // The zone used for `until` when the contact has none (or an unknown one);
  // empty = UTC. Always a valid tz database name once validated.
  std::string timezone;
};

// The wake time in Unix ms for a journey reaching the wait at `now_ms`:
// now + duration, then (with `until`) the first instant at or after that at
// which the local clock in the contact's zone (else spec.timezone, else UTC)
// reads HH:MM. DST-correct: a local time that does not exist that day (the
// clock jumps over it) moves forward by the gap; an ambiguous one (the clock
// passes it twice) takes the first. Never throws; never earlier than now_ms.
int64_t wakeTime(const WaitSpec& spec, int64_t now_ms,
                 const std::optional<std::string>& contact_tz);

// Parses "HH:MM" (24-hour) into minutes after midnight.
std::optional<int> parseTimeOfDay(const std::string& text);

}  // namespace herald::workflow
