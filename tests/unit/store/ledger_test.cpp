#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

class LedgerTest : public StoreTest {
 protected:
  LedgerEntry want(int64_t contact, int32_t occurrence = 0) {
    LedgerEntry e;
    e.key = {"welcome", "rev1", "send_email", contact, occurrence};
    e.channel = "email";
    e.decision = "allowed";
    e.run_id = 1;
    e.updated_ms = 1000;
    return e;
  }
};

TEST_F(LedgerTest, FirstClaimCreatesASendingRow) {
  std::vector<LedgerEntry> wanted{want(1), want(2)};
  auto claims = store_->claimDeliveries(wanted);
  ASSERT_EQ(claims.size(), 2u);
  for (const auto& c : claims) {
    EXPECT_TRUE(c.created);
    EXPECT_EQ(c.entry.status, LedgerStatus::kSending);
    EXPECT_EQ(c.entry.decision, "allowed");
  }
  EXPECT_EQ(store_->ledgerCount("welcome"), 2);
  EXPECT_EQ(store_->ledgerEntry(wanted[1].key)->status, LedgerStatus::kSending);
}

TEST_F(LedgerTest, AClaimLeftSendingByACrashBecomesUnknownAndIsNotCreatedAgain) {
  std::vector<LedgerEntry> wanted{want(1)};
  store_->claimDeliveries(wanted);
  reopen();  // the process died between claiming and settling
  auto again = store_->claimDeliveries(wanted);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].created);
  EXPECT_EQ(again[0].entry.status, LedgerStatus::kUnknown);
  EXPECT_EQ(store_->ledgerEntry(wanted[0].key)->status, LedgerStatus::kUnknown);
  EXPECT_EQ(store_->ledgerCount("welcome"), 1);
}

TEST_F(LedgerTest, SettledRowsAreReturnedAsTheyAre) {
  std::vector<LedgerEntry> wanted{want(1), want(2)};
  store_->claimDeliveries(wanted);
  BatchCommit batch;
  batch.run_id = 1;
  batch.now_ms = 2000;
  LedgerEntry sent = want(1);
  sent.status = LedgerStatus::kSent;
  sent.detail = "msg-123";
  sent.updated_ms = 0;
  batch.ledger_updates.push_back(sent);
  store_->commitBatch(batch);

  std::vector<LedgerEntry> mixed{want(1), want(3)};
  auto claims = store_->claimDeliveries(mixed);
  EXPECT_FALSE(claims[0].created);
  EXPECT_EQ(claims[0].entry.status, LedgerStatus::kSent);
  EXPECT_EQ(claims[0].entry.detail, "msg-123");
  EXPECT_EQ(claims[0].entry.decision, "allowed");  // kept from the claim
  EXPECT_EQ(claims[0].entry.updated_ms, 2000);
  EXPECT_TRUE(claims[1].created);
  EXPECT_EQ(store_->ledgerCount("welcome"), 3);
}

TEST_F(LedgerTest, EveryPartOfTheKeyCounts) {
  std::vector<LedgerEntry> wanted{want(1, 0), want(1, 1)};
  LedgerEntry other_step = want(1);
  other_step.key.step_id = "send_sms";
  LedgerEntry other_revision = want(1);
  other_revision.key.revision = "rev2";
  wanted.push_back(other_step);
  wanted.push_back(other_revision);
  for (const auto& c : store_->claimDeliveries(wanted)) EXPECT_TRUE(c.created);
  EXPECT_EQ(store_->ledgerCount("welcome"), 4);
  EXPECT_EQ(want(7, 2).key.text(), "welcome/rev1/send_email/7/2");
}

TEST_F(LedgerTest, ASkippedDecisionIsRecordedBeforeAnyDelivery) {
  LedgerEntry no_consent = want(5);
  no_consent.decision = "no-consent";
  auto claims = store_->claimDeliveries(std::vector<LedgerEntry>{no_consent});
  EXPECT_EQ(claims[0].entry.decision, "no-consent");
  EXPECT_EQ(rawQuery(dbPath(), "SELECT decision FROM send_ledger WHERE contact_id = 5"),
            "no-consent");
}

TEST_F(LedgerTest, FailedAndSkippedKeysDeliveredNothingSoARetryReopensThem) {
  std::vector<LedgerEntry> wanted{want(1), want(2), want(3)};
  store_->claimDeliveries(wanted);
  BatchCommit batch;
  batch.run_id = 1;
  batch.now_ms = 2000;
  LedgerEntry failed = want(1);
  failed.status = LedgerStatus::kFailed;
  failed.detail = "provider busy";
  LedgerEntry skipped = want(2);
  skipped.status = LedgerStatus::kSkipped;
  LedgerEntry sent = want(3);
  sent.status = LedgerStatus::kSent;
  batch.ledger_updates = {failed, skipped, sent};
  store_->commitBatch(batch);

  LedgerEntry retry = want(1);
  retry.run_id = 2;
  auto claims = store_->claimDeliveries(std::vector<LedgerEntry>{retry, want(2), want(3)});
  EXPECT_TRUE(claims[0].created);
  EXPECT_EQ(claims[0].entry.status, LedgerStatus::kSending);
  EXPECT_EQ(store_->ledgerEntry(retry.key)->status, LedgerStatus::kSending);
  EXPECT_EQ(store_->ledgerEntry(retry.key)->run_id, 2);
  EXPECT_TRUE(claims[1].created);
  EXPECT_FALSE(claims[2].created);  // sent stays sent
  EXPECT_EQ(claims[2].entry.status, LedgerStatus::kSent);
  EXPECT_EQ(store_->ledgerCount("welcome"), 3);
}

}  // namespace
}  // namespace herald::store::testing
