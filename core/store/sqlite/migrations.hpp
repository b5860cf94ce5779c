#pragma once
// Versioned schema migrations, applied in order at start-up. The schema
// version lives in PRAGMA user_version; each step runs in the same write
// transaction as the version bump, so a crash never leaves half a step.
#include <span>

#include "store/sqlite/db.hpp"

namespace herald::store::sqlite {

struct Migration {
  int version;      // the schema version after this step
  const char* sql;  // statements, run with sqlite3_exec
};

// Every step Herald knows, oldest first. Only ever append: a released step is
// never edited, because databases in the field have already applied it.
std::span<const Migration> migrations();
int latestSchemaVersion();

// Brings the database up to latestSchemaVersion(). Throws StoreError when the
// database was written by a newer Herald.
void migrate(Db& db);

}  // namespace herald::store::sqlite
