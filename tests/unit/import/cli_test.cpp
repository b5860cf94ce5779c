// `herald contacts import` and `herald events import` through the real
// binary: what a marketer sees, and the exit codes scripts rely on.
#include <fstream>

#include "import_fixture.hpp"
#include "store/sqlite/migrations.hpp"

namespace herald::import::testing {
namespace {

class ImportCli : public ImportTest {
 protected:
  // The database exists, as after a first import: the tests are about each
  // import's own messages (ImportsAndSummarises starts without one).
  void SetUp() override {
    ImportTest::SetUp();
    store();
  }
  Ran herald(const std::string& args) {
    store_.reset();  // the binary opens the file itself
    return runCommand(shellQuote(HERALD_BIN) + " --db " + shellQuote(dbPath().string()) +
                          " --now 2025-06-01T00:00:00Z " + args,
                      dir_);
  }
};

TEST_F(ImportCli, ImportsAndSummarises) {
  store_.reset();
  std::filesystem::remove(dbPath());
  file("c.csv", "external_id,email,plan\nC1,a@example.com,pro\nC2,b@example.com,free\n");
  auto r = herald("contacts import c.csv");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("imported 2 contacts (2 new, 0 updated) in ")) << r.out;
  // The first import made the database, and says so (a mistyped --db shows).
  EXPECT_EQ(r.err, "herald: created new database at " + dbPath().string() + "\n");
  r = herald("contacts import c.csv");
  EXPECT_TRUE(r.out.starts_with("imported 2 contacts (0 new, 2 updated) in ")) << r.out;
  EXPECT_EQ(r.err, "");

  file("e.csv", "event_id,external_id,type,at,amount\nE1,C1,purchase,2025-05-01,9.99\n");
  r = herald("events import e.csv");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("imported 1 event in ")) << r.out;
  r = herald("events import e.csv");
  EXPECT_TRUE(
      r.out.starts_with("imported 0 events (1 already imported earlier, same event_id, "
                        "left alone) in "))
      << r.out;
}

TEST_F(ImportCli, ABadFileIsRefusedWithEveryProblemAndExitOne) {
  file("bad.csv", "email,age:number\na@example.com,1\nbob@@example,2\nc@example.com,x\n");
  auto r = herald("contacts import bad.csv");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "bad.csv:3:1: error: column 'email': 'bob@@example' is not a valid email address\n"
            "bad.csv:4:2: error: column 'age:number': 'x' is not a number\n"
            "bad.csv: 2 invalid rows of 3 rows; nothing was imported. Fix them, or run again "
            "with --skip-invalid to import the 1 valid row.\n");
  store_.reset();
  EXPECT_EQ(store().contactCount(), 0);
}

TEST_F(ImportCli, SkipInvalidListsWhatWasSkippedAndExitsZero) {
  file("bad.csv", "email,age:number\na@example.com,1\nbob@@example,2\n");
  auto r = herald("contacts import --skip-invalid bad.csv");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err,
            "bad.csv:3:1: warning: row skipped: column 'email': 'bob@@example' is not a valid "
            "email address\n");
  EXPECT_TRUE(r.out.starts_with("imported 1 contact (1 new, 0 updated) in ")) << r.out;
  EXPECT_NE(r.out.find("; skipped 1 invalid row (listed above)"), std::string::npos) << r.out;
}

TEST_F(ImportCli, DryRunChecksAndWritesNothing) {
  file("c.csv", "email\na@example.com\n");
  auto r = herald("contacts import --dry-run c.csv");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("checked 1 contact (1 new, 0 updated) in ")) << r.out;
  EXPECT_NE(r.out.find("nothing was written (--dry-run)"), std::string::npos);
  EXPECT_EQ(store().contactCount(), 0);
}

TEST_F(ImportCli, JsonLinesFromStandardInput) {
  file("c.jsonl", "{\"email\": \"a@example.com\", \"tags\": [\"x\"]}\n");
  auto r = herald("contacts import --format jsonl - < c.jsonl");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("imported 1 contact")) << r.out;
}

TEST_F(ImportCli, MissingFileAndUsageErrors) {
  auto r = herald("contacts import nope.csv");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "nope.csv: error: cannot open the file: No such file or directory\n"
            "nope.csv: nothing was imported\n");
  r = herald("contacts import");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("FILE is required"), std::string::npos) << r.err;
  r = herald("contacts import --format xml c.csv");
  EXPECT_EQ(r.status, 2);
  r = herald("contacts frobnicate");
  EXPECT_EQ(r.status, 2);
  r = herald("contacts");
  EXPECT_EQ(r.status, 2);
}

TEST_F(ImportCli, ADatabaseFromTheFutureIsRefused) {
  store();
  store_.reset();
  runCommand("sqlite3 " + shellQuote(dbPath().string()) + " 'PRAGMA user_version = 9'", dir_);
  file("c.csv", "email\na@example.com\n");
  auto r = herald("contacts import c.csv");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("was written by a newer Herald (schema version 9; this Herald knows up "
                       "to " +
                       std::to_string(herald::store::sqlite::latestSchemaVersion()) +
                       "): upgrade Herald or point --db elsewhere"),
            std::string::npos)
      << r.err;
}

// A checksum of everything a contact import can change.
std::string storeChecksum(const std::filesystem::path& db, const std::filesystem::path& dir) {
  auto r = runCommand(
      "sqlite3 " + shellQuote(db.string()) +
          " \"SELECT count(*), sum(length(c.external_id || c.email || c.attributes || c.tags || "
          "c.updated_ms)), (SELECT count(*) FROM contact_tags), (SELECT count(*) FROM consents) "
          "FROM contacts c\" | md5sum",
      dir);
  return r.out;
}

TEST_F(ImportCli, SlowABadRowHalfAMillionRowsInIsRefusedAndTheStoreIsUnchanged) {
  // A store with contacts the big file would update.
  {
    std::ofstream f(dir_ / "first.csv");
    f << "external_id,email,plan,tags\n";
    for (int i = 0; i < 1000; ++i) {
      f << "C" << i << ",c" << i << "@example.com,free,t" << i % 7 << "\n";
    }
  }
  auto r = herald("contacts import first.csv");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string before = storeChecksum(dbPath(), dir_);

  {
    std::ofstream f(dir_ / "big.csv");
    f << "external_id,email,plan,orders:number,tags,consent_email\n";
    for (int i = 0; i < 600000; ++i) {
      if (i == 499999) {
        f << "C" << i << ",bob@@example,pro," << i << ",x,yes\n";  // row 500,000: line 500,001
      } else {
        f << "C" << i << ",c" << i << "@example.com,pro," << i << ",big|t" << i % 5 << ",yes\n";
      }
    }
  }
  r = herald("contacts import big.csv");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "big.csv:500001:2: error: column 'email': 'bob@@example' is not a valid email address\n"
            "big.csv: 1 invalid row of 600000 rows; nothing was imported. Fix it, or run again "
            "with --skip-invalid to import the 599999 valid rows.\n");
  EXPECT_EQ(storeChecksum(dbPath(), dir_), before);
  store_.reset();
  EXPECT_EQ(store().contactCount(), 1000);
  EXPECT_EQ(store().contactByExternalId("C5")->attributes, (nlohmann::json{{"plan", "free"}}));
}

}  // namespace
}  // namespace herald::import::testing
