#include "util/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "util/clock.hpp"
#include "util/journal_socket.hpp"
#include "util/redact.hpp"

namespace herald::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

// The sink, the secrets and the journal socket, behind one mutex: a line
// is redacted and written whole before the next one starts.
struct Output {
  std::mutex mu;
  Sink sink;
  std::vector<std::string> secrets;
  std::optional<bool> to_journal;  // decided on the first line
  std::unique_ptr<JournalSocket> journal;
};

Output& output() {
  static Output* out = new Output;  // never destroyed: threads may log during exit
  return *out;
}

// The step is left out: a plugin's lines name it in their source
// ("outbox/send_welcome"), the engine's in their text.
void appendContext(std::string& line, const Context& context) {
  if (!context.workflow.empty()) {
    line += " workflow=";
    line += context.workflow;
  }
  if (context.run != 0) {
    line += " run=";
    line += std::to_string(context.run);
  }
}

void appendSourceAndMessage(std::string& line, std::string_view source, std::string_view message) {
  if (!source.empty()) {
    line += '[';
    line += source;
    line += "] ";
  }
  line += message;
}

// KEY=VALUE\n, or the binary-safe form for a value with a newline:
// KEY\n, its length as 64-bit little endian, VALUE, \n.
void appendField(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  if (value.find('\n') == std::string_view::npos) {
    out += '=';
    out += value;
  } else {
    out += '\n';
    uint64_t n = value.size();
    for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
    out += value;
  }
  out += '\n';
}

std::string withoutSecrets(std::string_view message, const std::vector<std::string>& secrets) {
  std::string text(message);
  for (const auto& secret : secrets) {
    for (size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + sizeof("[secret]") - 1))
      text.replace(at, secret.size(), "[secret]");
  }
  return text;
}

std::string redacted(std::string_view message, const std::vector<std::string>& secrets) {
  return redact::redactContacts(withoutSecrets(message, secrets));
}

void writeStderr(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
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

int syslogPriority(Level level) {
  switch (level) {
    case Level::kDebug:
      return 7;
    case Level::kInfo:
      return 6;
    case Level::kWarn:
      return 4;
    case Level::kError:
      return 3;
  }
  return 6;
}

void setLevel(Level level) { g_level.store(static_cast<int>(level)); }

Level level() { return static_cast<Level>(g_level.load()); }

void setSink(Sink s) {
  Output& out = output();
  std::lock_guard lock(out.mu);
  out.sink = std::move(s);
}

void registerSecret(std::string_view value) {
  if (value.size() < 6) return;
  Output& out = output();
  std::lock_guard lock(out.mu);
  for (const auto& s : out.secrets)
    if (s == value) return;
  out.secrets.emplace_back(value);
}

std::string hideSecrets(std::string_view text) {
  Output& out = output();
  std::lock_guard lock(out.mu);
  return withoutSecrets(text, out.secrets);
}

std::string formatPlain(Level level, int64_t now_ms, std::string_view source,
                        std::string_view message, const Context& context) {
  std::string line = formatIsoTime(now_ms);
  line += ' ';
  line += levelName(level);
  line += ' ';
  appendSourceAndMessage(line, source, message);
  appendContext(line, context);
  return line;
}

std::string formatPrefixed(Level level, std::string_view source, std::string_view message,
                           const Context& context) {
  std::string line = "<" + std::to_string(syslogPriority(level)) + ">";
  appendSourceAndMessage(line, source, message);
  appendContext(line, context);
  return line;
}

std::string formatJournal(Level level, std::string_view source, std::string_view message,
                          const Context& context) {
  std::string text;
  appendSourceAndMessage(text, source, message);
  std::string out;
  appendField(out, "MESSAGE", text);
  appendField(out, "PRIORITY", std::to_string(syslogPriority(level)));
  appendField(out, "SYSLOG_IDENTIFIER", "herald");
  if (!source.empty()) appendField(out, "HERALD_SOURCE", source);
  if (!context.workflow.empty()) appendField(out, "HERALD_WORKFLOW", context.workflow);
  if (!context.step.empty()) appendField(out, "HERALD_STEP", context.step);
  if (context.run != 0) appendField(out, "HERALD_RUN", std::to_string(context.run));
  return out;
}

bool stderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

void write(Level lvl, std::string_view source, std::string_view message, const Context& context) {
  if (static_cast<int>(lvl) < g_level.load(std::memory_order_relaxed)) return;
  const int64_t now_ms = SystemClock().nowMs();
  Output& out = output();
  std::lock_guard lock(out.mu);
  const std::string text = redacted(message, out.secrets);
  if (out.sink) {
    out.sink(formatPlain(lvl, now_ms, source, text, context));
    return;
  }
  if (!out.to_journal) {
    out.to_journal = stderrIsJournal();
    if (*out.to_journal) {
      // HERALD_JOURNAL_SOCKET: for tests, which cannot own the system's socket.
      const char* path = std::getenv("HERALD_JOURNAL_SOCKET");
      out.journal = std::make_unique<JournalSocket>(path ? path : kJournalSocketPath);
    }
  }
  if (!*out.to_journal) {
    writeStderr(formatPlain(lvl, now_ms, source, text, context));
  } else if (!out.journal->send(formatJournal(lvl, source, text, context))) {
    writeStderr(formatPrefixed(lvl, source, text, context));
  }
}

}  // namespace herald::log
