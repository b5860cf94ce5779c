#pragma once
// The tz database, one way for everyone: finding a zone by name, naming the
// known ones for suggestions, and turning a local wall time into an instant
// with one rule for DST gaps and overlaps (waits, cron, segment dates).
#include <date/tz.h>

#include <chrono>
#include <string>
#include <vector>

namespace herald {

// The zone named `name` in the system tz database (/usr/share/zoneinfo);
// nullptr for an empty or unknown name. Never throws.
const date::time_zone* findTimeZone(const std::string& name);

// True when `name` is a zone of the tz database.
bool isKnownTimeZone(const std::string& name);

// Every zone name (links included), read once; empty if the database cannot
// be read.
const std::vector<std::string>& timeZoneNames();

// For an unknown zone: "did you mean 'Europe/Berlin'?" or a hint naming
// valid ones.
std::string timeZoneHint(const std::string& name);

// The instant at which the clock of `zone` reads `local`, on its first pass:
// a local time the clock jumps over (spring forward) moves forward by the
// gap's length; one it passes twice (fall back) takes the first.
date::sys_time<std::chrono::milliseconds> localToSys(
    const date::time_zone& zone, date::local_time<std::chrono::milliseconds> local);

}  // namespace herald
