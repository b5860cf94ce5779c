#include "util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "util/clock.hpp"

namespace herald::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

std::mutex& sinkMutex() {
  static std::mutex mu;
  return mu;
}

Sink& sink() {
  static Sink s;
  return s;
}

}  // namespace

std::string_view levelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::optional<Level> parseLevel(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn" || name == "warning") return Level::kWarn;
  if (name == "error") return Level::kError;
  return std::nullopt;
}

void setLevel(Level level) { g_level.store(static_cast<int>(level)); }

Level level() { return static_cast<Level>(g_level.load()); }

void setSink(Sink s) {
  std::lock_guard lock(sinkMutex());
  sink() = std::move(s);
}

void write(Level lvl, std::string_view source, std::string_view message) {
  if (static_cast<int>(lvl) < g_level.load(std::memory_order_relaxed)) return;
  SystemClock clock;
  std::string line = formatIsoTime(clock.nowMs());
  line += ' ';
  line += levelName(lvl);
  if (!source.empty()) {
    line += " [";
    line += source;
    line += ']';
  }
  line += ' ';
  line += message;
  std::lock_guard lock(sinkMutex());
  if (sink()) {
    sink()(line);
  } else {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }
}

}  // namespace herald::log
