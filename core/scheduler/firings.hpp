#pragma once
// Which firings of a schedule are due, given the last one claimed and the
// catch_up policy: a pure function, so restarts and downtime are testable
// without waiting for a clock.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workflow/cron.hpp"
#include "workflow/model.hpp"

namespace herald::scheduler {

struct DueFiring {
  int64_t fire_ms = 0;
  bool enroll = true;  // false: recorded as skipped (catch_up: skip, or paused)
};

// A firing not more than this late counts as on time (not missed): the
// timer fires a little after the minute, a restart takes a moment.
inline constexpr int64_t kOnTimeMs = 60'000;
// catch_up: all never fires more than this many missed firings at once.
inline constexpr size_t kMaxCatchUp = 1000;

// The firings after `last_ms` up to `now_ms`, oldest first, as `catch_up`
// says: skip fires only an on-time one and records the rest as skipped (one
// record: the newest); once fires the newest only; all fires each. Empty when
// nothing is due.
std::vector<DueFiring> dueFirings(const workflow::CronSchedule& cron, const std::string& tz,
                                  int64_t last_ms, int64_t now_ms,
                                  workflow::Trigger::CatchUp catch_up);

}  // namespace herald::scheduler
