// Delivery steps and the send ledger: claims before delivery, no second
// delivery of a key, unknown outcomes after a crash, dry runs.
#include "engine_fixture.hpp"

namespace herald::engine::testing {
namespace {

std::string deliverWorkflow(const std::filesystem::path& dir) {
  return R"(
name: news
trigger: {type: manual}
steps:
  - id: mail
    uses: t.deliver
    with:
      dir: ")" +
         dir.string() + R"("
      subject: "News for {{ contact.first_name }}"
  - id: after
    uses: t.echo
)";
}

const char* const kOutboxEmail = R"(
name: outbox
trigger: {type: manual}
steps:
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "Hi {{ contact.first_name }}", text: "Hello"}
)";

store::LedgerKey keyOf(const std::string& workflow, const std::string& revision,
                       const std::string& step, int64_t contact) {
  store::LedgerKey k;
  k.workflow = workflow;
  k.revision = revision;
  k.step_id = step;
  k.contact_id = contact;
  k.occurrence = 0;
  return k;
}

TEST_F(EngineTest, ADryRunDeliversNothingWritesNoLedgerRowAndShowsASample) {
  addContacts(20);
  const auto wf = load(kOutboxEmail);
  RunOptions dry;
  dry.dry_run = true;
  auto r = run(wf, dry);
  EXPECT_TRUE(r.run.dry_run);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(store_->ledgerCount("outbox"), 0);
  EXPECT_EQ(countFiles(outbox_ / "new"), 0u);
  EXPECT_EQ(r.activity.at("mail").delivered, 20);  // would have been
  ASSERT_EQ(r.samples.size(), 1u);
  EXPECT_EQ(r.samples[0].step_id, "mail");
  EXPECT_NE(r.samples[0].text.find("Subject: Hi User"), std::string::npos) << r.samples[0].text;

  // The real run afterwards is a run of its own and sends everything.
  r = run(wf);
  EXPECT_FALSE(r.run.dry_run);
  EXPECT_FALSE(r.resumed);
  EXPECT_EQ(r.activity.at("mail").delivered, 20);
  EXPECT_EQ(countFiles(outbox_ / "new"), 20u);
  EXPECT_EQ(store_->ledgerCount("outbox"), 20);
}

TEST_F(EngineTest, ARerunOfTheSameRevisionSendsNothingTwice) {
  addContacts(30);
  const auto wf = load(deliverWorkflow(dir_));
  auto first = run(wf);
  EXPECT_EQ(first.activity.at("mail").delivered, 30);
  auto second = run(wf);
  EXPECT_NE(second.run.id, first.run.id);  // the first one is done: a new run
  EXPECT_EQ(second.activity.at("mail").delivered, 0);
  EXPECT_EQ(second.activity.at("mail").already_sent, 30);
  EXPECT_EQ(counts(second.run.id)["mail/continue"], 30);  // journeys still go on
  EXPECT_EQ(counts(second.run.id)["after/continue"], 30);
  EXPECT_EQ(readLines(dir_ / "deliveries.log").size(), 30u);
  EXPECT_EQ(store_->ledgerCount("news"), 30);
  const auto e = store_->ledgerEntry(keyOf("news", wf.revision, "mail", 1));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, store::LedgerStatus::kSent);
  EXPECT_EQ(e->decision, "allowed");
  EXPECT_EQ(e->run_id, first.run.id);
}

TEST_F(EngineTest, AKeyLeftSendingByACrashIsNotResentByANonIdempotentStep) {
  addContacts(3);
  const auto wf = load(deliverWorkflow(dir_));
  // What a crash between the claim and the commit leaves behind.
  store::LedgerEntry claimed;
  claimed.key = keyOf("news", wf.revision, "mail", 2);
  claimed.channel = "email";
  claimed.decision = "allowed";
  claimed.run_id = 0;
  ASSERT_TRUE(store_->claimDeliveries(std::span(&claimed, 1)).at(0).created);

  auto r = run(wf);
  EXPECT_EQ(r.activity.at("mail").delivered, 2);
  EXPECT_EQ(r.activity.at("mail").unknown, 1);
  const auto lines = readLines(dir_ / "deliveries.log");
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& l : lines) EXPECT_EQ(l.find(" 2 "), std::string::npos) << l;
  // Marketing (on_unknown: skip by default): not resent, and the journey goes on.
  EXPECT_TRUE(failures(r.run.id).empty());
  EXPECT_EQ(counts(r.run.id)["after/continue"], 3);
  const auto e = store_->ledgerEntry(claimed.key);
  EXPECT_EQ(e->status, store::LedgerStatus::kUnknown);
  EXPECT_EQ(e->detail,
            "delivery outcome unknown after a crash (or a step that missed its deadline); not "
            "resent (on_unknown: skip)");
}

TEST_F(EngineTest, AKeyLeftSendingByACrashIsDeliveredAgainByAnIdempotentStep) {
  addContacts(3);
  const auto wf = load(kOutboxEmail);
  store::LedgerEntry claimed;
  claimed.key = keyOf("outbox", wf.revision, "mail", 2);
  claimed.channel = "email";
  claimed.decision = "allowed";
  ASSERT_TRUE(store_->claimDeliveries(std::span(&claimed, 1)).at(0).created);

  auto r = run(wf);
  EXPECT_EQ(r.activity.at("mail").redelivered, 1);
  EXPECT_EQ(r.activity.at("mail").delivered, 3);
  EXPECT_EQ(r.journeys.done, 3);
  EXPECT_EQ(countFiles(outbox_ / "new"), 3u);
  EXPECT_EQ(store_->ledgerEntry(claimed.key)->status, store::LedgerStatus::kSent);
}

TEST_F(EngineTest, AContactWithoutAnAddressIsRefusedWithoutCallingTheStep) {
  addContacts(3, [](int i, store::Contact& c) {
    if (i == 3) c.phone = "+14155550100";
  });
  const auto wf = load(R"(
name: texts
trigger: {type: manual}
steps:
  - id: text
    uses: outbox.sms
    with: {body: "Hi {{ contact.first_name }}"}
)");
  auto r = run(wf);
  EXPECT_EQ(r.activity.at("text").refused, 2);
  EXPECT_EQ(r.activity.at("text").delivered, 1);
  EXPECT_EQ(readLines(outbox_ / "sms.jsonl").size(), 1u);
  EXPECT_TRUE(failures(r.run.id).empty());
  const auto e = store_->ledgerEntry(keyOf("texts", wf.revision, "text", 1));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->decision, "no-address");
  EXPECT_EQ(e->status, store::LedgerStatus::kRefused);
  EXPECT_EQ(e->detail, "contact has no phone number for the sms channel");
}

TEST_F(EngineTest, ARetriedDeliveryReopensItsFailedKeyAndDeliversOnce) {
  addContacts(2, [](int i, store::Contact& c) { c.attributes["flaky"] = i == 1; });
  const auto wf = load(deliverWorkflow(dir_));
  auto r = run(wf);
  const auto key = keyOf("news", wf.revision, "mail", 1);
  EXPECT_EQ(store_->ledgerEntry(key)->status, store::LedgerStatus::kFailed);
  EXPECT_EQ(store_->ledgerEntry(key)->detail, "provider busy");
  EXPECT_EQ(r.journeys.active, 1);  // retried after the default backoff of 1m
  advance(60'000);
  r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(r.activity.at("mail").delivered, 1);
  EXPECT_EQ(store_->ledgerEntry(key)->status, store::LedgerStatus::kSent);
  EXPECT_EQ(readLines(dir_ / "deliveries.log").size(), 2u);
  EXPECT_EQ(store_->ledgerCount("news"), 2);
  auto c = counts(r.run.id);
  EXPECT_EQ(c["mail/retry"], 1);
  EXPECT_EQ(c["mail/continue"], 2);
}

}  // namespace
}  // namespace herald::engine::testing
