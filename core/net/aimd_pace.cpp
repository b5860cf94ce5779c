#include "net/aimd_pace.hpp"

#include <algorithm>
#include <cmath>

namespace herald::net {

AimdPace::AimdPace(std::size_t max_in_flight)
    : max_(std::max<std::size_t>(1, max_in_flight)), window_(static_cast<double>(max_)) {}

void AimdPace::setMax(std::size_t max_in_flight) {
  max_ = std::max<std::size_t>(1, max_in_flight);
  window_ = std::min(window_, static_cast<double>(max_));
}

std::size_t AimdPace::allowed() const {
  return std::clamp<std::size_t>(static_cast<std::size_t>(std::floor(window_)), 1, max_);
}

void AimdPace::onSuccess() {
  in_a_row_ = 0;
  window_ = std::min(static_cast<double>(max_), window_ + 1.0 / std::max(1.0, window_));
}

std::chrono::milliseconds AimdPace::onThrottled(
    Clock::time_point now, std::optional<std::chrono::milliseconds> retry_after,
    std::uint64_t jitter_seed) {
  ++throttles_;
  window_ = std::max(1.0, window_ / 2);
  std::chrono::milliseconds pause;
  if (retry_after && retry_after->count() >= 0) {
    pause = std::min(*retry_after, kMaxPause);
  } else {
    const int doublings = std::min(in_a_row_, 10);
    const auto base = std::min(kFirstBackoff * (int64_t{1} << doublings), kMaxPause);
    // ±20% jitter (splitmix64 of the seed), so many senders paused together
    // do not come back in the same millisecond.
    std::uint64_t z = jitter_seed + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const double factor = 0.8 + 0.4 * static_cast<double>(z % 10001) / 10000.0;
    pause =
        std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(base.count()) * factor));
  }
  ++in_a_row_;
  // A later, shorter Retry-After does not cut an earlier pause short.
  resume_at_ = std::max(resume_at_, now + pause);
  return pause;
}

}  // namespace herald::net
