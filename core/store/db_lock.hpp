#pragma once
// One process at a time works on a database: `herald run` and the daemon
// take this lock before they move journeys, since two processes moving the
// same journeys would race (each would re-deliver the other's in-flight
// messages as crash leftovers; only the ledger stands in the way).
//
// The lock is on the database's real file, symlinks resolved, so a second
// path to the same file (a symlink, `./x/../herald.db`) meets the same
// lock. It is flock() on `<real file>.lock`, which the kernel releases when
// the holder dies, so a killed process never blocks the next one.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace herald::store {

class DbLock {
 public:
  DbLock() = default;
  ~DbLock();  // releases the lock
  DbLock(const DbLock&) = delete;
  DbLock& operator=(const DbLock&) = delete;

  // Takes the lock on the database at `db` (its folder must exist) for
  // `holder`, the command as users know it ("herald run", "herald serve"),
  // which a refused process names. nullopt when taken; otherwise why not,
  // as a sentence for "herald: error: ...": who holds it (holder and pid)
  // and what to do, or why the lock file cannot be opened.
  std::optional<std::string> acquire(const std::filesystem::path& db, std::string_view holder);

  // The lock file of the database at `db`: next to its real file.
  static std::filesystem::path lockFile(const std::filesystem::path& db);

 private:
  int fd_ = -1;
};

}  // namespace herald::store
