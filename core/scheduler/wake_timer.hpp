#pragma once
// ONE steady_timer for the next due moment across all runs: armed at the
// earliest wake time the store's index gives (or a committed batch
// reports), never by scanning journeys. When it fires, `due` runs; a poll
// interval bounds how late work another process changed is noticed.
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>

#include "util/clock.hpp"

namespace herald::scheduler {

class WakeTimer {
 public:
  WakeTimer(boost::asio::io_context& io, const Clock& clock, std::chrono::milliseconds poll,
            std::function<void()> due);

  // Arms for `wake_ms` (engine time) when that is earlier than what is armed.
  void armAt(int64_t wake_ms);
  // Arms for `wake_ms` or the poll interval, whichever comes first.
  void rearm(std::optional<int64_t> wake_ms);
  void cancel();
  // The engine time it is armed for.
  std::optional<int64_t> armedFor() const { return armed_ms_; }

 private:
  void arm(int64_t wake_ms);

  boost::asio::steady_timer timer_;
  const Clock& clock_;
  std::chrono::milliseconds poll_;
  std::function<void()> due_;
  std::optional<int64_t> armed_ms_;
  bool stopped_ = false;
};

}  // namespace herald::scheduler
