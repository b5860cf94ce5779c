#include "plugin/crash_report.hpp"

#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace herald::plugin {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
constexpr size_t kRecordSize = 960;
constexpr size_t kAltStackSize = 128 * 1024;

// What this thread is doing, readable from a signal handler: plain bytes in
// static TLS (the handler reads a fixed array; no TLS constructor runs).
constinit thread_local char t_record[kRecordSize] = {};
constinit thread_local size_t t_record_len = 0;

struct sigaction g_previous[NSIG];
// The crash marker (setCrashMarkerFile): a path the handler can open
// without allocating, and whether the previous process left one.
char g_marker[1024] = {0};
bool g_previous_crashed = false;

// Appends without allocating; silently truncates.
struct Line {
  char text[kRecordSize + 256];
  size_t len = 0;
  void add(const char* s, size_t n) {
    if (n > sizeof text - len) n = sizeof text - len;
    std::memcpy(text + len, s, n);
    len += n;
  }
  void add(const char* s) { add(s, std::strlen(s)); }
  void number(long v, int width) {
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v > 0 && n < 20);
    while (n < width) digits[n++] = '0';
    while (n > 0) add(&digits[--n], 1);
  }
};

const char* signalName(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
    case SIGABRT:
      return "SIGABRT";
    default:
      return "a fatal signal";
  }
}

// The log's timestamp ("2026-11-22T10:00:00Z", util/log.hpp), by arithmetic
// only: gmtime() is not async-signal-safe.
void addUtcTime(Line& line) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  long days = ts.tv_sec / 86400;
  long secs = ts.tv_sec % 86400;
  // Howard Hinnant's civil_from_days.
  days += 719468;
  const long era = days / 146097;
  const long doe = days - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  const long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  line.number(y, 4);
  line.add("-");
  line.number(m, 2);
  line.add("-");
  line.number(d, 2);
  line.add("T");
  line.number(secs / 3600, 2);
  line.add(":");
  line.number(secs / 60 % 60, 2);
  line.add(":");
  line.number(secs % 60, 2);
  line.add("Z");
}

void onFatalSignal(int sig, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  Line line;
  addUtcTime(line);
  line.add(" error ");
  const size_t len = t_record_len;
  std::atomic_signal_fence(std::memory_order_acquire);
  if (len > 0) {
    line.add(t_record, len);
    line.add(" crashed the process with ");
    line.add(signalName(sig));
    line.add(
        " (plugin bug); a batch that crashes the process twice is quarantined after the "
        "restart\n");
  } else {
    line.add("[herald] fatal signal ");
    line.add(signalName(sig));
    line.add(" outside any plugin call\n");
  }
  if (len > 0 && g_marker[0] != 0) {
    const int fd = open(g_marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      [[maybe_unused]] const ssize_t w = write(fd, line.text, line.len);
      close(fd);
    }
  }
  for (size_t done = 0; done < line.len;) {
    const ssize_t n = write(STDERR_FILENO, line.text + done, line.len - done);
    if (n <= 0 && errno != EINTR) break;
    if (n > 0) done += static_cast<size_t>(n);
  }
  errno = saved_errno;

  // Then what would have happened without us: by default, death by this
  // signal (blocked while we run, so it lands when the handler returns).
  const struct sigaction& previous = g_previous[sig];
  sigaction(sig, &previous, nullptr);
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN &&
      previous.sa_handler != nullptr) {
    previous.sa_handler(sig);
    return;
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

// Frees the thread's alternate stack when the thread ends.
struct AltStack {
  std::unique_ptr<char[]> memory;
  ~AltStack() {
    if (!memory) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
  }
};

}  // namespace

void setCrashMarkerFile(const std::string& path) {
  if (path.size() >= sizeof g_marker) return;
  std::error_code ec;
  g_previous_crashed = std::filesystem::exists(path, ec);
  std::filesystem::remove(path, ec);
  std::memcpy(g_marker, path.c_str(), path.size() + 1);
}

bool previousProcessCrashed() { return g_previous_crashed; }

void installCrashReportHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : kSignals) {
      struct sigaction action {};
      action.sa_sigaction = onFatalSignal;
      action.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigemptyset(&action.sa_mask);
      sigaction(sig, &action, &g_previous[sig]);
    }
  });
}

void prepareCrashReportThread() {
  thread_local AltStack alt;
  if (alt.memory) return;
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0 &&
      current.ss_size >= kAltStackSize / 2) {
    return;  // someone (a sanitizer) already gave this thread one
  }
  alt.memory = std::make_unique<char[]>(kAltStackSize);
  stack_t stack{};
  stack.ss_sp = alt.memory.get();
  stack.ss_size = kAltStackSize;
  if (sigaltstack(&stack, nullptr) != 0) alt.memory.reset();
}

CrashReportScope::CrashReportScope(std::string_view who) {
  const size_t n = std::min(who.size(), kRecordSize);
  t_record_len = 0;
  std::atomic_signal_fence(std::memory_order_release);
  std::memcpy(t_record, who.data(), n);
  std::atomic_signal_fence(std::memory_order_release);
  t_record_len = n;
}

CrashReportScope::~CrashReportScope() {
  t_record_len = 0;
  std::atomic_signal_fence(std::memory_order_release);
}

}  // namespace herald::plugin
