#include <fstream>

#include "store/sqlite/migrations.hpp"
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

using MigrationsTest = StoreTest;

std::string latest() { return std::to_string(sqlite::latestSchemaVersion()); }

TEST_F(MigrationsTest, FreshDatabaseIsAtTheLatestVersionInWalMode) {
  EXPECT_EQ(rawQuery(dbPath(), "PRAGMA user_version"), latest());
  EXPECT_EQ(rawQuery(dbPath(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM sqlite_schema WHERE name = 'send_ledger'"),
            "1");
}

TEST_F(MigrationsTest, ReopeningKeepsTheDataAndDoesNotMigrateAgain) {
  addContacts(3);
  reopen();
  EXPECT_EQ(store_->contactCount(), 3);
  EXPECT_EQ(rawQuery(dbPath(), "PRAGMA user_version"), latest());
}

TEST_F(MigrationsTest, DatabaseFromANewerHeraldIsRefusedWithAClearMessage) {
  store_.reset();
  rawExec(dbPath(), "PRAGMA user_version = 7");
  try {
    openSqliteStore(dbPath().string());
    FAIL() << "a newer database was opened";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()),
              dbPath().string() +
                  " was written by a newer Herald (schema version 7; this Herald knows up to " +
                  latest() + "): upgrade Herald or point --db elsewhere");
  }
  // Refusing must not have touched the file.
  EXPECT_EQ(rawQuery(dbPath(), "PRAGMA user_version"), "7");
}

TEST_F(MigrationsTest, AFileThatIsNotADatabaseIsRefused) {
  auto path = dir_.path() / "notes.db";
  std::ofstream(path) << "these are not the pages you are looking for, this is plain text\n"
                      << std::string(2000, 'x');
  try {
    openSqliteStore(path.string());
    FAIL() << "a text file was opened as a database";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("not a Herald database"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST_F(MigrationsTest, ADirectoryThatDoesNotExistIsReported) {
  try {
    openSqliteStore((dir_.path() / "no" / "such" / "dir" / "herald.db").string());
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open the database"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace herald::store::testing

namespace herald::store::testing {
namespace {

TEST(Migrations, SomeOtherProgramsDatabaseIsNotTouched) {
  TempDir dir;
  auto path = dir.path() / "other.db";
  rawExec(path, "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)");
  try {
    openSqliteStore(path.string());
    FAIL() << "another program's database was opened";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() +
                  " is not a Herald database (it has tables but no Herald schema version): point "
                  "--db at a new file or at a Herald database");
  }
  EXPECT_EQ(rawQuery(path, "SELECT count(*) FROM sqlite_schema"), "1");
}

}  // namespace
}  // namespace herald::store::testing
