#include "scheduler/firings.hpp"

namespace herald::scheduler {

std::vector<DueFiring> dueFirings(const workflow::CronSchedule& cron, const std::string& tz,
                                  int64_t last_ms, int64_t now_ms,
                                  workflow::Trigger::CatchUp catch_up) {
  std::vector<int64_t> times;
  for (auto t = cron.nextAfter(last_ms, tz); t && *t <= now_ms; t = cron.nextAfter(*t, tz)) {
    times.push_back(*t);
    // Only `all` needs each one; the others need the newest, so keep two.
    if (catch_up != workflow::Trigger::CatchUp::kAll && times.size() > 2)
      times.erase(times.begin());
    if (times.size() > kMaxCatchUp) times.erase(times.begin());
  }
  std::vector<DueFiring> out;
  if (times.empty()) return out;
  const int64_t newest = times.back();
  switch (catch_up) {
    case workflow::Trigger::CatchUp::kAll:
      for (int64_t t : times) out.push_back({t, true});
      break;
    case workflow::Trigger::CatchUp::kOnce:
      out.push_back({newest, true});
      break;
    case workflow::Trigger::CatchUp::kSkip:
      out.push_back({newest, now_ms - newest <= kOnTimeMs});
      break;
  }
  return out;
}

}  // namespace herald::scheduler
