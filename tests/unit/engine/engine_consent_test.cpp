// Consent and suppression at delivery, end to end: the real store, the real
// outbox plugin, the workflow's require_consent setting.
#include <fstream>

#include "engine_fixture.hpp"
#include "workflow/validate.hpp"

namespace herald::engine::testing {
namespace {

std::string textsWorkflow(const std::string& settings) {
  return R"(
name: texts
trigger: {type: manual}
)" + settings +
         R"(
steps:
  - id: text
    uses: outbox.sms
    with: {body: "Hi {{ contact.first_name }}"}
)";
}

class ConsentTest : public EngineTest {
 protected:
  // c1 said yes to SMS, c2 said no, c3 never answered.
  void addMixed() {
    addContacts(3, [](int i, store::Contact& c) {
      c.phone = "+1415555010" + std::to_string(i);
      c.consents.clear();
      if (i == 1) c.consents = {{"sms", true, "checkout", 1, "Texts about my orders"}};
      if (i == 2) c.consents = {{"sms", false, "unsubscribe-link", 1, ""}};
    });
  }

  std::string detailOf(const workflow::Workflow& wf, int64_t contact) {
    auto e = store_->ledgerEntry({wf.name, wf.revision, "text", contact, 0});
    return e ? e->detail : "none";
  }

  std::string decisionOf(const workflow::Workflow& wf, int64_t contact) {
    store::LedgerKey k{wf.name, wf.revision, "text", contact, 0};
    auto e = store_->ledgerEntry(k);
    return e ? e->decision + "/" + store::toString(e->status) : "none";
  }
};

TEST_F(ConsentTest, OnlyContactsWhoSaidYesOnTheChannelGetTheMessage) {
  addMixed();
  const auto wf = load(textsWorkflow(""));
  EXPECT_TRUE(wf.require_consent);  // the default
  auto r = run(wf);
  EXPECT_EQ(r.activity.at("text").delivered, 1);
  EXPECT_EQ(r.activity.at("text").refused, 2);
  // Refusals are not failures: the journeys went on (on_refused: continue).
  EXPECT_EQ(r.journeys.done, 3);
  EXPECT_EQ(r.journeys.failed, 0);
  const auto lines = readLines(outbox_ / "sms.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("+14155550101"), std::string::npos) << lines[0];
  EXPECT_EQ(decisionOf(wf, 1), "allowed/sent");
  EXPECT_EQ(decisionOf(wf, 2), "no-consent/refused");
  EXPECT_EQ(decisionOf(wf, 3), "no-consent/refused");
  EXPECT_TRUE(failures(r.run.id).empty());
  EXPECT_EQ(detailOf(wf, 2), "contact said no to the sms channel (unsubscribe-link)");
  EXPECT_EQ(detailOf(wf, 3),
            "contact has no consent for the sms channel (import consent_sms=yes, or set "
            "require_consent: false for transactional messages)");
}

TEST_F(ConsentTest, ATransactionalWorkflowSendsWithoutConsent) {
  addMixed();
  const auto wf = load(textsWorkflow("settings: {require_consent: false}"));
  EXPECT_FALSE(wf.require_consent);
  auto r = run(wf);
  EXPECT_EQ(r.activity.at("text").delivered, 3);
  EXPECT_EQ(readLines(outbox_ / "sms.jsonl").size(), 3u);
  EXPECT_EQ(decisionOf(wf, 2), "allowed/sent");
  EXPECT_EQ(decisionOf(wf, 3), "allowed/sent");
}

TEST_F(ConsentTest, AContactSuppressedWhileInAJourneyGetsNothingEvenTransactional) {
  addMixed();
  const auto wf = load(R"(
name: receipts
trigger: {type: manual}
settings: {require_consent: false}
steps:
  - id: pause
    uses: wait
    with: {duration: 1h}
  - id: text
    uses: outbox.sms
    with: {body: "Your receipt"}
)");
  auto r = run(wf);
  EXPECT_EQ(r.journeys.waiting, 3);
  // Suppressed after enrolment: the delivery is where it is caught.
  store_->suppressAddress("phone", "+14155550103", "complaint", clock_.nowMs());
  advance(3'600'000);
  r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(readLines(outbox_ / "sms.jsonl").size(), 2u);
  EXPECT_EQ(decisionOf(wf, 2), "allowed/sent");
  EXPECT_EQ(decisionOf(wf, 3), "suppressed/refused");
  EXPECT_TRUE(failures(r.run.id).empty());
  EXPECT_EQ(detailOf(wf, 3),
            "contact is on the suppression list (erased, bounced, complained, or suppressed with "
            "'herald contacts suppress'); nothing is delivered to them");
}

TEST_F(ConsentTest, SuppressedContactsAreNotEnrolled) {
  addMixed();
  store_->suppressAddress("phone", "+14155550103", "complaint", 1);
  const auto wf = load(textsWorkflow("settings: {require_consent: false}"));
  auto r = run(wf);
  EXPECT_EQ(r.activity.at("text").delivered, 2);
  EXPECT_EQ(decisionOf(wf, 3), "none");
}

TEST_F(ConsentTest, AnErasedContactLeavesTheRunAndIsNeverMessaged) {
  addMixed();
  ASSERT_TRUE(store_->eraseContact(1, {}, 1));
  auto r = run(load(textsWorkflow("")));
  EXPECT_EQ(r.activity.count("text") ? r.activity.at("text").delivered : 0, 0);
  EXPECT_TRUE(readLines(outbox_ / "sms.jsonl").empty());
}

TEST_F(ConsentTest, RequireConsentMustBeTrueOrFalse) {
  const auto path = dir_ / "bad.yaml";
  std::ofstream(path) << textsWorkflow("settings:\n  require_consent: sometimes");
  Diagnostics diags;
  EXPECT_FALSE(workflow::loadAndValidate(path.string(), *registry_, diags));
  ASSERT_GE(diags.items().size(), 1u);
  EXPECT_EQ(formatDiagnostic(diags.items()[0]),
            path.string() +
                ":5:20: error: 'require_consent' must be true (messages go only to contacts who "
                "consented on the channel) or false (transactional messages such as receipts)");
}

}  // namespace
}  // namespace herald::engine::testing
