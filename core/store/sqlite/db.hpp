#pragma once
// Thin RAII layer over the SQLite C API: a connection that caches its
// prepared statements, a statement handle that resets itself, and a write
// transaction guard. Every value reaches SQL as a bound parameter.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/json_text.hpp"

namespace herald::store::sqlite {

class Db;

// A prepared statement owned by the Db's cache. Use it through Query.
class Stmt {
 public:
  Stmt(Db& db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  sqlite3_stmt* raw() const { return stmt_; }
  const std::string& sql() const { return sql_; }
  Db& db() const { return db_; }

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// One use of a cached statement: binds, steps, reads columns, and resets the
// statement when it goes out of scope (which also ends its read snapshot).
//
// Text is bound without copying (SQLITE_STATIC): the bound data must stay
// alive until the query is stepped to completion or destroyed.
class Query {
 public:
  explicit Query(Stmt& stmt);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bindInt(int index, int64_t value);
  Query& bindReal(int index, double value);
  Query& bindText(int index, std::string_view value);
  Query& bindBlob(int index, std::string_view value);
  Query& bindNull(int index);
  Query& bindOptText(int index, const std::optional<std::string>& value);

  // Advances to the next row: true when a row is available, false when done.
  // Throws StoreError (ContactConflict for a UNIQUE violation is the
  // caller's business: see constraintFailed()).
  bool step();
  // Runs a statement that returns no rows (or ignores them).
  void run();
  // After run()/step() threw nothing: rows changed by this statement.
  int64_t changes() const;

  bool isNull(int col) const;
  int64_t colInt(int col) const;
  double colReal(int col) const;
  std::string_view colView(int col) const;
  std::string colText(int col) const { return std::string(colView(col)); }
  std::optional<std::string> colOptText(int col) const;

 private:
  Stmt& stmt_;
  sqlite3_stmt* s_;
};

// Thrown by Query::step for a UNIQUE/PRIMARY KEY violation, so callers that
// expect one (contact upserts) can turn it into a user-facing message. The
// statement is aborted; the surrounding transaction stays usable.
struct UniqueViolation {
  std::string message;
};

class Db {
 public:
  // Opens (creating) the database file. Throws StoreError.
  explicit Db(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs SQL text with no parameters (schema, pragmas, BEGIN/COMMIT).
  void exec(const char* sql);
  // The cached prepared statement for `sql`, prepared on first use.
  Stmt& stmt(std::string_view sql);
  Query query(std::string_view sql) { return Query(stmt(sql)); }
  int64_t lastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

  // Throws StoreError describing the last error of this connection.
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  // Transparent lookup: finding a cached statement does not copy its SQL.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<Stmt>, Hash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so a busy
// database is detected at the start, not half-way through); ROLLBACK in the
// destructor unless commit() was called.
class WriteTx {
 public:
  explicit WriteTx(Db& db);
  ~WriteTx();
  WriteTx(const WriteTx&) = delete;
  WriteTx& operator=(const WriteTx&) = delete;
  void commit();

 private:
  Db& db_;
  bool open_ = true;
};

// Settings for the length of a bulk import, restored on destruction. Create
// it before the import's WriteTx (PRAGMA foreign_keys is ignored inside a
// transaction) and destroy it after.
//  - foreign keys off: an importer writes child rows (tags, consents, events)
//    only for a contact it has just written or looked up, so the per-row
//    parent lookup would check nothing;
//  - a larger page cache (64 MiB): the email index of a large store stays in
//    memory while rows arrive in random email order, and a bulk load sorts
//    its index keys in memory. (256 MiB measured no faster.)
class BulkMode {
 public:
  explicit BulkMode(Db& db);
  ~BulkMode();
  BulkMode(const BulkMode&) = delete;
  BulkMode& operator=(const BulkMode&) = delete;

 private:
  Db& db_;
};

// Writes rows into one table through a multi-row INSERT ("VALUES (?,?),
// (?,?), ..."), kBatchRows rows per statement: in SQLite the fixed cost of
// running a statement is several times that of writing one small row, so a
// bulk import batches its child rows (tags, consents) this way. Values are
// copied; flush() writes what is pending.
class BatchInsert {
 public:
  static constexpr int kBatchRows = 128;
  // `head` is "INSERT [OR IGNORE] INTO t(a, b, c)".
  BatchInsert(Db& db, std::string head, int columns);
  BatchInsert& addInt(int64_t v);
  BatchInsert& addText(std::string_view v);
  // Ends the row; writes the batch when it is full.
  void endRow();
  void flush();
  bool empty() const { return rows_ == 0; }

 private:
  struct Value {
    bool text = false;
    int64_t i = 0;
    std::string s;
  };
  Value& next();
  Stmt& statement(int rows);

  Db& db_;
  std::string head_;
  int columns_;
  int rows_ = 0;
  size_t used_ = 0;
  std::vector<Value> values_;
  Stmt* full_ = nullptr;
};

// "DROP INDEX "name"" with the name quoted as an SQL identifier.
std::string dropIndexSql(std::string_view name);

}  // namespace herald::store::sqlite
