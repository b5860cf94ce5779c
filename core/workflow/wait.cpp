#include "workflow/wait.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "util/time_zone.hpp"

namespace herald::workflow {

using std::chrono::milliseconds;
using std::chrono::minutes;

std::optional<int> parseTimeOfDay(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2 || text.size() != colon + 3)
    return std::nullopt;
  int h = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    h = h * 10 + (text[i] - '0');
  }
  if (text[colon + 1] < '0' || text[colon + 1] > '5' || text[colon + 2] < '0' ||
      text[colon + 2] > '9')
    return std::nullopt;
  const int m = (text[colon + 1] - '0') * 10 + (text[colon + 2] - '0');
  if (h > 23) return std::nullopt;
  return h * 60 + m;
}

int64_t wakeTime(const WaitSpec& spec, int64_t now_ms,
                 const std::optional<std::string>& contact_tz) {
  const int64_t after = now_ms + std::max<int64_t>(spec.duration_ms, 0);
  if (!spec.until_minute) return after;

  const date::time_zone* zone = contact_tz ? findTimeZone(*contact_tz) : nullptr;
  if (!zone) zone = findTimeZone(spec.timezone);
  if (!zone) zone = findTimeZone("UTC");
  const minutes at{*spec.until_minute};
  if (!zone) {
    // No tz database at all: plain UTC arithmetic.
    const int64_t day_ms = 86'400'000;
    int64_t t = (after / day_ms) * day_ms + at.count() * 60'000;
    if (t < after) t += day_ms;
    return t;
  }

  const date::sys_time<milliseconds> start{milliseconds(after)};
  const auto local_now = zone->to_local(start);
  const auto day = date::floor<date::days>(local_now);
  // Three days cover every case: today, tomorrow, and a tomorrow whose
  // candidate was pulled back before `start` by a DST change.
  for (int i = 0; i < 3; ++i) {
    const date::local_time<milliseconds> local{(day + date::days(i)).time_since_epoch() + at};
    const auto t = localToSys(*zone, local);
    if (t >= start) return t.time_since_epoch().count();
  }
  return after + 86'400'000;  // not reachable with a real zone
}

}  // namespace herald::workflow
