#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

using RunsTest = StoreTest;

TEST_F(RunsTest, CreateFindAndList) {
  store_->saveWorkflowRevision({"welcome", "rev1", "name: welcome\n", 10});
  store_->saveWorkflowRevision({"welcome", "rev1", "name: welcome\n", 20});  // idempotent
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM workflow_revisions"), "1");

  store::Run r = store_->createRun("welcome", "rev1", "manual", false, 100);
  EXPECT_GT(r.id, 0);
  EXPECT_EQ(store_->findResumableRun("welcome", "rev1", false)->id, r.id);
  EXPECT_FALSE(store_->findResumableRun("welcome", "rev1", true));  // dry runs are apart
  EXPECT_FALSE(store_->findResumableRun("welcome", "rev2", false));

  store_->setRunStatus(r.id, RunStatus::kWaiting, 200);
  EXPECT_EQ(store_->findResumableRun("welcome", "rev1", false)->id, r.id);
  store_->setRunStatus(r.id, RunStatus::kDone, 300);
  EXPECT_FALSE(store_->findResumableRun("welcome", "rev1", false));

  auto loaded = store_->runById(r.id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->status, RunStatus::kDone);
  EXPECT_EQ(loaded->trigger, "manual");
  EXPECT_EQ(loaded->started_ms, 100);
  EXPECT_EQ(loaded->updated_ms, 300);
  EXPECT_FALSE(store_->runById(999));

  store::Run r2 = store_->createRun("welcome", "rev1", "manual", true, 400);
  auto runs = store_->listRuns(10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, r2.id);  // newest first
  EXPECT_TRUE(runs[0].dry_run);
  EXPECT_EQ(store_->listRuns(1).size(), 1u);
}

TEST_F(RunsTest, EnrolEveryoneOnceEvenWhenCalledTwice) {
  addContacts(10);
  store::Run r = store_->createRun("w", "rev1", "manual", false, 100);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", {}, std::nullopt, 100), 10);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", {}, std::nullopt, 100), 0);
  auto run = store_->runById(r.id);
  EXPECT_TRUE(run->enrolled);
  EXPECT_EQ(run->enrolled_count, 10);
  EXPECT_EQ(store_->journeySummary(r.id).active, 10);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT DISTINCT revision FROM journeys"), "rev1");
}

TEST_F(RunsTest, LimitCountsWhatIsAlreadyEnrolled) {
  addContacts(10);
  store::Run r = store_->createRun("w", "rev1", "manual", false, 100);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", {}, 4, 100), 4);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", {}, 4, 100), 0);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", {}, 6, 100), 2);
  EXPECT_EQ(store_->runById(r.id)->enrolled_count, 6);
}

int64_t enrolled(Store& store, std::vector<AudienceCondition> all) {
  store::Run r = store.createRun("w", "rev1", "manual", false, 100);
  return store.enrollAudience(r.id, "first", AudienceFilter{std::move(all)}, std::nullopt, 100);
}

TEST_F(RunsTest, AudienceFilters) {
  addContacts(9);  // plan: odd -> pro; tag vip on 3, 6, 9; orders = i
  EXPECT_EQ(enrolled(*store_, {{"attributes.plan", "eq", "pro"}}), 5);
  EXPECT_EQ(enrolled(*store_, {{"attributes.plan", "ne", "pro"}}), 4);
  EXPECT_EQ(enrolled(*store_, {{"attributes.orders", "eq", 3}}), 1);
  EXPECT_EQ(enrolled(*store_, {{"tag", "has", "vip"}}), 3);
  EXPECT_EQ(enrolled(*store_, {{"tag", "has", "vip"}, {"attributes.plan", "eq", "pro"}}), 2);
  EXPECT_EQ(enrolled(*store_, {{"attributes.missing", "exists", true}}), 0);
  EXPECT_EQ(enrolled(*store_, {{"attributes.missing", "exists", false}}), 9);
  EXPECT_EQ(enrolled(*store_, {{"attributes.missing", "ne", "x"}}), 9);
  EXPECT_EQ(enrolled(*store_, {{"email", "eq", "c4@example.com"}}), 1);
  EXPECT_EQ(enrolled(*store_, {{"timezone", "eq", "Europe/Paris"}}), 9);
  // Values are parameters, never SQL.
  EXPECT_EQ(enrolled(*store_, {{"email", "eq", "x' OR '1'='1"}}), 0);
  EXPECT_EQ(enrolled(*store_, {{"attributes.plan') OR 1=1 --", "eq", "pro"}}), 0);
}

TEST_F(RunsTest, UnknownFilterFieldOrOperatorIsAnError) {
  store::Run r = store_->createRun("w", "rev1", "manual", false, 100);
  try {
    store_->enrollAudience(r.id, "first", {{{"shoe_size", "eq", 42}}}, std::nullopt, 100);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown field 'shoe_size'"), std::string::npos);
  }
  try {
    store_->enrollAudience(r.id, "first", {{{"email", "like", "x"}}}, std::nullopt, 100);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown operator 'like'"), std::string::npos);
  }
  EXPECT_FALSE(store_->runById(r.id)->enrolled);
}

TEST_F(RunsTest, EnrolOneContact) {
  auto ids = addContacts(2);
  store::Run r = store_->createRun("w", "rev1", "event", false, 100);
  EXPECT_EQ(store_->enrollContact(r.id, "first", ids[1], 100), 1);
  EXPECT_EQ(store_->enrollContact(r.id, "first", ids[1], 100), 0);
  auto due = store_->dueJourneys(r.id, "first", 100, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].contact.id, ids[1]);
}

}  // namespace
}  // namespace herald::store::testing
