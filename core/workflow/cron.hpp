#pragma once
// Five-field cron expressions for scheduled triggers:
//   minute hour day-of-month month day-of-week
// with `*`, lists (1,15), ranges (1-5), steps (*/15, 0-30/10), month names
// (JAN-DEC) and day names (SUN-SAT, 0 and 7 both Sunday). As in Vixie cron,
// when both day fields are restricted a day matches if either matches.
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

namespace herald::workflow {

struct CronError {
  size_t offset = 0;  // 0-based offset into the expression
  std::string message;
};

class CronSchedule {
 public:
  static std::optional<CronSchedule> parse(const std::string& text, CronError* error = nullptr);

  // The first time strictly after `after_ms` (Unix ms) that matches, read in
  // the zone `tz` (an IANA name; empty = UTC). Local times skipped by a DST
  // jump fire at the first instant after the jump; repeated ones fire once.
  // nullopt when nothing matches within five years (e.g. "0 0 30 2 *").
  std::optional<int64_t> nextAfter(int64_t after_ms, const std::string& tz = "") const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool day_restricted_ = false;
  bool weekday_restricted_ = false;
};

}  // namespace herald::workflow
