#include "store_fixture.hpp"

#include <random>
#include <stdexcept>

namespace herald::store::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("herald-store-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string rawQuery(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) throw std::runtime_error("open failed");
  sqlite3_busy_timeout(h, 5000);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(h);
    sqlite3_close(h);
    throw std::runtime_error(msg);
  }
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

void rawExec(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) throw std::runtime_error("open failed");
  sqlite3_busy_timeout(h, 5000);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  if (rc != SQLITE_OK) throw std::runtime_error(msg);
}

Contact makeContact(std::string external_id, std::string email) {
  Contact c;
  c.external_id = std::move(external_id);
  c.email = std::move(email);
  return c;
}

void StoreTest::SetUp() { store_ = openSqliteStore(dbPath().string()); }

void StoreTest::reopen() {
  store_.reset();
  store_ = openSqliteStore(dbPath().string());
}

std::vector<int64_t> StoreTest::addContacts(int n) {
  std::vector<int64_t> ids;
  auto import = store_->beginContactImport();
  for (int i = 1; i <= n; ++i) {
    Contact c = makeContact("C" + std::to_string(i), "c" + std::to_string(i) + "@example.com");
    c.first_name = "Name" + std::to_string(i);
    c.timezone = "Europe/Paris";
    c.attributes = {{"plan", i % 2 ? "pro" : "free"}, {"orders", i}};
    if (i % 3 == 0) c.tags = {"vip"};
    ids.push_back(import->upsert(c));
  }
  import->commit();
  return ids;
}

}  // namespace herald::store::testing
