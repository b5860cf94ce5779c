#pragma once
// Herald's log: one message per line on stderr. Three forms, chosen once from
// where stderr goes (docs/operations.md, "Logs"):
//   - a terminal, a file or a pipe: plain lines,
//       2026-11-22T10:00:00Z info [outbox/send] wrote 120 messages workflow=welcome run=12
//   - the journal (systemd sets JOURNAL_STREAM to stderr's device:inode):
//     each message goes to journald's native socket with its fields
//     (PRIORITY, HERALD_SOURCE, HERALD_WORKFLOW, HERALD_STEP, HERALD_RUN);
//   - the journal when its socket cannot be reached: "<N>" priority prefixes
//     on stderr (sd-daemon(3)), which journald turns into PRIORITY.
// Every message passes through redaction first: email addresses and phone
// numbers are masked (util/redact.hpp) and registered secrets replaced, so
// no call site can leak them by mistake.
// Thread-safe: lines from different threads never interleave.
#include <cstdint>
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
// syslog priority: debug 7, info 6, warn 4, error 3.
int syslogPriority(Level level);

// Lines below this level are dropped. Default: info.
void setLevel(Level level);
Level level();

// What a message is about; empty members are left out. Becomes journal
// fields under systemd, and `workflow=… run=…` at the end of a plain line
// (the step is already in the source or the text).
struct Context {
  std::string_view workflow;
  std::string_view step;
  int64_t run = 0;  // 0: none
};

// Where finished lines go (the plain form, without the trailing newline).
// Default: stderr as above. Tests install a sink to look at what was
// logged; pass nullptr to restore.
using Sink = std::function<void(const std::string& line)>;
void setSink(Sink sink);

// A value that must never appear in the log (an API token, a link-signing
// key, an SMTP password): from now on it is written as "[secret]" wherever
// it appears in a message. Values shorter than 6 characters are ignored
// (too likely to be ordinary words); registering is idempotent.
void registerSecret(std::string_view value);

// `text` with every registered secret written as "[secret]" (contacts'
// addresses left as they are): for what Herald shows or stores outside the
// log that a plugin wrote (diagnostics, failure reasons, dry-run previews).
std::string hideSecrets(std::string_view text);

// Writes one message. `message` is written as given apart from redaction (a
// plugin's text is not reformatted); `source` may be empty.
void write(Level level, std::string_view source, std::string_view message,
           const Context& context = {});

inline void debug(std::string_view source, std::string_view message, const Context& context = {}) {
  write(Level::kDebug, source, message, context);
}
inline void info(std::string_view source, std::string_view message, const Context& context = {}) {
  write(Level::kInfo, source, message, context);
}
inline void warn(std::string_view source, std::string_view message, const Context& context = {}) {
  write(Level::kWarn, source, message, context);
}
inline void error(std::string_view source, std::string_view message, const Context& context = {}) {
  write(Level::kError, source, message, context);
}

// The forms, for tests and for the one writer above. `message` is written as
// given (callers redact first).
// "2026-11-22T10:00:00Z info [source] message workflow=… run=…"
std::string formatPlain(Level level, int64_t now_ms, std::string_view source,
                        std::string_view message, const Context& context);
// "<6>[source] message workflow=… run=…"
std::string formatPrefixed(Level level, std::string_view source, std::string_view message,
                           const Context& context);
// One datagram of journald's native protocol (systemd.journal-fields(7)).
std::string formatJournal(Level level, std::string_view source, std::string_view message,
                          const Context& context);

// True when stderr is the journal's stream: $JOURNAL_STREAM ("DEV:INODE")
// names the file stderr is.
bool stderrIsJournal();

}  // namespace herald::log
