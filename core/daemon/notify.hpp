#pragma once
// The systemd notify protocol (sd_notify(3)) as the daemon uses it. Every
// call is a no-op when NOTIFY_SOCKET is unset (not started by systemd, or a
// unit without Type=notify), so the daemon runs the same from a terminal.
#include <chrono>
#include <optional>
#include <string>

namespace herald::daemon {

class Notifier {
 public:
  void ready();                          // READY=1 (also ends a reload)
  void reloading();                      // RELOADING=1
  void stopping();                       // STOPPING=1
  void status(const std::string& text);  // STATUS=... (one line in `systemctl status`)
  void watchdog();                       // WATCHDOG=1
  // WATCHDOG_USEC when the unit has WatchdogSec= (and the variable is meant
  // for this process); nullopt otherwise.
  static std::optional<std::chrono::microseconds> watchdogInterval();
};

}  // namespace herald::daemon
