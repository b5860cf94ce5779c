#pragma once
// How fast the host talks to one provider (an HTTP owner, an SMTP server):
// additive increase, multiplicative decrease, as TCP does. Every answer that
// says "slow down" (HTTP 429/503, SMTP 421/451/454) halves the number of
// requests allowed on the wire and pauses new ones: for the provider's
// Retry-After when it gave one, else for an exponential backoff with
// jitter. Each plain success widens the window again by 1/window, up to
// the configured maximum. Plugins only report what the provider said (by
// using the host's transports); the pace is decided here, in core.
// Used on the loop thread only; the clock is passed in so tests can drive it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace herald::net {

class AimdPace {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AimdPace(std::size_t max_in_flight = 16);

  // A new maximum (settings changed); the window shrinks to it at once.
  void setMax(std::size_t max_in_flight);
  std::size_t max() const { return max_; }

  // Requests allowed on the wire now (at least 1).
  std::size_t allowed() const;
  // No new request before this time (a throttle's pause); Clock's epoch
  // when not paused.
  Clock::time_point resumeAt() const { return resume_at_; }
  bool paused(Clock::time_point now) const { return now < resume_at_; }

  // An answer that was not a throttle: widen the window.
  void onSuccess();
  // A throttle: halve the window and pause until `now + pause`, where pause
  // is `retry_after` when the provider named one (capped at kMaxPause), else
  // the backoff (1 s doubling per throttle in a row up to kMaxPause, with
  // ±20% jitter from `jitter_seed`). Returns the pause.
  std::chrono::milliseconds onThrottled(Clock::time_point now,
                                        std::optional<std::chrono::milliseconds> retry_after,
                                        std::uint64_t jitter_seed);

  std::uint64_t throttles() const { return throttles_; }

  static constexpr std::chrono::milliseconds kFirstBackoff{1000};
  static constexpr std::chrono::milliseconds kMaxPause{std::chrono::minutes(15)};

 private:
  std::size_t max_;
  double window_;
  int in_a_row_ = 0;
  std::uint64_t throttles_ = 0;
  Clock::time_point resume_at_{};
};

}  // namespace herald::net
