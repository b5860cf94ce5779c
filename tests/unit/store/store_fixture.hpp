#pragma once
// A fresh SQLite store in its own temp directory per test, plus helpers to
// look at the file with a second, raw connection (the way an operator would).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace herald::store::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs SQL on the database file through its own connection; returns the
// first column of the first row as text ("" when none).
std::string rawQuery(const std::filesystem::path& db, const std::string& sql);
void rawExec(const std::filesystem::path& db, const std::string& sql);

Contact makeContact(std::string external_id, std::string email);

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void reopen();
  std::filesystem::path dbPath() const { return dir_.path() / "herald.db"; }
  // Imports contacts C1..Cn (c1@example.com...) and returns their ids.
  std::vector<int64_t> addContacts(int n);

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace herald::store::testing
