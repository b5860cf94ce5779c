#include "workflow/validate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "workflow/builtins.hpp"
#include "workflow/expression.hpp"
#include "workflow/loader.hpp"
#include "workflow/wait.hpp"

namespace herald::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::lines;

class Validate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new plugin::Registry();
    registerBuiltins(*registry_);
    registry_->loadDirectory(WFTEST_PLUGIN_DIR);
  }
  static void TearDownTestSuite() {
    delete registry_;
    registry_ = nullptr;
  }

  std::vector<std::string> check(const std::string& text) {
    Diagnostics d;
    wf_ = parseWorkflow("w.yaml", text, d);
    if (wf_) validateWorkflow(*wf_, *registry_, d);
    return lines(d);
  }

  static plugin::Registry* registry_;
  std::optional<Workflow> wf_;
};
plugin::Registry* Validate::registry_ = nullptr;

const std::string kHead = "name: t\ntrigger: manual\nsteps:\n";

TEST_F(Validate, TheTestPluginIsLoaded) {
  ASSERT_NE(registry_->find("wftest.send"), nullptr)
      << "built from tests/unit/workflow/test_plugin";
  EXPECT_THAT(registry_->refused(), IsEmpty());
}

TEST_F(Validate, AGoodWorkflowIsCleanAndCompiled) {
  EXPECT_THAT(check(kHead + R"(  - id: hello
    uses: wftest.send
    with: {subject: "Hi {{ contact.first_name }}", limits: {hourly: 5, daily: 50}}
  - id: check
    uses: condition
    with: {if: "'vip' in tags"}
    branches: {then: later, else: bye}
  - id: later
    uses: wait
    with: {duration: 2d, until: "09:00", timezone: Europe/Berlin}
    next: hello
  - id: bye
    uses: exit
)"),
              IsEmpty());
  ASSERT_TRUE(wf_->steps[1].condition);
  store::Contact c;
  c.tags = {"vip"};
  EXPECT_TRUE(evaluate(*wf_->steps[1].condition, c, {}));
  ASSERT_TRUE(wf_->steps[2].wait);
  EXPECT_EQ(wf_->steps[2].wait->duration_ms, 2 * 86'400'000LL);
  EXPECT_EQ(wf_->steps[2].wait->until_minute, 540);
  EXPECT_EQ(wf_->steps[2].wait->timezone, "Europe/Berlin");
}

TEST_F(Validate, ThreeIndependentMistakesGiveThreeErrors) {
  EXPECT_THAT(check(kHead + R"(  - id: hello
    uses: wftest.send
    with: {subject: hi, colour: red}
    next: byee
  - id: sms
    uses: wftest.snd
  - id: bye
    uses: exit
)"),
              ElementsAre("6:25: error: unknown key 'colour' in 'with' of wftest.send; known keys: "
                          "limits, mode, subject",
                          "7:11: error: step 'hello': 'next' names no step: 'byee'; did you mean "
                          "'bye'?",
                          "9:11: error: step 'sms': unknown step type 'wftest.snd'; did you mean "
                          "'wftest.send'? (`herald plugins` lists them all)"));
}

TEST_F(Validate, UnknownStepTypeWithoutACloseMatchListsTheTypes) {
  EXPECT_THAT(
      check(kHead + "  - id: a\n    uses: mailchimp\n"),
      ElementsAre(
          "5:11: error: step 'a': unknown step type 'mailchimp'; known step types: "
          "condition, exit, experiment, wait, wftest.pick and wftest.send (`herald plugins` "
          "lists them all)"));
}

TEST_F(Validate, SchemaErrorsInWith) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: wftest.send
    with:
      mode: quick
      limits: {hourly: 0}
  - id: b
    uses: wftest.send
)"),
              ElementsAre("6:5: error: missing required key 'subject' (a string of at least 1 "
                          "character) in 'with' of wftest.send",
                          "7:13: error: 'mode' must be one of \"fast\", \"slow\", got \"quick\"",
                          "8:24: error: 'limits.hourly' must be an integer of at least 1, got 0",
                          "9:5: error: missing required key 'subject' (a string of at least 1 "
                          "character) in 'with' of wftest.send"));
}

TEST_F(Validate, PluginProblemsAtAJsonPointerComeOutAtTheirLine) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: wftest.send
    with:
      subject: forbidden
      limits:
        hourly: 10
        daily: 5
)"),
              ElementsAre("7:16: error: step 'a' (wftest.send): this subject is not allowed",
                          "10:16: error: step 'a' (wftest.send): daily must be at least hourly"));
}

TEST_F(Validate, References) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: condition
    with: {if: "true"}
    branches: {then: b, else: nowhere}
  - id: b
    uses: exit
  - id: b
    uses: exit
)"),
              ElementsAre("7:31: error: step 'a': branch 'else' names no step: 'nowhere'; step "
                          "ids: a, b and b",
                          "10:5: error: duplicate step id 'b' (first used at line 8); every step "
                          "needs its own id"));
}

TEST_F(Validate, UnreachableSteps) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: wftest.send
    with: {subject: x}
    next: c
  - id: b
    uses: wftest.send
    with: {subject: x}
  - id: c
    uses: exit
  - id: d
    uses: exit
)"),
              ElementsAre("8:5: error: step 'b' is never reached: no step leads to it (the step "
                          "before it goes to 'c'); point a 'next' or a branch at it, or remove it",
                          "13:5: error: step 'd' is never reached: no step leads to it (the step "
                          "before it is an exit); point a 'next' or a branch at it, or remove it"));
}

TEST_F(Validate, LoopsNeedAWait) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: wftest.send
    with: {subject: x}
  - id: b
    uses: condition
    with: {if: "vars.n > 3"}
    branches: {then: c, else: a}
  - id: c
    uses: exit
  - id: d
    uses: wftest.send
    with: {subject: x}
    next: d
)"),
              ElementsAre("4:5: error: steps a -> b -> a form a loop with no wait step in it; a "
                          "journey would go round without end. Add a wait step to the loop or let "
                          "it end",
                          "13:5: error: step 'd' is never reached: no step leads to it (the step "
                          "before it is an exit); point a 'next' or a branch at it, or remove it",
                          "13:5: error: steps d -> d form a loop with no wait step in it; a "
                          "journey would go round without end. Add a wait step to the loop or let "
                          "it end"));
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: wftest.send
    with: {subject: x}
  - id: pause
    uses: wait
    with: {duration: 1d}
  - id: b
    uses: condition
    with: {if: "vars.n > 3"}
    branches: {then: c, else: a}
  - id: c
    uses: exit
)"),
              IsEmpty());
}

TEST_F(Validate, ConditionBranches) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: condition
    with: {if: "true"}
    next: b
    branches: {then: b, yes: b}
  - id: b
    uses: wftest.send
    with: {subject: x}
    branches: {bounced: c}
  - id: c
    uses: exit
)"),
              ElementsAre("7:11: error: step 'a': a condition goes on through its branches, not "
                          "'next'; use branches: {then: STEP, else: STEP}",
                          "8:15: error: step 'a': a condition needs both branches; add 'else: "
                          "STEP_ID' under 'branches' (then: where contacts go when the condition "
                          "holds, else: where the others go)",
                          "8:30: error: step 'a': condition never takes a branch named 'yes'; its "
                          "branches are 'then' and 'else'",
                          "12:25: error: step 'b': wftest.send never takes a branch named "
                          "'bounced'; it has no branches: its contacts go on to 'next' (or the "
                          "following step)"));
}

TEST_F(Validate, PluginBranchesNameOnlyAndAllTheDeclaredLabels) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: wftest.pick
    branches: {yes: b, maybe: c}
  - id: b
    uses: exit
  - id: c
    uses: exit
)"),
              ElementsAre("6:15: error: step 'a': wftest.pick may take any of the branches 'yes' "
                          "and 'no'; add 'no' under 'branches' (LABEL: STEP_ID)",
                          "6:31: error: step 'a': wftest.pick never takes a branch named 'maybe'; "
                          "its branches are 'yes' and 'no'"));
}

TEST_F(Validate, PluginBranchesMustAllBeNamed) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: wftest.pick
    branches: {yes: b, no: c}
  - id: b
    uses: exit
  - id: c
    uses: exit
)"),
              IsEmpty());
  // A step type that declares branches may send a contact down any of them,
  // so a step without `branches:` is a mistake, not a filter.
  const auto errors = check(kHead + R"(  - id: a
    uses: wftest.pick
  - id: b
    uses: exit
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], ::testing::StartsWith("4:"));
  EXPECT_THAT(errors[0], ::testing::HasSubstr(
                             "error: step 'a': wftest.pick may take any of the branches 'yes' and "
                             "'no'; add 'yes' and 'no' under 'branches' (LABEL: STEP_ID)"));
}

TEST_F(Validate, AnXSegmentRuleIsCheckedAtItsPlace) {
  // Waits on the segment parser (core/segment/parse.cpp).
  const auto errors = check(kHead + R"(  - id: a
    uses: wftest.pick
    with:
      who: {tags: {hass: vip}}
    branches: {yes: b, no: b}
  - id: b
    uses: exit
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], ::testing::StartsWith("7:"));
  EXPECT_THAT(errors[0], ::testing::HasSubstr("error: step 'a' (wftest.pick): "));
  EXPECT_THAT(errors[0], ::testing::HasSubstr("hass"));
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: wftest.pick
    with:
      who: [{tags: {has: vip}}]
    branches: {yes: b, no: b}
  - id: b
    uses: exit
)"),
              IsEmpty());
}

TEST_F(Validate, ExitEndsTheJourney) {
  EXPECT_THAT(check(kHead + R"(  - id: a
    uses: exit
    with: {reason: done}
    next: b
  - id: b
    uses: exit
)"),
              ElementsAre("7:11: error: step 'a': an exit step ends the journey; remove 'next'"));
}

TEST_F(Validate, ConditionSyntaxErrorsPointInsideTheExpression) {
  const std::string tail = R"(
    branches: {then: b, else: b}
  - id: b
    uses: exit
)";
  // plain, double-quoted, single-quoted, block
  EXPECT_THAT(check(kHead +
                    "  - id: a\n    uses: condition\n    with:\n      if: "
                    "attributes.orders >= 2 and contact.emial == 'x'" +
                    tail),
              ElementsAre("7:46: error: step 'a': in the condition: unknown contact field 'emial'; "
                          "known: email, phone, locale, timezone, first_name, last_name, "
                          "external_id, attributes.NAME"));
  EXPECT_THAT(check(kHead +
                    "  - id: a\n    uses: condition\n    with: {if: \"contact.locale = "
                    "'ko-KR'\"}" +
                    tail),
              ElementsAre("6:32: error: step 'a': in the condition: use '==' to compare, not '='"));
  EXPECT_THAT(check(kHead +
                    "  - id: a\n    uses: condition\n    with: {if: 'contact.locale == "
                    "''ko-KR'' &&'}" +
                    tail),
              ElementsAre("6:45: error: step 'a': in the condition: use 'and' instead of '&&'"));
  EXPECT_THAT(check(kHead +
                    "  - id: a\n    uses: condition\n    with:\n      if: >\n        "
                    "attributes.orders >= 2\n        and (tags contains 'vip'" +
                    tail),
              ElementsAre("9:33: error: step 'a': in the condition: expected ')', found the end "
                          "of the expression"));
}

TEST_F(Validate, EventExistsOnlyInEventTriggeredWorkflows) {
  const std::string step = R"(  - id: big
    uses: condition
    with: {if: "event.properties.amount > 100"}
    branches: {then: bye, else: bye}
  - id: bye
    uses: exit
)";
  EXPECT_THAT(check(kHead + step),
              ElementsAre("6:17: error: step 'big': 'event' exists only in "
                          "event-triggered workflows (trigger: {type: event, event: NAME}); this "
                          "workflow's trigger is manual"));
  EXPECT_THAT(check("name: t\ntrigger: {type: event, event: buy}\nsteps:\n" + step), IsEmpty());
  EXPECT_THAT(check(std::string("name: t\ntrigger: {type: schedule, cron: '0 9 * * *'}\nsteps:\n") +
                    R"(  - id: c
    uses: condition
    with: {if: "input.tier == 'gold'"}
    branches: {then: bye, else: bye}
  - id: bye
    uses: exit
)"),
              ElementsAre("6:17: error: step 'c': 'input' exists only in API-triggered "
                          "workflows (trigger: {type: api}); this workflow's trigger is schedule"));
}

TEST_F(Validate, WaitErrors) {
  const std::string head = kHead + "  - id: a\n    uses: wait\n";
  EXPECT_THAT(check(head + "    with: {}\n"),
              ElementsAre("6:5: error: step 'a': a wait needs 'duration' (e.g. 2d), 'until' (e.g. "
                          "\"09:00\"), or both"));
  EXPECT_THAT(check(head + "  - id: b\n    uses: exit\n"),
              ElementsAre("4:5: error: step 'a': a wait needs 'duration' (e.g. 2d), 'until' (e.g. "
                          "\"09:00\"), or both"));
  EXPECT_THAT(check(head + "    with: {duration: 2 days, until: '9am', timezone: Berlin}\n"),
              ElementsAre("6:22: error: step 'a': duration must be a length of time such as 30m, "
                          "12h, 2d or 1w (units ms, s, m, h, d, w; combined as 1d12h), got '2 "
                          "days'",
                          "6:37: error: step 'a': until must be a time of day as HH:MM (24-hour), "
                          "e.g. \"09:00\", got '9am'",
                          "6:54: error: step 'a': unknown time zone 'Berlin'; did you mean "
                          "'Europe/Berlin'?"));
  EXPECT_THAT(check(head + "    with: {duration: 2d, timezone: Europe/Paris}\n"),
              ElementsAre("6:26: warning: step 'a': timezone only matters with 'until'; it is "
                          "ignored here"));
  EXPECT_THAT(check(head + "    with: {duration: 2d, unit: days}\n"),
              ElementsAre("6:26: error: unknown key 'unit' in 'with' of wait (did you mean "
                          "'until'?); known keys: duration, timezone, until"));
}

TEST_F(Validate, LoadAndValidateReturnsTheWorkflowOnlyWhenClean) {
  Diagnostics d;
  EXPECT_FALSE(loadAndValidate("/nonexistent.yaml", *registry_, d));
  EXPECT_EQ(d.errorCount(), 1u);
}

}  // namespace
}  // namespace herald::workflow
