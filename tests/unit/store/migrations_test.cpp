#include "store/sqlite/migrations.hpp"

#include <fstream>

#include "store/sqlite/migrations.hpp"
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

using MigrationsTest = StoreTest;

const std::string kLatest = std::to_string(sqlite::latestSchemaVersion());

TEST_F(MigrationsTest, FreshDatabaseIsAtTheLatestVersionInWalMode) {
  EXPECT_EQ(rawQuery(dbPath(), "PRAGMA user_version"), kLatest);
  EXPECT_EQ(rawQuery(dbPath(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM sqlite_schema WHERE name = 'send_ledger'"),
            "1");
}

TEST_F(MigrationsTest, ReopeningKeepsTheDataAndDoesNotMigrateAgain) {
  addContacts(3);
  reopen();
  EXPECT_EQ(store_->contactCount(), 3);
  EXPECT_EQ(rawQuery(dbPath(), "PRAGMA user_version"), kLatest);
}

TEST_F(MigrationsTest, DatabaseFromANewerHeraldIsRefusedWithAClearMessage) {
  store_.reset();
  const std::string newer = std::to_string(sqlite::latestSchemaVersion() + 1);
  rawExec(dbPath(), "PRAGMA user_version = " + newer);
  try {
    openSqliteStore(dbPath().string());
    FAIL() << "a newer database was opened";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()), dbPath().string() +
                                         " was written by a newer Herald (schema version " + newer +
                                         "; this Herald knows up to " + kLatest +
                                         "): upgrade Herald or point --db elsewhere");
  }
  // Refusing must not have touched the file.
  EXPECT_EQ(rawQuery(dbPath(), "PRAGMA user_version"), newer);
}

TEST_F(MigrationsTest, Version4RebuildsJourneysKeepingThemAndTheirVisits) {
  // A version 3 database with a journey that has a visit.
  store_.reset();
  const auto old = dir_.path() / "v3.db";
  std::string sql;
  for (const auto& m : sqlite::migrations())
    if (m.version <= 3) sql += m.sql;
  rawExec(old,
          sql +
              "PRAGMA user_version = 3;"
              "INSERT INTO contacts(id, email, created_ms, updated_ms) VALUES (1, 'a@x', 1, 1);"
              "INSERT INTO runs(id, workflow, revision, trigger, dry_run, status, started_ms, "
              "updated_ms) VALUES (1, 'w', 'r', 'manual', 0, 'waiting', 1, 1);"
              "INSERT INTO journeys(id, run_id, contact_id, revision, step_id, status, wake_ms, "
              "updated_ms) VALUES (7, 1, 1, 'r', 'later', 'waiting', 500, 2);"
              "INSERT INTO journey_visits VALUES (7, 'first', 0, 1, 'continue', 2);");
  openSqliteStore(old.string());
  EXPECT_EQ(rawQuery(old, "PRAGMA user_version"), kLatest);
  EXPECT_EQ(rawQuery(old,
                     "SELECT step_id || '/' || status || '/' || entry || '/' || entered_ms "
                     "FROM journeys WHERE id = 7"),
            "later/waiting/0/2");
  EXPECT_EQ(rawQuery(old, "SELECT count(*) FROM journey_visits WHERE journey_id = 7"), "1");
  EXPECT_EQ(rawQuery(old, "PRAGMA foreign_key_check"), "");
  // journey_visits still cascades from the new journeys table.
  rawExec(old, "PRAGMA foreign_keys = ON; DELETE FROM journeys WHERE id = 7;");
  EXPECT_EQ(rawQuery(old, "SELECT count(*) FROM journey_visits"), "0");
}

TEST_F(MigrationsTest, TheLedgerStatesMigrationKeepsWhatEachRowMeant) {
  // A database from before the ledger's refused/deferred states: refusals
  // were 'skipped' rows with their decision; a step's own wait was
  // 'skipped' with "allowed".
  store_.reset();
  const auto old = dir_.path() / "v4.db";
  std::string sql;
  int before = 0;
  // Up to version 4 by hand (version 5 needs Herald's SQL functions); the
  // store takes it from there.
  for (const auto& m : sqlite::migrations()) {
    if (m.version > 4) break;
    sql += m.sql;
    before = m.version;
  }
  auto row = [](int contact, const char* status, const char* decision) {
    return "INSERT INTO send_ledger(workflow, revision, step_id, contact_id, occurrence, "
           "channel, status, decision, run_id, created_ms, updated_ms) VALUES ('w', 'r', 's', " +
           std::to_string(contact) + ", 0, 'sms', '" + status + "', '" + decision + "', 1, 1, 1);";
  };
  rawExec(old, sql + "PRAGMA user_version = " + std::to_string(before) + ";" +
                   row(1, "skipped", "no-consent") + row(2, "skipped", "allowed") +
                   row(3, "sent", "allowed") + row(4, "sending", "suppressed") +
                   row(5, "unknown", "allowed"));
  openSqliteStore(old.string());
  EXPECT_EQ(rawQuery(old, "PRAGMA user_version"), kLatest);
  EXPECT_EQ(rawQuery(old,
                     "SELECT group_concat(contact_id || ':' || status || ':' || "
                     "transactional, ' ') FROM (SELECT * FROM send_ledger ORDER BY 1, 4)"),
            "1:refused:0 2:skipped:0 3:sent:0 4:refused:0 5:unknown:0");
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
