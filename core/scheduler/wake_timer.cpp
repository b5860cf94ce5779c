#include "scheduler/wake_timer.hpp"

#include <algorithm>

namespace herald::scheduler {

WakeTimer::WakeTimer(boost::asio::io_context& io, const Clock& clock,
                     std::chrono::milliseconds poll, std::function<void()> due)
    : timer_(io), clock_(clock), poll_(poll), due_(std::move(due)) {}

void WakeTimer::armAt(int64_t wake_ms) {
  if (stopped_ || (armed_ms_ && *armed_ms_ <= wake_ms)) return;
  arm(wake_ms);
}

void WakeTimer::rearm(std::optional<int64_t> wake_ms) {
  if (stopped_) return;
  const int64_t poll_at = clock_.nowMs() + poll_.count();
  arm(wake_ms ? std::min(*wake_ms, poll_at) : poll_at);
}

void WakeTimer::cancel() {
  stopped_ = true;
  armed_ms_.reset();
  timer_.cancel();
}

void WakeTimer::arm(int64_t wake_ms) {
  armed_ms_ = wake_ms;
  // The engine's clock may be offset (serve --now) but runs at real speed,
  // so a duration from it is a steady duration.
  const int64_t in_ms = std::max<int64_t>(0, wake_ms - clock_.nowMs());
  timer_.expires_after(std::chrono::milliseconds(in_ms));
  timer_.async_wait([this, wake_ms](const boost::system::error_code& ec) {
    if (ec || stopped_ || armed_ms_ != wake_ms) return;  // re-armed or cancelled
    armed_ms_.reset();
    due_();
  });
}

}  // namespace herald::scheduler
