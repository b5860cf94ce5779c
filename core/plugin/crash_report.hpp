#pragma once
// Internal to core/plugin: the last words of a process that a plugin
// crashed. A fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) on a
// thread that was inside a plugin call writes one log line naming the
// plugin, the step type, the workflow and the run whose batch it held, then
// the signal takes its previous action (the default: the process dies and
// systemd sees the crash). The line is formatted before the call and the
// handler only copies bytes and calls write(2): it allocates nothing and
// takes no lock, so it is async-signal-safe.
#include <string>
#include <string_view>

namespace herald::plugin {

// Installs the handlers (once per process; later calls do nothing). The
// previous handlers (a sanitizer's, say) still run after the report.
void installCrashReportHandlers();

// A plugin crash also leaves a file at `path` (beside the database), so the
// next process can tell a crash from a kill -9 or a power cut: only after a
// crash does a batch left in a plugin's hands count towards quarantine.
// Reads (and removes) what the previous process left. Call before any run.
void setCrashMarkerFile(const std::string& path);
// Whether the previous process on this database died of a plugin crash.
bool previousProcessCrashed();

// Gives the calling thread an alternate signal stack, so that a plugin that
// overflowed its stack still gets reported. Once per thread.
void prepareCrashReportThread();

// While it lives, a fatal signal on this thread is reported as happening
// in the call `who` describes: "[plugin/step] plugin 'p' (step type 't') at
// step 's' of workflow 'w', run 7, holding a batch of 3 contacts" (cut at
// about 900 bytes).
class CrashReportScope {
 public:
  explicit CrashReportScope(std::string_view who);
  ~CrashReportScope();
  CrashReportScope(const CrashReportScope&) = delete;
  CrashReportScope& operator=(const CrashReportScope&) = delete;
};

}  // namespace herald::plugin
