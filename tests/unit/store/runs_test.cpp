#include "segment_test_util.hpp"
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
  EXPECT_EQ(store_->enrollAudience(r.id, "first", nullptr, {100, "UTC"}, std::nullopt, 100), 10);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", nullptr, {100, "UTC"}, std::nullopt, 100), 0);
  auto run = store_->runById(r.id);
  EXPECT_TRUE(run->enrolled);
  EXPECT_EQ(run->enrolled_count, 10);
  EXPECT_EQ(store_->journeySummary(r.id).active, 10);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT DISTINCT revision FROM journeys"), "rev1");
}

TEST_F(RunsTest, LimitCountsWhatIsAlreadyEnrolled) {
  addContacts(10);
  store::Run r = store_->createRun("w", "rev1", "manual", false, 100);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", nullptr, {100, "UTC"}, 4, 100), 4);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", nullptr, {100, "UTC"}, 4, 100), 0);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", nullptr, {100, "UTC"}, 6, 100), 2);
  EXPECT_EQ(store_->runById(r.id)->enrolled_count, 6);
}

int64_t enrolled(Store& store, const std::string& rule) {
  store::Run r = store.createRun("w", "rev1", "manual", false, 100);
  return store.enrollAudience(r.id, "first", parseRuleText(rule).get(), {100, "UTC"}, std::nullopt,
                              100);
}

TEST_F(RunsTest, AudienceRules) {
  addContacts(9);  // plan: odd -> pro; tag vip on 3, 6, 9; orders = i
  EXPECT_EQ(enrolled(*store_, "{attribute: plan, equals: pro}"), 5);
  EXPECT_EQ(enrolled(*store_, "{attribute: plan, not_equals: pro}"), 4);
  EXPECT_EQ(enrolled(*store_, "{attribute: orders, equals: 3}"), 1);
  EXPECT_EQ(enrolled(*store_, "{tags: {has: vip}}"), 3);
  EXPECT_EQ(enrolled(*store_, "[{tags: {has: vip}}, {attribute: plan, equals: pro}]"), 2);
  EXPECT_EQ(enrolled(*store_, "{attribute: missing, exists: true}"), 0);
  EXPECT_EQ(enrolled(*store_, "{attribute: missing, exists: false}"), 9);
  EXPECT_EQ(enrolled(*store_, "{field: email, equals: c4@example.com}"), 1);
  EXPECT_EQ(enrolled(*store_, "{field: timezone, equals: Europe/Paris}"), 9);
  // Values are parameters, never SQL.
  EXPECT_EQ(enrolled(*store_, "{field: email, equals: \"x' OR '1'='1\"}"), 0);
}

TEST_F(RunsTest, NeverEnrolsErasedOrSuppressedContacts) {
  auto ids = addContacts(5);
  rawExec(dbPath(), "UPDATE contacts SET erased_ms = 1 WHERE id = " + std::to_string(ids[0]));
  rawExec(dbPath(), "UPDATE contacts SET suppressed_ms = 1 WHERE id = " + std::to_string(ids[1]));
  store::Run r = store_->createRun("w", "rev1", "manual", false, 100);
  EXPECT_EQ(store_->enrollAudience(r.id, "first", nullptr, {100, "UTC"}, std::nullopt, 100), 3);
  EXPECT_EQ(enrolled(*store_, "{field: email, exists: true}"), 3);
  EXPECT_EQ(enrolled(*store_, "{suppressed: true}"), 0);
}

TEST_F(RunsTest, ARuleTheStoreCannotRunIsAnErrorAndEnrolsNobody) {
  addContacts(2);
  store::Run r = store_->createRun("w", "rev1", "manual", false, 100);
  segment::Rule rule;
  segment::ValueTest t;
  t.subject.kind = segment::Subject::Kind::kField;
  t.subject.name = "shoe_size";
  t.test.value = 42;
  rule.node = t;
  try {
    store_->enrollAudience(r.id, "first", &rule, {100, "UTC"}, std::nullopt, 100);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown contact field 'shoe_size'"), std::string::npos)
        << e.what();
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
