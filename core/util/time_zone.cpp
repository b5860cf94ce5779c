#include "util/time_zone.hpp"

#include <exception>

#include "util/suggest.hpp"

namespace herald {

const date::time_zone* findTimeZone(const std::string& name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool isKnownTimeZone(const std::string& name) { return findTimeZone(name) != nullptr; }

const std::vector<std::string>& timeZoneNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    try {
      // With the OS database, links (US/Pacific) are zones too.
      for (const auto& z : date::get_tzdb().zones) names.emplace_back(z.name());
    } catch (const std::exception&) {
    }
    return names;
  }();
  return kNames;
}

std::string timeZoneHint(const std::string& name) {
  const auto close = closeMatches(name, timeZoneNames());
  if (!close.empty()) return "did you mean " + joinList(close, "or", true) + "?";
  return "use a tz database name such as Europe/Berlin, America/New_York or UTC";
}

date::sys_time<std::chrono::milliseconds> localToSys(
    const date::time_zone& zone, date::local_time<std::chrono::milliseconds> local) {
  const date::local_info info = zone.get_info(local);
  // For unique and ambiguous times `first` is the offset in force at the
  // first pass; for a nonexistent time it is the offset before the jump,
  // which lands the same distance past the jump as the gap is long.
  return date::sys_time<std::chrono::milliseconds>{local.time_since_epoch() - info.first.offset};
}

}  // namespace herald
