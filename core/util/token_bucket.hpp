#pragma once
// A token bucket: `per_second` tokens arrive each second, at most `burst`
// wait. The arithmetic only; who waits for a token and how (a timer, a 429)
// is the caller's. Used by the plugin permits (core/plugin) and the webhook
// rate limit (core/http).
#include <algorithm>
#include <chrono>

namespace herald {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double per_second, double burst, Clock::time_point now)
      : per_second_(per_second), burst_(std::max(1.0, burst)), tokens_(burst_), refilled_(now) {}

  // Takes a token when one is there.
  bool tryTake(Clock::time_point now) {
    refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  // How long until the next token (zero when one is there).
  std::chrono::microseconds untilNextToken(Clock::time_point now) {
    refill(now);
    if (tokens_ >= 1 || per_second_ <= 0) return std::chrono::microseconds(0);
    return std::chrono::microseconds(
        static_cast<int64_t>((1 - tokens_) / per_second_ * 1e6 + 0.999));
  }

 private:
  void refill(Clock::time_point now) {
    if (now <= refilled_) return;
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
    refilled_ = now;
  }

  double per_second_;
  double burst_;
  double tokens_;
  Clock::time_point refilled_;
};

}  // namespace herald
