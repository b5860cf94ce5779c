#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

class JourneysTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ids_ = addContacts(5);
    run_ = store_->createRun("w", "rev1", "manual", false, 100).id;
    store_->enrollAudience(run_, "a", nullptr, {100, "UTC"}, std::nullopt, 100);
  }

  JourneyMove move(const DueJourney& j, std::string outcome, std::optional<std::string> to,
                   JourneyStatus status = JourneyStatus::kActive, int64_t wake = 100) {
    JourneyMove m;
    m.journey_id = j.journey_id;
    m.from_step = j.step_id;
    m.outcome = std::move(outcome);
    m.to_step = std::move(to);
    m.status = status;
    m.wake_ms = wake;
    m.vars = j.vars;
    return m;
  }

  int64_t count(const std::string& step, const std::string& outcome) {
    for (const auto& c : store_->stepCounts(run_)) {
      if (c.step_id == step && c.outcome == outcome) return c.count;
    }
    return 0;
  }

  std::vector<int64_t> ids_;
  int64_t run_ = 0;
};

TEST_F(JourneysTest, DueJourneysComeWithTheirContacts) {
  auto due = store_->dueJourneys(run_, "a", 100, 3);
  ASSERT_EQ(due.size(), 3u);  // the limit
  EXPECT_EQ(due[0].contact.id, ids_[0]);
  EXPECT_EQ(due[0].contact.external_id, "C1");
  EXPECT_EQ(due[2].contact.tags, std::vector<std::string>{"vip"});
  EXPECT_EQ(due[0].contact.attributes["plan"], "pro");
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_EQ(due[0].occurrence, 0);
  EXPECT_TRUE(store_->dueJourneys(run_, "a", 99, 10).empty());  // not yet
  EXPECT_TRUE(store_->dueJourneys(run_, "b", 100, 10).empty());
  EXPECT_EQ(store_->stepsWithDueJourneys(run_, 100), std::vector<std::string>{"a"});
}

TEST_F(JourneysTest, ABatchMovesCountsAndRecordsVisitsOnce) {
  auto due = store_->dueJourneys(run_, "a", 100, 10);
  BatchCommit batch;
  batch.run_id = run_;
  batch.now_ms = 200;
  for (size_t i = 0; i < due.size(); ++i) {
    if (i < 3) {
      auto m = move(due[i], "branch:yes", "b");
      m.vars = {{"score", i}};
      batch.moves.push_back(m);
    } else if (i == 3) {
      batch.moves.push_back(move(due[i], "exit", std::nullopt, JourneyStatus::kExited));
    } else {
      auto m = move(due[i], "fail", std::nullopt, JourneyStatus::kFailed);
      m.reason = "template error: unknown field";
      batch.moves.push_back(m);
    }
  }
  store_->commitBatch(batch);
  store_->commitBatch(batch);  // replayed: nothing happens twice

  EXPECT_EQ(count("a", "branch:yes"), 3);
  EXPECT_EQ(count("a", "exit"), 1);
  EXPECT_EQ(count("a", "fail"), 1);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM journey_visits"), "5");
  auto at_b = store_->dueJourneys(run_, "b", 200, 10);
  ASSERT_EQ(at_b.size(), 3u);
  EXPECT_EQ(at_b[1].vars, (nlohmann::json{{"score", 1}}));
  auto summary = store_->journeySummary(run_);
  EXPECT_EQ(summary.active, 3);
  EXPECT_EQ(summary.exited, 1);
  EXPECT_EQ(summary.failed, 1);
  auto failures = store_->failures(run_, 10);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].contact_id, ids_[4]);
  EXPECT_EQ(failures[0].step_id, "a");
  EXPECT_EQ(failures[0].reason, "template error: unknown field");
}

TEST_F(JourneysTest, WaitingJourneysWakeOnTime) {
  auto due = store_->dueJourneys(run_, "a", 100, 10);
  BatchCommit batch{run_, 100, {}, {}};
  for (const auto& j : due)
    batch.moves.push_back(move(j, "wait", "b", JourneyStatus::kWaiting, 500));
  store_->commitBatch(batch);
  EXPECT_TRUE(store_->stepsWithDueJourneys(run_, 1000).empty());  // waiting, not active
  auto summary = store_->journeySummary(run_);
  EXPECT_EQ(summary.waiting, 5);
  EXPECT_EQ(summary.next_wake_ms, 500);
  EXPECT_EQ(store_->wakeDueJourneys(run_, 499), 0);
  EXPECT_EQ(store_->wakeDueJourneys(run_, 500), 5);
  EXPECT_EQ(store_->dueJourneys(run_, "b", 500, 10).size(), 5u);
}

TEST_F(JourneysTest, RetriesKeepTheOccurrenceAndReentryIncrementsIt) {
  auto j = store_->dueJourneys(run_, "a", 100, 1).at(0);
  const int64_t id = j.journey_id;
  auto find = [&](int64_t now) {
    for (auto& d : store_->dueJourneys(run_, "a", now, 10)) {
      if (d.journey_id == id) return d;
    }
    throw std::runtime_error("journey not due");
  };
  // A retry: the same step again, not a new visit.
  auto retry = move(j, "retry", "a", JourneyStatus::kActive, 150);
  retry.counts_as_visit = false;
  retry.attempts = 1;
  store_->commitBatch({run_, 100, {retry}, {}});
  j = find(150);
  EXPECT_EQ(j.attempts, 1);
  EXPECT_EQ(j.occurrence, 0);
  EXPECT_EQ(count("a", "retry"), 1);
  // A step that asked to be called again later: a new entry.
  store_->commitBatch({run_, 150, {move(j, "wait", "a", JourneyStatus::kActive, 160)}, {}});
  j = find(160);
  EXPECT_EQ(j.occurrence, 1);
  EXPECT_EQ(j.attempts, 0);
  store_->commitBatch({run_, 160, {move(j, "continue", "a")}, {}});
  EXPECT_EQ(find(160).occurrence, 2);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM journey_visits"), "2");
}

TEST_F(JourneysTest, AStaleMoveChangesNothing) {
  auto j = store_->dueJourneys(run_, "a", 100, 1).at(0);
  store_->commitBatch({run_, 100, {move(j, "continue", "b")}, {}});
  // The same journey again "from a" (it is at b now): ignored.
  store_->commitBatch({run_, 100, {move(j, "continue", "c")}, {}});
  EXPECT_EQ(store_->dueJourneys(run_, "b", 100, 10).size(), 1u);
  EXPECT_TRUE(store_->dueJourneys(run_, "c", 100, 10).empty());
  EXPECT_EQ(count("a", "continue"), 1);
}

TEST_F(JourneysTest, ABatchThatFailsHalfWayLeavesNoTrace) {
  // Make the ledger write at the end of the batch fail, after the moves.
  rawExec(dbPath(),
          "CREATE TRIGGER boom BEFORE INSERT ON send_ledger WHEN NEW.detail = 'boom' "
          "BEGIN SELECT RAISE(ABORT, 'boom'); END");
  reopen();
  auto due = store_->dueJourneys(run_, "a", 100, 10);
  BatchCommit batch{run_, 200, {}, {}};
  for (const auto& j : due) batch.moves.push_back(move(j, "continue", "b"));
  LedgerEntry e;
  e.key = {"w", "rev1", "a", ids_[0], 0};
  e.channel = "email";
  e.status = LedgerStatus::kSent;
  e.detail = "boom";
  batch.ledger_updates.push_back(e);
  EXPECT_THROW(store_->commitBatch(batch), StoreError);

  EXPECT_EQ(store_->dueJourneys(run_, "a", 100, 10).size(), 5u);
  EXPECT_TRUE(store_->stepCounts(run_).empty());
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM journey_visits"), "0");
  EXPECT_EQ(store_->ledgerCount("w"), 0);
  // And the store is still usable.
  batch.ledger_updates.clear();
  store_->commitBatch(batch);
  EXPECT_EQ(store_->dueJourneys(run_, "b", 200, 10).size(), 5u);
}

}  // namespace
}  // namespace herald::store::testing
