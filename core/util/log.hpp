#pragma once
// Herald's log lines: one line per message on stderr (journald adds its own
// metadata under systemd), e.g.
//   2026-11-22T10:00:00Z info [outbox/send_welcome] wrote 120 messages
// Thread-safe: lines from different threads never interleave.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace herald::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn", "error".
std::string_view levelName(Level level);
// Accepts the names above (and "warning"); nullopt otherwise.
std::optional<Level> parseLevel(std::string_view name);

// Lines below this level are dropped. Default: info.
void setLevel(Level level);
Level level();

// Where finished lines go (without the trailing newline). Default: stderr.
// Tests install a sink to look at what was logged; pass nullptr to restore.
using Sink = std::function<void(const std::string& line)>;
void setSink(Sink sink);

// Writes "<UTC time> <level> [<source>] <message>". `message` is written as
// given (a plugin's text is not reformatted); `source` may be empty.
void write(Level level, std::string_view source, std::string_view message);

inline void debug(std::string_view source, std::string_view message) {
  write(Level::kDebug, source, message);
}
inline void info(std::string_view source, std::string_view message) {
  write(Level::kInfo, source, message);
}
inline void warn(std::string_view source, std::string_view message) {
  write(Level::kWarn, source, message);
}
inline void error(std::string_view source, std::string_view message) {
  write(Level::kError, source, message);
}

}  // namespace herald::log
