#include "store/sqlite/sqlite_store.hpp"

#include <chrono>

#include "store/sqlite/migrations.hpp"

namespace herald::store {

std::unique_ptr<Store> openSqliteStore(const std::string& path) {
  return std::make_unique<sqlite::SqliteStore>(path);
}

namespace sqlite {

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SqliteStore::SqliteStore(const std::string& path) : db_(path), claim_owner_(cliClaimOwner()) {
  // Wait for another writer (an import while the daemon runs) rather than
  // fail at once; BEGIN IMMEDIATE makes the wait happen before any work.
  db_.exec("PRAGMA busy_timeout = 30000");
  // For a new file only (no effect on an existing database): 8 KiB pages
  // measured ~15% faster than 4 KiB for a 1M-contact import (fewer, fuller
  // B-tree pages), and do no harm to the engine's small transactions.
  db_.exec("PRAGMA page_size = 8192");
  db_.exec("PRAGMA journal_mode = WAL");
  // FULL: a committed journey move or ledger claim survives power loss, which
  // is what "nothing done twice once committed" rests on.
  db_.exec("PRAGMA synchronous = FULL");
  db_.exec("PRAGMA foreign_keys = ON");
  db_.exec("PRAGMA temp_store = MEMORY");
  // 32 MiB of page cache: the contact indexes of a large audience stay hot.
  db_.exec("PRAGMA cache_size = -32768");
  migrate(db_);
}

}  // namespace sqlite
}  // namespace herald::store
