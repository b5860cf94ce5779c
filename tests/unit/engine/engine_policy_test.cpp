// The delivery policy's marketing rules end to end, with an injected clock:
// frequency caps across workflows, quiet hours in the contact's zone,
// on_refused, on_unknown, and the ledger states they leave.
#include "config/daemon_config.hpp"
#include "engine_fixture.hpp"

namespace herald::engine::testing {
namespace {

std::string mailWorkflow(const std::string& name, int messages, const std::string& settings = "",
                         const std::string& step_extra = "") {
  std::string yaml = "name: " + name + "\ntrigger: {type: manual}\n" + settings + "steps:\n";
  for (int i = 1; i <= messages; ++i) {
    yaml += "  - id: mail" + std::to_string(i) +
            "\n    uses: outbox.email\n    with: {from: shop@example.com, subject: \"Hi\", "
            "text: \"Hello\"}\n" +
            step_extra;
  }
  return yaml;
}

const char* const kTexts = R"(
name: texts
trigger: {type: manual}
steps:
  - id: text
    uses: outbox.sms
    with: {body: "Hi {{ contact.first_name }}"}
)";

class PolicyTest : public EngineTest {
 protected:
  RunResult runWith(const workflow::Workflow& wf, const config::DeliveryConfig& cfg) {
    RunOptions options;
    options.delivery = std::make_shared<const config::DeliveryConfig>(cfg);
    return run(wf, options);
  }
  std::optional<store::LedgerEntry> entry(const workflow::Workflow& wf, const std::string& step,
                                          int64_t contact) {
    return store_->ledgerEntry({wf.name, wf.revision, step, contact, 0});
  }
  static config::DeliveryConfig capEmail(int max, const char* per) {
    config::DeliveryConfig cfg;
    cfg.caps["email"] = {max, *config::parseDuration(per)};
    return cfg;
  }
};

TEST_F(PolicyTest, ACapOfTwoAWeekAcrossTwoWorkflowsLetsExactlyTwoThrough) {
  addContacts(1);
  const auto cfg = capEmail(2, "7d");
  const auto first = load(mailWorkflow("welcome", 1));
  const auto second = load(mailWorkflow("promo", 2));

  auto r1 = runWith(first, cfg);
  EXPECT_EQ(r1.activity.at("mail1").delivered, 1);
  advance(3600'000);
  auto r2 = runWith(second, cfg);
  EXPECT_EQ(r2.activity.at("mail1").delivered, 1);
  EXPECT_EQ(r2.activity.at("mail2").delivered, 0);
  EXPECT_EQ(r2.activity.at("mail2").refused, 1);
  EXPECT_EQ(r2.activity.at("mail2").refused_by.at("capped"), 1);
  EXPECT_EQ(countFiles(outbox_ / "new"), 2u);

  // The third is recorded as capped, with its reason; the journey went on.
  const auto capped = entry(second, "mail2", 1);
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->status, store::LedgerStatus::kRefused);
  EXPECT_EQ(capped->decision, "capped");
  EXPECT_EQ(capped->detail,
            "frequency cap: the contact already got 2 email messages in the last 7d "
            "(delivery.caps.email: at most 2)");
  EXPECT_EQ(r2.journeys.done, 1);
  EXPECT_EQ(r2.journeys.failed, 0);
  EXPECT_EQ(counts(r2.run.id)["mail2/refused:capped"], 1);

  // A week after the first message, a new run of the same revision sends it.
  advance(7 * 86'400'000LL - 3600'000 + 1);
  auto r3 = runWith(second, cfg);
  EXPECT_EQ(r3.activity.at("mail1").already_sent, 1);
  EXPECT_EQ(r3.activity.at("mail2").delivered, 1);
  EXPECT_EQ(entry(second, "mail2", 1)->status, store::LedgerStatus::kSent);
  EXPECT_EQ(countFiles(outbox_ / "new"), 3u);
}

TEST_F(PolicyTest, ATransactionalWorkflowBypassesTheCapAndDoesNotCountAgainstIt) {
  addContacts(1);
  const auto cfg = capEmail(1, "7d");
  const auto receipts = load(mailWorkflow("receipts", 2, "settings: {require_consent: false}\n"));
  auto r = runWith(receipts, cfg);
  EXPECT_EQ(r.activity.at("mail1").delivered, 1);
  EXPECT_EQ(r.activity.at("mail2").delivered, 1);
  EXPECT_TRUE(entry(receipts, "mail1", 1)->transactional);
  // The marketing message still has its one.
  const auto news = load(mailWorkflow("news", 1));
  EXPECT_EQ(runWith(news, cfg).activity.at("mail1").delivered, 1);
}

TEST_F(PolicyTest, AnSmsDueAt23InSeoulLeavesAt08SeoulTime) {
  addContacts(1, [](int, store::Contact& c) {
    c.phone = "+821012345678";
    c.timezone = "Asia/Seoul";
  });
  const config::DeliveryConfig cfg;  // the defaults: SMS quiet 21:00-08:00
  const auto wf = load(kTexts);
  clock_.set(isoMs("2026-03-02T14:00:00Z"));  // 23:00 in Seoul (UTC+9)
  auto r = runWith(wf, cfg);
  EXPECT_EQ(r.activity.at("text").deferred, 1);
  EXPECT_EQ(r.activity.at("text").delivered, 0);
  EXPECT_EQ(r.run.status, store::RunStatus::kWaiting);
  const auto deferred = entry(wf, "text", 1);
  ASSERT_TRUE(deferred);
  EXPECT_EQ(deferred->status, store::LedgerStatus::kDeferred);
  EXPECT_EQ(deferred->decision, "quiet-hours");
  ASSERT_TRUE(deferred->until_ms);
  EXPECT_EQ(*deferred->until_ms, isoMs("2026-03-02T23:00:00Z"));  // 08:00 on the 3rd in Seoul
  EXPECT_EQ(deferred->detail,
            "quiet hours 21:00-08:00 in Asia/Seoul: deferred until 2026-03-02T23:00:00Z");
  EXPECT_EQ(r.journeys.next_wake_ms, isoMs("2026-03-02T23:00:00Z"));

  // 07:59 in Seoul: nothing is due yet.
  clock_.set(isoMs("2026-03-02T22:59:00Z"));
  r = runWith(wf, cfg);
  EXPECT_TRUE(r.resumed);
  EXPECT_FALSE(r.activity.count("text"));
  EXPECT_FALSE(std::filesystem::exists(outbox_ / "sms.jsonl"));

  // 08:00 in Seoul: it leaves, under the same key.
  clock_.set(isoMs("2026-03-02T23:00:00Z"));
  r = runWith(wf, cfg);
  EXPECT_EQ(r.activity.at("text").delivered, 1);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(readLines(outbox_ / "sms.jsonl").size(), 1u);
  EXPECT_EQ(entry(wf, "text", 1)->status, store::LedgerStatus::kSent);
  EXPECT_EQ(counts(r.run.id)["text/continue"], 1);
  EXPECT_EQ(counts(r.run.id)["text/deferred"], 1);
}

TEST_F(PolicyTest, AnSmsToAContactWithNoTimeZoneFailsClosedUnlessTheWorkspaceHasADefault) {
  addContacts(1, [](int, store::Contact& c) {
    c.phone = "+14155550100";
    c.timezone.reset();
  });
  config::DeliveryConfig cfg;
  const auto wf = load(kTexts);
  clock_.set(isoMs("2026-03-02T12:00:00Z"));
  auto r = runWith(wf, cfg);
  EXPECT_EQ(r.activity.at("text").refused_by.at("no-timezone"), 1);
  EXPECT_EQ(entry(wf, "text", 1)->detail,
            "the sms channel is quiet 21:00-08:00 in the contact's local time, and the contact "
            "has no time zone (set the contact's timezone, or delivery.default_timezone in "
            "herald.yaml)");

  // With a workspace default (12:00 UTC is 13:00 in Berlin) a new run sends it.
  cfg.default_timezone = "Europe/Berlin";
  r = runWith(wf, cfg);
  EXPECT_EQ(r.activity.at("text").delivered, 1);
  EXPECT_EQ(entry(wf, "text", 1)->status, store::LedgerStatus::kSent);
}

TEST_F(PolicyTest, OnRefusedExitEndsTheJourneyAndTheRunCountsWhereAndWhy) {
  addContacts(2, [](int i, store::Contact& c) {
    if (i == 2) c.consents.clear();
  });
  const auto wf = load(R"(
name: news
trigger: {type: manual}
steps:
  - id: mail
    uses: outbox.email
    on_refused: exit
    with: {from: shop@example.com, subject: "Hi", text: "Hello"}
  - id: after
    uses: t.echo
)");
  auto r = run(wf);
  EXPECT_EQ(r.journeys.done, 1);
  EXPECT_EQ(r.journeys.exited, 1);
  EXPECT_EQ(counts(r.run.id)["after/continue"], 1);
  const auto exits = store_->exitCounts(r.run.id);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].step_id, "mail");
  EXPECT_EQ(exits[0].reason, "delivery refused (no-consent)");
  EXPECT_EQ(exits[0].count, 1);
}

TEST_F(PolicyTest, OnRefusedABranchSendsTheJourneyThere) {
  addContacts(2, [](int i, store::Contact& c) {
    c.phone = "+1415555010" + std::to_string(i);
    if (i == 2) c.consents = {{"email", true, "test", 1, ""}};  // no SMS consent
  });
  const auto wf = load(R"(
name: reach
trigger: {type: manual}
steps:
  - id: text
    uses: outbox.sms
    on_refused: no-sms
    branches: {no-sms: mail}
    with: {body: "Hi"}
  - id: done
    uses: exit
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "Hi", text: "Hello"}
)");
  auto r = run(wf);
  EXPECT_EQ(r.activity.at("text").delivered, 1);
  EXPECT_EQ(r.activity.at("mail").delivered, 1);
  EXPECT_EQ(countFiles(outbox_ / "new"), 1u);
  EXPECT_EQ(counts(r.run.id)["text/refused:no-consent"], 1);
}

TEST_F(PolicyTest, OnUnknownSkipLetsTheJourneyGoOnWithoutResending) {
  addContacts(2);
  // Transactional would resend by default; the step says skip.
  const auto wf = load(R"(
name: mixed
trigger: {type: manual}
settings: {require_consent: false}
steps:
  - id: mail
    uses: t.deliver
    on_unknown: skip
    with: {dir: ")" + dir_.string() +
                       R"("}
)");
  store::LedgerEntry claimed;
  claimed.key = {"mixed", wf.revision, "mail", 1, 0};
  claimed.channel = "email";
  claimed.decision = "allowed";
  ASSERT_TRUE(store_->claimDeliveries(std::span(&claimed, 1)).at(0).created);
  auto r = run(wf);
  EXPECT_EQ(r.activity.at("mail").unknown, 1);
  EXPECT_EQ(r.activity.at("mail").delivered, 1);
  EXPECT_EQ(readLines(dir_ / "deliveries.log").size(), 1u);
  EXPECT_EQ(r.journeys.done, 2);  // skip: the journey goes on, not failed
  const auto e = store_->ledgerEntry(claimed.key);
  EXPECT_EQ(e->status, store::LedgerStatus::kUnknown);
  EXPECT_EQ(e->detail,
            "delivery outcome unknown after a crash (or a step that missed its deadline); not "
            "resent (on_unknown: skip)");
}

TEST_F(PolicyTest, ATransactionalStepResendsAnUnknownKeyByDefault) {
  addContacts(1);
  const auto wf = load(R"(
name: receipt
trigger: {type: manual}
settings: {require_consent: false}
steps:
  - id: mail
    uses: t.deliver
    with: {dir: ")" + dir_.string() +
                       R"("}
)");
  store::LedgerEntry claimed;
  claimed.key = {"receipt", wf.revision, "mail", 1, 0};
  claimed.channel = "email";
  claimed.decision = "allowed";
  ASSERT_TRUE(store_->claimDeliveries(std::span(&claimed, 1)).at(0).created);
  auto r = run(wf);
  EXPECT_EQ(r.activity.at("mail").redelivered, 1);
  EXPECT_EQ(readLines(dir_ / "deliveries.log").size(), 1u);
  EXPECT_EQ(store_->ledgerEntry(claimed.key)->status, store::LedgerStatus::kSent);
}

TEST_F(PolicyTest, AProviderEventNamingAnUnknownKeySettlesItAsSent) {
  addContacts(1);
  const auto wf = load(R"(
name: receipt
trigger: {type: manual}
settings: {require_consent: false}
steps:
  - id: mail
    uses: t.deliver
    with: {dir: ")" + dir_.string() +
                       R"("}
)");
  store::LedgerEntry claimed;
  claimed.key = {"receipt", wf.revision, "mail", 1, 0};
  claimed.channel = "email";
  claimed.decision = "allowed";
  ASSERT_TRUE(store_->claimDeliveries(std::span(&claimed, 1)).at(0).created);
  {
    auto events = store_->beginEventImport();
    store::Event ev;
    ev.contact_id = 1;
    ev.type = "delivered";
    ev.properties = {{"herald_key", claimed.key.text()}, {"provider", "sendgrid"}};
    ev.at_ms = clock_.nowMs();
    events->insert(ev);
    events->commit();
  }
  auto r = run(wf);
  EXPECT_EQ(r.activity.at("mail").settled_by_event, 1);
  EXPECT_EQ(r.activity.at("mail").redelivered, 0);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "deliveries.log"));  // not sent twice
  const auto e = store_->ledgerEntry(claimed.key);
  EXPECT_EQ(e->status, store::LedgerStatus::kSent);
  EXPECT_EQ(e->detail, "settled after a crash: the provider's 'delivered' event names it");
  EXPECT_EQ(r.journeys.done, 1);
}

}  // namespace
}  // namespace herald::engine::testing
