#pragma once
// The engine's notion of "now". Injectable so tests (and `--now`) can drive
// time; everything that schedules reads the clock through this interface.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace herald {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in milliseconds.
  virtual int64_t nowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t nowMs() const override;
};

// Always returns the time it was given.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t nowMs() const override { return now_ms_; }
  void set(int64_t now_ms) { now_ms_ = now_ms; }

 private:
  int64_t now_ms_;
};

// Starts at a given time and advances in real time (`herald serve --now T`):
// a test makes a cron firing due in seconds, and a daemon restarted with a
// later T sees the time in between as downtime.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(int64_t start_ms);
  int64_t nowMs() const override;

 private:
  int64_t start_ms_;
  std::chrono::steady_clock::time_point started_;
};

// Parses an ISO 8601 UTC time ("2026-11-22T09:00:00Z", also without the
// seconds or the Z, or a plain date) into Unix ms; nullopt if malformed.
std::optional<int64_t> parseIsoTime(const std::string& text);
// Formats Unix ms as "2026-11-22T09:00:00Z".
std::string formatIsoTime(int64_t unix_ms);

}  // namespace herald
