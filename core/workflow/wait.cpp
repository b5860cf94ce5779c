#include "workflow/wait.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <vector>

#include "util/suggest.hpp"

namespace herald::workflow {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

const date::time_zone* findZone(const std::string& name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// The instant the local clock of `zone` reads `local` on its first pass; a
// local time in a gap is shifted forward by the gap's length.
date::sys_time<milliseconds> resolve(const date::time_zone& zone,
                                     date::local_time<milliseconds> local) {
  const date::local_info info = zone.get_info(local);
  // For unique and ambiguous times `first` is the offset in force at the first
  // pass; for a nonexistent time it is the offset before the jump, which
  // lands the same distance past the jump as the gap is long.
  return date::sys_time<milliseconds>{local.time_since_epoch() - info.first.offset};
}

std::vector<std::string> zoneNames() {
  std::vector<std::string> names;
  try {
    const auto& db = date::get_tzdb();
    for (const auto& z : db.zones) names.emplace_back(z.name());
  } catch (const std::exception&) {
  }
  return names;
}

}  // namespace

std::string timeZoneHint(const std::string& name) {
  const auto close = closeMatches(name, zoneNames());
  if (!close.empty()) return "did you mean " + joinList(close, "or", true) + "?";
  return "use a tz database name such as Europe/Berlin, America/New_York or UTC";
}

bool isKnownTimeZone(const std::string& name) { return findZone(name) != nullptr; }

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

  const date::time_zone* zone = contact_tz ? findZone(*contact_tz) : nullptr;
  if (!zone) zone = findZone(spec.timezone);
  if (!zone) zone = findZone("UTC");
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
    const auto t = resolve(*zone, local);
    if (t >= start) return t.time_since_epoch().count();
  }
  return after + 86'400'000;  // not reachable with a real zone
}

}  // namespace herald::workflow
