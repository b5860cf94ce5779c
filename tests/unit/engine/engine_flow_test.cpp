// Contacts through a workflow: built-ins, branches, the real outbox, counts.
#include <fstream>
#include <sstream>

#include "engine_fixture.hpp"

namespace herald::engine::testing {
namespace {

const char* const kThreeSteps = R"(
name: spring
trigger: {type: manual}
settings: {batch_size: 64}
steps:
  - id: route
    uses: condition
    with: {if: "attributes.plan == 'pro'"}
    branches: {then: email, else: sms}
  - id: email
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "Hi {{ contact.first_name | default: 'there' }}, your {{ contact.attributes.plan }} plan"
      text: "Code {{ vars.code | default: 'SPRING' }}"
    next: bye
  - id: sms
    uses: outbox.sms
    with: {body: "Hi {{ contact.first_name }}: spring sale!"}
    next: bye
  - id: bye
    uses: exit
)";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(EngineTest, EveryContactPassesEachStepOfItsPathOnce) {
  addContacts(1000, [](int i, store::Contact& c) {
    c.attributes["plan"] = i % 4 == 0 ? "pro" : "free";
    c.phone = "+4915100000" + std::to_string(1000 + i);
  });
  const auto wf = load(kThreeSteps);
  const auto r = run(wf);
  EXPECT_FALSE(r.resumed);
  EXPECT_EQ(r.enrolled_now, 1000);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  auto c = counts(r.run.id);
  EXPECT_EQ(c["route/branch:then"], 250);
  EXPECT_EQ(c["route/branch:else"], 750);
  EXPECT_EQ(c["email/continue"], 250);
  EXPECT_EQ(c["sms/continue"], 750);
  EXPECT_EQ(c["bye/exit"], 1000);
  EXPECT_EQ(r.journeys.done, 1000);  // the exit step is the workflow's own end
  EXPECT_EQ(r.journeys.exited, 0);
  EXPECT_EQ(r.journeys.active + r.journeys.waiting + r.journeys.failed, 0);
  EXPECT_EQ(r.activity.at("email").delivered, 250);
  EXPECT_EQ(r.activity.at("sms").delivered, 750);
  EXPECT_EQ(countFiles(outbox_ / "new"), 250u);
  EXPECT_EQ(readLines(outbox_ / "sms.jsonl").size(), 750u);
  EXPECT_EQ(store_->ledgerCount("spring"), 1000);
}

TEST_F(EngineTest, TemplatedFieldsAreRenderedPerContact) {
  addContacts(2, [](int i, store::Contact& c) {
    c.attributes["plan"] = "pro";
    if (i == 2) c.first_name.reset();
  });
  const auto r = run(load(kThreeSteps));
  ASSERT_EQ(r.activity.at("email").delivered, 2);
  std::vector<std::string> subjects;
  for (const auto& e : std::filesystem::directory_iterator(outbox_ / "new")) {
    std::string text = slurp(e.path());
    auto at = text.find("Subject: ");
    ASSERT_NE(at, std::string::npos) << text;
    subjects.push_back(text.substr(at, text.find('\r', at) - at));
    EXPECT_NE(text.find("Code SPRING"), std::string::npos) << text;
  }
  std::sort(subjects.begin(), subjects.end());
  EXPECT_EQ(subjects, (std::vector<std::string>{"Subject: Hi User1, your pro plan",
                                                "Subject: Hi there, your pro plan"}));
}

TEST_F(EngineTest, LimitCapsEnrolmentAndARerunEnrolsNoMore) {
  addContacts(100);
  const auto wf = load(R"(
name: small
trigger: {type: manual}
steps:
  - id: note
    uses: t.echo
    with: {note: "for {{ contact.email }}"}
)");
  RunOptions o;
  o.limit = 10;
  const auto r = run(wf, o);
  EXPECT_EQ(r.enrolled_now, 10);
  EXPECT_EQ(r.run.enrolled_count, 10);
  EXPECT_EQ(counts(r.run.id)["note/continue"], 10);
  EXPECT_EQ(r.journeys.done, 10);
}

TEST_F(EngineTest, ABranchThePluginNeverDeclaredFailsOnlyThatJourney) {
  addContacts(3, [](int i, store::Contact& c) {
    c.attributes["route"] = i == 1 ? "left" : i == 2 ? "right" : "sideways";
  });
  auto wf = load(R"(
name: routes
trigger: {type: manual}
steps:
  - id: pick
    uses: t.route
    branches: {left: l, right: r}
  - id: l
    uses: t.echo
    next: end
  - id: r
    uses: t.echo
    next: end
  - id: end
    uses: exit
)");
  const auto r = run(wf);
  auto c = counts(r.run.id);
  EXPECT_EQ(c["pick/branch:left"], 1);
  EXPECT_EQ(c["pick/branch:right"], 1);
  EXPECT_EQ(c["pick/fail"], 1);
  EXPECT_EQ(c["l/continue"], 1);
  EXPECT_EQ(c["r/continue"], 1);
  EXPECT_EQ(c["end/exit"], 2);
  const auto f = failures(r.run.id);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].step_id, "pick");
  EXPECT_NE(f[0].reason.find("returned the branch 'sideways', which it never declared"),
            std::string::npos)
      << f[0].reason;
}

TEST_F(EngineTest, AStepThatAsksToWaitIsCalledAgainLater) {
  addContacts(2);
  const auto wf = load(R"(
name: later
trigger: {type: manual}
steps:
  - id: hold
    uses: t.later
  - id: after
    uses: t.echo
)");
  auto r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kWaiting);
  EXPECT_EQ(r.journeys.waiting, 2);
  EXPECT_EQ(r.journeys.next_wake_ms, clock_.nowMs() + 3'600'000);
  advance(3'600'000);
  r = run(wf);
  EXPECT_TRUE(r.resumed);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  auto c = counts(r.run.id);
  EXPECT_EQ(c["hold/wait"], 2);
  EXPECT_EQ(c["hold/continue"], 2);
  EXPECT_EQ(c["after/continue"], 2);
}

TEST_F(EngineTest, APlanWithATemplateErrorPointsAtTheField) {
  const auto wf = load(R"(
name: typo
trigger: {type: manual}
steps:
  - id: note
    uses: t.echo
    with:
      note: "Hi {{ contact.frist_name }}"
)");
  Diagnostics diags;
  EXPECT_EQ(RunPlan::build(wf, *registry_, diags), nullptr);
  ASSERT_EQ(diags.errorCount(), 1u);
  const auto& d = diags.items()[0];
  EXPECT_EQ(d.pos.line, 8);
  EXPECT_EQ(d.pos.column, 28);  // at the field inside the template
  EXPECT_NE(d.message.find("step 'note' (t.echo), note: unknown contact field 'frist_name'"),
            std::string::npos)
      << d.message;
}

}  // namespace
}  // namespace herald::engine::testing
