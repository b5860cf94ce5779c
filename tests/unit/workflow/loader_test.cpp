#include "workflow/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "workflow/cron.hpp"

namespace herald::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::lines;

struct Loaded {
  std::optional<Workflow> wf;
  std::vector<std::string> diags;
};

Loaded load(const std::string& text) {
  Diagnostics d;
  Loaded l;
  l.wf = parseWorkflow("w.yaml", text, d);
  l.diags = lines(d);
  return l;
}

const char* const kGood = R"(name: welcome-series
description: Greets new customers
trigger:
  type: schedule
  cron: "0 9 * * MON"
  timezone: Europe/Berlin
audience:
  - attribute: plan
    equals: pro
  - field: email
    exists: true
  - tag: vip
  - attribute: orders
    not_equals: 0
settings:
  batch_size: 200
steps:
  - id: welcome
    uses: outbox.email
    with:
      subject: "Welcome, {{ contact.first_name }}"
      to: {name: x}
    next: check
    retry: {max_attempts: 5, backoff: 2m}
  - id: check
    description: Korean contacts get an SMS
    uses: condition
    with: {if: "contact.locale == 'ko-KR'"}
    branches: {then: sms, else: done}
  - id: sms
    uses: outbox.sms
  - id: done
    uses: exit
)";

TEST(Loader, ReadsEveryKey) {
  auto l = load(kGood);
  ASSERT_TRUE(l.wf);
  EXPECT_THAT(l.diags, IsEmpty());
  const Workflow& wf = *l.wf;
  EXPECT_EQ(wf.name, "welcome-series");
  EXPECT_EQ(wf.description, "Greets new customers");
  EXPECT_EQ(wf.trigger.kind, Trigger::Kind::kSchedule);
  EXPECT_EQ(wf.trigger.cron, "0 9 * * MON");
  EXPECT_EQ(wf.trigger.timezone, "Europe/Berlin");
  ASSERT_TRUE(wf.trigger.schedule);
  EXPECT_EQ(wf.trigger.schedule->text(), "0 9 * * MON");
  EXPECT_EQ(wf.batch_size, 200);
  ASSERT_EQ(wf.audience.all.size(), 4u);
  EXPECT_EQ(wf.audience.all[0].field, "attributes.plan");
  EXPECT_EQ(wf.audience.all[0].op, "eq");
  EXPECT_EQ(wf.audience.all[0].value, "pro");
  EXPECT_EQ(wf.audience.all[1].field, "email");
  EXPECT_EQ(wf.audience.all[1].op, "exists");
  EXPECT_EQ(wf.audience.all[1].value, true);
  EXPECT_EQ(wf.audience.all[2].field, "tag");
  EXPECT_EQ(wf.audience.all[2].op, "has");
  EXPECT_EQ(wf.audience.all[2].value, "vip");
  EXPECT_EQ(wf.audience.all[3].op, "ne");
  EXPECT_EQ(wf.audience.all[3].value, 0);
  ASSERT_EQ(wf.steps.size(), 4u);
  const Step& s = wf.steps[0];
  EXPECT_EQ(s.id, "welcome");
  EXPECT_EQ(s.uses, "outbox.email");
  EXPECT_EQ(s.config["subject"], "Welcome, {{ contact.first_name }}");
  EXPECT_EQ(s.next, "check");
  EXPECT_EQ(s.retry.max_attempts, 5);
  EXPECT_EQ(s.retry.backoff_ms, 120'000);
  EXPECT_EQ(s.pos.line, 18);
  EXPECT_EQ(s.pos.column, 5);
  EXPECT_EQ(s.uses_pos.line, 19);
  EXPECT_EQ(s.uses_pos.column, 11);
  EXPECT_EQ(s.next_pos.line, 23);
  EXPECT_EQ(s.config_positions.at("/subject").line, 21);
  EXPECT_EQ(s.config_positions.at("/subject").column, 16);
  EXPECT_EQ(s.config_positions.at("/subject#key").column, 7);
  EXPECT_EQ(s.config_positions.at("/to/name").line, 22);
  EXPECT_EQ(wf.steps[1].description, "Korean contacts get an SMS");
  EXPECT_EQ(wf.steps[1].branches.at("then"), "sms");
  EXPECT_EQ(wf.steps[1].branch_pos.at("else").line, 29);
  EXPECT_EQ(wf.steps[2].config, nlohmann::json::object());
  EXPECT_EQ(wf.nextOf(wf.steps[0]), "check");
  EXPECT_EQ(wf.nextOf(wf.steps[2]), "done");
  EXPECT_EQ(wf.nextOf(wf.steps[3]), std::nullopt);
  EXPECT_EQ(wf.find("sms"), &wf.steps[2]);
  EXPECT_EQ(wf.find("nope"), nullptr);
}

TEST(Loader, RevisionIsTheSha256OfTheText) {
  auto l = load(kGood);
  ASSERT_TRUE(l.wf);
  EXPECT_EQ(l.wf->revision, sha256Hex(kGood));
  EXPECT_EQ(l.wf->source, kGood);
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Loader, YamlSyntaxErrorAtLineAndColumn) {
  auto l = load("name: x\nsteps:\n  - id: a\n    uses: [exit\n");
  EXPECT_FALSE(l.wf);
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_THAT(l.diags[0], ::testing::StartsWith("5:1: error: YAML syntax error: "));
  l = load("name: x\n  bad: indent\n");
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_THAT(l.diags[0], ::testing::StartsWith("2:6: error: YAML syntax error: "));
}

TEST(Loader, EmptyOrNonMappingFile) {
  EXPECT_THAT(
      load("").diags,
      ElementsAre("1:1: error: the file is empty; a workflow needs name, trigger and steps"));
  EXPECT_THAT(load("- a\n- b\n").diags,
              ElementsAre("1:1: error: a workflow file must be a mapping with name, trigger and "
                          "steps"));
}

TEST(Loader, MissingAndUnknownTopLevelKeys) {
  EXPECT_THAT(load("nmae: x\ndescription: d\n").diags,
              ElementsAre("1:1: error: unknown key 'nmae' at the top of the workflow (did you mean "
                          "'name'?); known keys: name, description, trigger, audience, settings "
                          "and steps",
                          "1:1: error: missing 'name' (e.g. name: welcome-series)",
                          "1:1: error: missing 'trigger' (e.g. trigger: {type: manual})",
                          "1:1: error: missing 'steps': a workflow needs at least one step"));
}

TEST(Loader, WrongTypesAndValues) {
  auto l = load(R"(name: Welcome Series
trigger: manual
settings: {batch_size: ten, colour: red}
steps:
  - id: a
    uses: exit
    with: [1]
    retry: {max_attempts: 0, backoff: soon}
  - uses: {x: 1}
    nxt: a
)");
  EXPECT_THAT(
      l.diags,
      ElementsAre(
          "1:7: error: name must be lower-case letters, digits, '-' and '_', starting with a "
          "letter or digit (at most 64), e.g. welcome-series; got 'Welcome Series'",
          "3:24: error: 'batch_size' must be a whole number from 1 to 10000, got 'ten'",
          "3:29: error: unknown key 'colour' in settings; known keys: batch_size",
          "7:11: error: 'with' must be a mapping of the step's settings",
          "8:27: error: 'max_attempts' must be a whole number from 1 to 100, got '0'",
          "8:39: error: 'backoff' must be a length of time such as 30s, 5m or 1h, got 'soon'",
          "9:5: error: this step has no 'id'; add one such as id: send-welcome",
          "9:11: error: 'uses' must be text, not a mapping",
          "10:5: error: unknown key 'nxt' in a step (did you mean 'next'?); the step type's own "
          "settings go under 'with:'; known keys: id, uses, with, next, branches, retry and "
          "description"));
}

TEST(Loader, StepWithoutUses) {
  EXPECT_THAT(load("name: x\ntrigger: manual\nsteps:\n  - id: a\n").diags,
              ElementsAre("4:5: error: step 'a' has no 'uses': name its step type (see `herald "
                          "plugins`), e.g. uses: outbox.email"));
}

TEST(Loader, DuplicateKeys) {
  EXPECT_THAT(load("name: x\ntrigger: manual\nname: y\nsteps:\n  - id: a\n    uses: exit\n    "
                   "with: {reason: a, reason: b}\n")
                  .diags,
              ElementsAre("3:1: error: duplicate key 'name' (first at line 1); each key may "
                          "appear once",
                          "7:23: error: duplicate key 'reason' (first at line 7); each key may "
                          "appear once"));
}

TEST(Loader, Triggers) {
  const std::string steps = "steps:\n  - id: a\n    uses: exit\n";
  auto l = load("name: x\ntrigger: {type: event, event: signup}\n" + steps);
  EXPECT_THAT(l.diags, IsEmpty());
  EXPECT_EQ(l.wf->trigger.kind, Trigger::Kind::kEvent);
  EXPECT_EQ(l.wf->trigger.event_type, "signup");

  l = load("name: x\ntrigger: manual\n" + steps);
  EXPECT_EQ(l.wf->trigger.kind, Trigger::Kind::kManual);

  EXPECT_THAT(load("name: x\ntrigger: {type: sheduled}\n" + steps).diags,
              ElementsAre("2:17: error: unknown trigger type 'sheduled'; did you mean 'schedule'? "
                          "use manual, schedule or event"));
  EXPECT_THAT(load("name: x\ntrigger: {type: schedule}\n" + steps).diags,
              ElementsAre("2:10: error: a schedule trigger needs 'cron', e.g. cron: \"0 9 * * "
                          "MON\" (Mondays at 09:00)"));
  EXPECT_THAT(load("name: x\ntrigger: {type: event}\n" + steps).diags,
              ElementsAre("2:10: error: an event trigger needs 'event': the event type that "
                          "enrols a contact, e.g. event: signup"));
  EXPECT_THAT(load("name: x\ntrigger: {type: manual, cron: '* * * * *'}\n" + steps).diags,
              ElementsAre("2:25: error: 'cron' is only used by schedule triggers; this trigger is "
                          "manual"));
  EXPECT_THAT(load("name: x\ntrigger: schedule\n" + steps).diags,
              ElementsAre("2:10: error: a schedule trigger needs a cron line, e.g. trigger: "
                          "{type: schedule, cron: \"0 9 * * MON\", timezone: Europe/Berlin}"));
  EXPECT_THAT(load("name: x\ntrigger: {tpye: manual}\n" + steps).diags,
              ElementsAre("2:10: error: the trigger needs a 'type': manual, schedule or event",
                          "2:11: error: unknown key 'tpye' in the trigger (did you mean 'type'?); "
                          "known keys: type, cron, timezone and event"));
}

TEST(Loader, CronAndTimeZoneErrorsPointInsideTheValue) {
  const std::string steps = "steps:\n  - id: a\n    uses: exit\n";
  EXPECT_THAT(load("name: x\ntrigger:\n  type: schedule\n  cron: \"0 9 * * MOM\"\n  timezone: "
                   "Europe/Berlinn\n" +
                   steps)
                  .diags,
              ElementsAre("4:18: error: invalid cron expression: 'MOM' is not a valid day of "
                          "week; use 0-7 or SUN-SAT",
                          "5:13: error: unknown time zone 'Europe/Berlinn'; did you mean "
                          "'Europe/Berlin'?"));
  EXPECT_THAT(load("name: x\ntrigger:\n  type: schedule\n  cron: 0 25 * * *\n" + steps).diags,
              ElementsAre("4:11: error: invalid cron expression: hour must be 0-23, got 25"));
}

TEST(Loader, AudienceErrors) {
  const std::string head = "name: x\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n";
  EXPECT_THAT(load(head + "audience:\n  - field: emial\n    exists: true\n").diags,
              ElementsAre("7:12: error: unknown contact field 'emial'; did you mean 'email'? "
                          "fields: email, phone, locale, timezone, first_name, last_name and "
                          "external_id (use 'attribute:' for imported attributes)"));
  EXPECT_THAT(load(head + "audience:\n  - attribute: plan\n").diags,
              ElementsAre("7:5: error: each audience condition needs exactly one of 'equals', "
                          "'not_equals' or 'exists'"));
  EXPECT_THAT(load(head + "audience:\n  - attribute: plan\n    tag: vip\n    equals: 1\n").diags,
              ElementsAre("7:5: error: each audience condition names exactly one of 'attribute', "
                          "'field' or 'tag'"));
  EXPECT_THAT(load(head + "audience:\n  - attribute: plan\n    exists: maybe\n").diags,
              ElementsAre("8:13: error: 'exists' must be true or false"));
  EXPECT_THAT(load(head + "audience:\n  - tag: vip\n    equals: x\n").diags,
              ElementsAre("7:5: error: a tag condition stands alone: '- tag: vip' selects "
                          "contacts tagged vip"));
  EXPECT_THAT(load(head + "audience: {plan: pro}\n").diags,
              ElementsAre("6:11: error: 'audience' must be a list of conditions, e.g. - "
                          "attribute: plan / equals: pro"));
}

TEST(Loader, UnreadableFile) {
  Diagnostics d;
  EXPECT_FALSE(loadWorkflow("/nonexistent/w.yaml", d));
  d.print(std::cout);
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(formatDiagnostic(d.items()[0]),
            "/nonexistent/w.yaml: error: cannot read the workflow file: No such file or directory");
}

}  // namespace
}  // namespace herald::workflow
