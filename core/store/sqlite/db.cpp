#include "store/sqlite/db.hpp"

#include <fmt/format.h>

#include "store/store.hpp"
#include "util/money.hpp"

namespace herald::store::sqlite {

Stmt::Stmt(Db& db, std::string_view sql) : db_(db), sql_(sql) {
  int rc = sqlite3_prepare_v3(db.raw(), sql_.data(), static_cast<int>(sql_.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, fmt::format("cannot prepare \"{}\"", sql_));
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Query::Query(Stmt& stmt) : stmt_(stmt), s_(stmt.raw()) {}

Query::~Query() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Query& Query::bindInt(int index, int64_t value) {
  sqlite3_bind_int64(s_, index, value);
  return *this;
}

Query& Query::bindReal(int index, double value) {
  sqlite3_bind_double(s_, index, value);
  return *this;
}

Query& Query::bindText(int index, std::string_view value) {
  // A non-null pointer even for "" so the value binds as '' and not NULL.
  sqlite3_bind_text(s_, index, value.empty() ? "" : value.data(), static_cast<int>(value.size()),
                    SQLITE_STATIC);
  return *this;
}

Query& Query::bindBlob(int index, std::string_view value) {
  sqlite3_bind_blob(s_, index, value.empty() ? "" : value.data(), static_cast<int>(value.size()),
                    SQLITE_STATIC);
  return *this;
}

Query& Query::bindNull(int index) {
  sqlite3_bind_null(s_, index);
  return *this;
}

Query& Query::bindOptText(int index, const std::optional<std::string>& value) {
  return value ? bindText(index, *value) : bindNull(index);
}

bool Query::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  int ext = sqlite3_extended_errcode(sqlite3_db_handle(s_));
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    std::string msg = sqlite3_errmsg(sqlite3_db_handle(s_));
    sqlite3_reset(s_);
    throw UniqueViolation{std::move(msg)};
  }
  sqlite3_reset(s_);
  stmt_.db().fail(rc, fmt::format("while running \"{}\"", stmt_.sql()));
}

void Query::run() {
  while (step()) {
  }
}

int64_t Query::changes() const { return sqlite3_changes64(sqlite3_db_handle(s_)); }

bool Query::isNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
int64_t Query::colInt(int col) const { return sqlite3_column_int64(s_, col); }
double Query::colReal(int col) const { return sqlite3_column_double(s_, col); }

std::string_view Query::colView(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  if (p == nullptr) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(s_, col))};
}

std::optional<std::string> Query::colOptText(int col) const {
  if (isNull(col)) return std::nullopt;
  return colText(col);
}

namespace {

// herald_money_units(text): the micro-units of a decimal number's text (see
// util/money.hpp), NULL when it is not one. The events.amount_units column
// is filled with it; segment sums of other properties call it on
// `properties -> '$.name'`, the number's text as it was stored.
void moneyUnitsFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  if (!text) {
    sqlite3_result_null(ctx);
    return;
  }
  const auto units =
      money::unitsOfText(std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(argv[0]))));
  if (units) {
    sqlite3_result_int64(ctx, *units);
  } else {
    sqlite3_result_null(ctx);
  }
}

}  // namespace

Db::Db(const std::string& path) : path_(path) {
  // NOMUTEX: a Store is used from one thread at a time (see store.hpp), so
  // SQLite's own per-call locking would be pure overhead.
  int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(fmt::format("{}: cannot open the database: {}", path, msg));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_create_function_v2(db_, "herald_money_units", 1,
                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                             moneyUnitsFunction, nullptr, nullptr, nullptr);
}

Db::~Db() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

void Db::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    fail(rc, msg);
  }
}

Stmt& Db::stmt(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<Stmt>(*this, sql)).first;
  }
  return *it->second;
}

void Db::fail(int rc, std::string_view what) const {
  int code = rc & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    throw StoreError(
        fmt::format("{}: the database is locked by another process (a running import or daemon?); "
                    "try again when it has finished",
                    path_));
  }
  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
    throw StoreError(
        fmt::format("{}: not a Herald database, or it is damaged ({})", path_, sqlite3_errstr(rc)));
  }
  if (code == SQLITE_FULL) {
    throw StoreError(fmt::format("{}: the disk is full", path_));
  }
  if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
    throw StoreError(fmt::format("{}: cannot write the database: {}", path_, sqlite3_errmsg(db_)));
  }
  throw StoreError(fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_)));
}

WriteTx::WriteTx(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

WriteTx::~WriteTx() {
  if (open_) sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTx::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

BulkMode::BulkMode(Db& db) : db_(db) {
  db_.exec("PRAGMA foreign_keys = OFF");
  db_.exec("PRAGMA cache_size = -65536");
}

BulkMode::~BulkMode() {
  sqlite3_exec(db_.raw(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  sqlite3_exec(db_.raw(), "PRAGMA cache_size = -32768", nullptr, nullptr, nullptr);
}

BatchInsert::BatchInsert(Db& db, std::string head, int columns)
    : db_(db), head_(std::move(head)), columns_(columns) {
  values_.resize(static_cast<size_t>(kBatchRows * columns));
}

BatchInsert::Value& BatchInsert::next() { return values_[used_++]; }

BatchInsert& BatchInsert::addInt(int64_t v) {
  Value& x = next();
  x.text = false;
  x.i = v;
  return *this;
}

BatchInsert& BatchInsert::addText(std::string_view v) {
  Value& x = next();
  x.text = true;
  x.s.assign(v);
  return *this;
}

void BatchInsert::endRow() {
  if (++rows_ == kBatchRows) flush();
}

Stmt& BatchInsert::statement(int rows) {
  if (rows == kBatchRows && full_ != nullptr) return *full_;
  std::string sql = head_ + " VALUES ";
  for (int r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ",(";
    for (int c = 0; c < columns_; ++c) sql += c == 0 ? "?" : ",?";
    sql += ')';
  }
  Stmt& s = db_.stmt(sql);
  if (rows == kBatchRows) full_ = &s;
  return s;
}

void BatchInsert::flush() {
  if (rows_ == 0) return;
  Query q(statement(rows_));
  for (size_t i = 0; i < used_; ++i) {
    const Value& v = values_[i];
    int index = static_cast<int>(i) + 1;
    if (v.text) {
      q.bindText(index, v.s);
    } else {
      q.bindInt(index, v.i);
    }
  }
  q.run();
  rows_ = 0;
  used_ = 0;
}

std::string dropIndexSql(std::string_view name) {
  std::string sql = "DROP INDEX \"";
  for (char ch : name) {
    if (ch == '"') sql += '"';
    sql += ch;
  }
  sql += '"';
  return sql;
}

}  // namespace herald::store::sqlite
