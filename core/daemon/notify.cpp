#include "daemon/notify.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

namespace herald::daemon {
namespace {

void send(const std::string& state) { sd_notify(0, state.c_str()); }

}  // namespace

void Notifier::ready() { send("READY=1"); }

void Notifier::reloading() {
  // systemd 253+ (Type=notify-reload) wants the time the reload began too;
  // older versions ignore the extra field.
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const long long usec = static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void Notifier::stopping() { send("STOPPING=1"); }

void Notifier::status(const std::string& text) {
  std::string line = text;
  for (char& c : line)
    if (c == '\n') c = ' ';  // STATUS= is one line
  send("STATUS=" + line);
}

void Notifier::watchdog() { send("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> Notifier::watchdogInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace herald::daemon
