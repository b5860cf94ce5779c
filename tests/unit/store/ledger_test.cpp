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

TEST_F(LedgerTest, ARefusedOrDeferredClaimIsStoredSoAndAReclaimDecidesAgain) {
  LedgerEntry capped = want(1);
  capped.status = LedgerStatus::kRefused;
  capped.decision = "capped";
  capped.detail = "frequency cap";
  LedgerEntry quiet = want(2);
  quiet.status = LedgerStatus::kDeferred;
  quiet.decision = "quiet-hours";
  quiet.until_ms = 9000;
  auto claims = store_->claimDeliveries(std::vector<LedgerEntry>{capped, quiet});
  EXPECT_TRUE(claims[0].created);
  EXPECT_EQ(store_->ledgerEntry(capped.key)->status, LedgerStatus::kRefused);
  EXPECT_EQ(store_->ledgerEntry(capped.key)->detail, "frequency cap");
  const auto deferred = store_->ledgerEntry(quiet.key);
  EXPECT_EQ(deferred->status, LedgerStatus::kDeferred);
  EXPECT_EQ(deferred->until_ms, 9000);

  // Nothing went out under either key: a later claim is created again, as
  // the policy now decides (the quiet hours are over).
  LedgerEntry later = want(2);
  later.updated_ms = 9000;
  claims = store_->claimDeliveries(std::vector<LedgerEntry>{want(1), later});
  EXPECT_TRUE(claims[0].created);
  EXPECT_TRUE(claims[1].created);
  const auto reopened = store_->ledgerEntry(quiet.key);
  EXPECT_EQ(reopened->status, LedgerStatus::kSending);
  EXPECT_EQ(reopened->decision, "allowed");
  EXPECT_FALSE(reopened->until_ms);
  EXPECT_EQ(store_->ledgerCount("welcome"), 2);
}

TEST_F(LedgerTest, AQueuedKeyIsHandedOverAgainLater) {
  store_->claimDeliveries(std::vector<LedgerEntry>{want(1)});
  BatchCommit batch;
  batch.run_id = 1;
  batch.now_ms = 2000;
  LedgerEntry queued = want(1);
  queued.status = LedgerStatus::kQueued;  // the provider said 429
  batch.ledger_updates = {queued};
  store_->commitBatch(batch);
  EXPECT_EQ(store_->ledgerEntry(queued.key)->status, LedgerStatus::kQueued);
  EXPECT_TRUE(store_->claimDeliveries(std::vector<LedgerEntry>{want(1)})[0].created);
}

TEST_F(LedgerTest, RecentSendsCountsMarketingMessagesOfTheChannelInTheWindowAcrossWorkflows) {
  auto at = [&](const char* workflow, const char* channel, LedgerStatus status, int64_t ms,
                bool transactional = false) {
    LedgerEntry e = want(1);
    e.key.workflow = workflow;
    e.key.step_id = std::string(channel) + std::to_string(ms);
    e.channel = channel;
    e.status = status;
    e.updated_ms = ms;
    e.transactional = transactional;
    store_->claimDeliveries(std::vector<LedgerEntry>{e});
  };
  at("a", "email", LedgerStatus::kSending, 1000);
  at("b", "email", LedgerStatus::kSending, 5000);
  at("c", "email", LedgerStatus::kSending, 6000, true);  // a receipt
  at("d", "email", LedgerStatus::kRefused, 6000);        // nothing went out
  at("e", "email", LedgerStatus::kDeferred, 6000);
  at("f", "sms", LedgerStatus::kSending, 6000);
  EXPECT_EQ(store_->recentSends(1, "email", 0), 2);
  EXPECT_EQ(store_->recentSends(1, "email", 1000), 1);  // the window is (since, now]
  EXPECT_EQ(store_->recentSends(1, "sms", 0), 1);
  EXPECT_EQ(store_->recentSends(2, "email", 0), 0);
}

TEST_F(LedgerTest, AStartingRunTurnsItsRowsLeftSendingIntoUnknown) {
  LedgerEntry other_run = want(2);
  other_run.run_id = 2;
  store_->claimDeliveries(std::vector<LedgerEntry>{want(1), other_run});
  reopen();
  EXPECT_EQ(store_->markInterruptedSends(1, 5000), 1);
  EXPECT_EQ(store_->ledgerEntry(want(1).key)->status, LedgerStatus::kUnknown);
  EXPECT_EQ(store_->ledgerEntry(want(1).key)->updated_ms, 5000);
  EXPECT_EQ(store_->ledgerEntry(other_run.key)->status, LedgerStatus::kSending);
  LedgerFilter unknown;
  unknown.status = LedgerStatus::kUnknown;
  ASSERT_EQ(store_->listLedger(unknown).size(), 1u);
  EXPECT_EQ(store_->listLedger(unknown)[0].key.contact_id, 1);
}

TEST_F(LedgerTest, AnEventNamingTheKeyIsEvidenceThatItWasSent) {
  auto import = store_->beginContactImport();
  Contact c;
  c.email = "ann@example.com";
  const int64_t id = import->upsert(c);
  import->commit();
  const LedgerKey key = want(id).key;
  EXPECT_FALSE(store_->deliveryEvidence(key));
  auto events = store_->beginEventImport();
  Event other;
  other.contact_id = id;
  other.type = "open";
  other.properties = {{"ledger_key", "welcome/rev1/send_email/" + std::to_string(id) + "/1"}};
  other.at_ms = 1;
  events->insert(other);
  Event bounce = other;
  bounce.type = "bounced";
  bounce.properties = {{"ledger_key", key.text()}};
  bounce.at_ms = 2;
  events->insert(bounce);
  events->commit();
  EXPECT_EQ(store_->deliveryEvidence(key), "bounced");
}

TEST_F(LedgerTest, ListingFiltersByWorkflowContactAndStateNewestFirst) {
  LedgerEntry a = want(1);
  LedgerEntry b = want(2);
  b.updated_ms = 3000;
  LedgerEntry c = want(2);
  c.key.workflow = "promo";
  c.status = LedgerStatus::kRefused;
  c.decision = "capped";
  c.updated_ms = 2000;
  store_->claimDeliveries(std::vector<LedgerEntry>{a, b, c});
  auto keys = [&](const LedgerFilter& f) {
    std::string out;
    for (const auto& e : store_->listLedger(f)) out += (out.empty() ? "" : " ") + e.key.text();
    return out;
  };
  EXPECT_EQ(keys({}),
            "welcome/rev1/send_email/2/0 promo/rev1/send_email/2/0 welcome/rev1/send_email/1/0");
  EXPECT_EQ(keys({"promo", std::nullopt, std::nullopt, 100}), "promo/rev1/send_email/2/0");
  EXPECT_EQ(keys({"", 1, std::nullopt, 100}), "welcome/rev1/send_email/1/0");
  EXPECT_EQ(keys({"", std::nullopt, LedgerStatus::kRefused, 100}), "promo/rev1/send_email/2/0");
  EXPECT_EQ(keys({"", std::nullopt, std::nullopt, 1}), "welcome/rev1/send_email/2/0");
}

TEST(LedgerKeyText, ParsesBackFromTheRight) {
  const LedgerKey k{"spring/sale", "abc123", "send-sms", 42, 65537};
  const auto back = parseLedgerKey(k.text());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->workflow, "spring/sale");
  EXPECT_EQ(back->revision, "abc123");
  EXPECT_EQ(back->step_id, "send-sms");
  EXPECT_EQ(back->contact_id, 42);
  EXPECT_EQ(back->occurrence, 65537);
  for (const char* bad : {"", "a/b/c/1", "w/r/s/x/0", "w/r/s/1/", "/r/s/1/0", "w/r//1/0"})
    EXPECT_FALSE(parseLedgerKey(bad)) << bad;
}

}  // namespace
}  // namespace herald::store::testing
