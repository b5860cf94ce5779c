#pragma once
// One `herald serve` per SQLite database: an flock() on DATABASE.serve.lock
// beside the real database file (symlinks and relative paths resolved, so
// two spellings of one file are one lock). The kernel drops the lock when
// the process dies, so a crash never leaves a stale lock behind. The CLI
// verbs take no part in it: they keep working beside the daemon (due work is
// claimed in the store, not by this lock).
#include <filesystem>
#include <string>

namespace herald::daemon {

class ServeLock {
 public:
  ServeLock() = default;
  ~ServeLock();
  ServeLock(const ServeLock&) = delete;
  ServeLock& operator=(const ServeLock&) = delete;

  // Empty when taken; else the message saying who holds it (pid and database).
  std::string acquire(const std::filesystem::path& db);

 private:
  int fd_ = -1;
};

}  // namespace herald::daemon
