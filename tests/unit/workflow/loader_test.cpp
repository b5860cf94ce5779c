#include "workflow/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "segment/parse.hpp"
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
  EXPECT_EQ(wf.timezone, "UTC");
  // The first release's list form still reads: a list means all of its rules.
  ASSERT_TRUE(wf.audience);
  const auto& all = std::get<segment::Combination>(wf.audience->node);
  EXPECT_EQ(all.kind, segment::Combination::Kind::kAll);
  ASSERT_EQ(all.children.size(), 4u);
  const auto& plan = std::get<segment::ValueTest>(all.children[0]->node);
  EXPECT_EQ(plan.subject.kind, segment::Subject::Kind::kAttribute);
  EXPECT_EQ(plan.subject.name, "plan");
  EXPECT_EQ(plan.test.op, segment::Op::kEquals);
  EXPECT_EQ(plan.test.value, "pro");
  EXPECT_EQ(plan.test.pos.line, 9);
  EXPECT_EQ(plan.test.pos.column, 5);
  const auto& email = std::get<segment::ValueTest>(all.children[1]->node);
  EXPECT_EQ(email.subject.kind, segment::Subject::Kind::kField);
  EXPECT_EQ(email.subject.name, "email");
  EXPECT_EQ(email.test.op, segment::Op::kExists);
  EXPECT_EQ(email.test.value, true);
  const auto& tag = std::get<segment::ValueTest>(all.children[2]->node);
  EXPECT_EQ(tag.subject.kind, segment::Subject::Kind::kTags);
  EXPECT_EQ(tag.test.op, segment::Op::kHas);
  EXPECT_EQ(tag.test.value, "vip");
  const auto& orders = std::get<segment::ValueTest>(all.children[3]->node);
  EXPECT_EQ(orders.test.op, segment::Op::kNotEquals);
  EXPECT_EQ(orders.test.value, 0);
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
  // At the '[' that is never closed, not at the end of the file.
  EXPECT_EQ(l.diags[0],
            "4:11: error: YAML syntax error: this '[' is never closed: end the list with ']'");
  l = load("name: x\n  bad: indent\n");
  ASSERT_EQ(l.diags.size(), 1u);
  EXPECT_THAT(l.diags[0], ::testing::StartsWith("2:3: error: YAML syntax error: this line is "
                                                "indented more than the key above it ('name'"));
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
          "3:29: error: unknown key 'colour' in settings; known keys: batch_size, timezone, "
          "require_consent, locale, undefined_variables and currency",
          "7:11: error: 'with' must be a mapping of the step's settings",
          "8:27: error: 'max_attempts' must be a whole number from 1 to 100, got '0'",
          "8:39: error: 'backoff' must be a length of time such as 30s, 5m or 1h, got 'soon'",
          "9:5: error: this step has no 'id'; add one such as id: send-welcome",
          "9:11: error: 'uses' must be text, not a mapping",
          "10:5: error: unknown key 'nxt' in a step (did you mean 'next'?); the step type's own "
          "settings go under 'with:'; known keys: id, uses, with, next, branches, retry, "
          "description, on_refused and on_unknown"));
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
                          "use manual, schedule, event or api"));
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
              ElementsAre("2:10: error: the trigger needs a 'type': manual, schedule, event or api",
                          "2:11: error: unknown key 'tpye' in the trigger (did you mean 'type'?); "
                          "known keys: type, cron, timezone, catch_up, event, condition and "
                          "reentry"));
}

TEST(Loader, TriggerCatchUpReentryAndCondition) {
  const std::string steps = "steps:\n  - id: a\n    uses: exit\n";
  auto l = load("name: x\ntrigger: {type: schedule, cron: '0 9 * * *', catch_up: all}\n" + steps);
  EXPECT_THAT(l.diags, IsEmpty());
  EXPECT_EQ(l.wf->trigger.catch_up, Trigger::CatchUp::kAll);
  EXPECT_EQ(l.wf->trigger.reentry.kind, store::Reentry::Kind::kAlways);  // schedule default

  l = load("name: x\ntrigger: {type: schedule, cron: '0 9 * * *'}\n" + steps);
  EXPECT_EQ(l.wf->trigger.catch_up, Trigger::CatchUp::kOnce);  // the default

  l = load(
      "name: x\ntrigger: {type: event, event: buy, reentry: {once_per: 30d}, condition: "
      "\"event.properties.amount > 10\"}\n" +
      steps);
  EXPECT_THAT(l.diags, IsEmpty());
  EXPECT_EQ(l.wf->trigger.reentry.kind, store::Reentry::Kind::kOncePer);
  EXPECT_EQ(l.wf->trigger.reentry.period_ms, 30LL * 86'400'000);
  ASSERT_TRUE(l.wf->trigger.condition);

  l = load("name: x\ntrigger: {type: event, event: buy}\n" + steps);
  EXPECT_EQ(l.wf->trigger.reentry.kind, store::Reentry::Kind::kOnce);  // event default

  l = load("name: x\ntrigger: {type: api}\n" + steps);
  EXPECT_THAT(l.diags, IsEmpty());
  EXPECT_EQ(l.wf->trigger.kind, Trigger::Kind::kApi);

  EXPECT_THAT(
      load("name: x\ntrigger: {type: schedule, cron: '0 9 * * *', catch_up: never}\n" + steps)
          .diags,
      ElementsAre("2:56: error: 'catch_up' must be skip, once or all, got 'never' (what to do "
                  "with firings missed while the daemon was down; default once)"));
  EXPECT_THAT(load("name: x\ntrigger: {type: event, event: buy, reentry: twice}\n" + steps).diags,
              ElementsAre("2:45: error: 'reentry' must be once, always or {once_per: DURATION} "
                          "such as {once_per: 30d}, got 'twice'"));
  EXPECT_THAT(
      load("name: x\ntrigger: {type: event, event: buy, reentry: {once_per: soon}}\n" + steps)
          .diags,
      ElementsAre("2:56: error: 'once_per' must be a duration such as 12h, 30d or 1w, got 'soon'"));
  EXPECT_THAT(
      load("name: x\ntrigger: {type: event, event: buy, reentry: {every: 1d}}\n" + steps).diags,
      ElementsAre("2:45: error: 'reentry' must be once, always or {once_per: DURATION} such as "
                  "{once_per: 30d}"));
  EXPECT_THAT(
      load("name: x\ntrigger: {type: schedule, cron: '0 9 * * *', condition: 'x'}\n" + steps).diags,
      ElementsAre("2:46: error: 'condition' is only used by event triggers; this trigger is "
                  "schedule"));
  EXPECT_THAT(load("name: x\ntrigger: {type: event, event: buy, catch_up: all}\n" + steps).diags,
              ElementsAre("2:36: error: 'catch_up' is only used by schedule triggers; this "
                          "trigger is event"));
  EXPECT_THAT(load("name: x\ntrigger: {type: manual, reentry: once}\n" + steps).diags,
              ElementsAre("2:25: error: 'reentry' is only used by api, event and schedule "
                          "triggers; this trigger is manual"));
  EXPECT_THAT(
      load("name: x\ntrigger: {type: event, event: buy, condition: 'event.amount >'}\n" + steps)
          .diags,
      ElementsAre(::testing::StartsWith("2:62: error: in the trigger's condition: ")));
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

TEST(Loader, AudienceIsASegmentRule) {
  const std::string head = "name: x\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n";
  auto l = load(head +
                "audience:\n  any:\n    - rfm: champions\n    - event: purchase\n"
                "      within: 90d\n      count: {at_least: 3}\n");
  EXPECT_THAT(l.diags, IsEmpty());
  ASSERT_TRUE(l.wf && l.wf->audience);
  EXPECT_EQ(std::get<segment::Combination>(l.wf->audience->node).kind,
            segment::Combination::Kind::kAny);
  EXPECT_FALSE(l.wf->segments);  // no `segment:` in it: no library loaded
  // No audience: everyone.
  auto everyone = load(head);
  ASSERT_TRUE(everyone.wf);
  EXPECT_FALSE(everyone.wf->audience);
  EXPECT_FALSE(load(head + "audience:\n").wf->audience);
}

TEST(Loader, AudienceErrors) {
  const std::string head = "name: x\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n";
  EXPECT_THAT(load(head + "audience:\n  - field: emial\n    exists: true\n").diags,
              ElementsAre("7:12: error: unknown contact field 'emial' (did you mean 'email'?); "
                          "fields: email, phone, first_name, last_name, locale, timezone, "
                          "external_id, created_at and updated_at (use attribute: NAME for "
                          "imported attributes)"));
  EXPECT_THAT(load(head + "audience:\n  - attribute: plan\n    equals: pro\n    in: [a]\n").diags,
              ElementsAre("9:5: error: two tests in one rule ('equals' and 'in'); a rule has one "
                          "test: combine rules with all: [...] or any: [...]"));
  EXPECT_THAT(load(head + "audience:\n  - event: purchase\n    within: 90 days\n").diags,
              ElementsAre("8:13: error: '90 days' is not a length of time; write a whole number "
                          "above 0 and one unit: s, m, h, d, w, mo (calendar months) or y "
                          "(calendar years), e.g. 30d, 2w or 6mo"));
  EXPECT_THAT(load(head + "audience: {segment: lapsed}\n").diags,
              ElementsAre("6:21: error: unknown segment 'lapsed': there are no named segments "
                          "in segments/ (a named segment is a file such as "
                          "segments/lapsed.yaml)"));
  EXPECT_THAT(load(head + "audience: pro\n").diags,
              ElementsAre("6:11: error: a rule is a mapping such as {attribute: plan, equals: "
                          "pro} or {segment: NAME}, not 'pro'"));
  // The YAML-level duplicate check covers the audience too, once.
  EXPECT_THAT(load(head + "audience:\n  attribute: plan\n  equals: a\n  equals: b\n").diags,
              ElementsAre("9:3: error: duplicate key 'equals' (first at line 8); each key may "
                          "appear once"));
}

TEST(Loader, SettingsTimeZone) {
  const std::string head = "name: x\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n";
  auto l = load(head + "settings: {timezone: America/New_York}\n");
  EXPECT_THAT(l.diags, IsEmpty());
  EXPECT_EQ(l.wf->timezone, "America/New_York");
  EXPECT_THAT(load(head + "settings:\n  timezone: Europe/Berln\n").diags,
              ElementsAre("7:13: error: unknown time zone 'Europe/Berln'; did you mean "
                          "'Europe/Berlin'?"));
  EXPECT_THAT(load(head + "settings:\n  timezone: [UTC]\n").diags,
              ElementsAre("7:13: error: 'timezone' must be text, not a list"));
}

TEST(Loader, NamedSegmentsBesideTheWorkflow) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("herald-loader-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "segments");
  std::ofstream(dir / "segments" / "vips.yaml")
      << "name: vips\ntimezone: Asia/Seoul\nrule: {tags: {has: vip}}\n";
  std::ofstream(dir / "segments" / "broken.yaml") << "name: broken\nrule: {tags: {hs: x}}\n";
  const std::string head = "name: x\ntrigger: manual\nsteps:\n  - id: a\n    uses: exit\n";
  const std::string path = (dir / "w.yaml").string();
  auto parse = [&](const std::string& text) {
    Diagnostics d;
    auto wf = parseWorkflow(path, text, d);
    return std::make_pair(wf, d);
  };
  // The audience is the named segment, read in its time zone.
  auto [wf, d] = parse(head + "audience: {segment: vips}\n");
  ASSERT_TRUE(wf);
  ASSERT_TRUE(wf->audience);
  ASSERT_TRUE(wf->segments);
  EXPECT_EQ(wf->segments->names(), (std::vector<std::string>{"broken", "vips"}));
  EXPECT_EQ(std::get<segment::SegmentRef>(wf->audience->node).name, "vips");
  EXPECT_EQ(wf->timezone, "Asia/Seoul");
  // Another segment's problems are not this workflow's (validate reports them).
  EXPECT_THAT(lines(d), IsEmpty());
  // settings.timezone wins, wherever it stands.
  auto [wf2, d2] = parse(head + "settings: {timezone: UTC}\naudience: {segment: vips}\n");
  EXPECT_EQ(wf2->timezone, "UTC");
  auto [wf3, d3] = parse(head + "audience: {segment: vips}\nsettings: {timezone: UTC}\n");
  EXPECT_EQ(wf3->timezone, "UTC");
  // Part of a larger rule, a named segment does not set the zone.
  auto [wf4, d4] = parse(head + "audience: [{segment: vips}, {reachable: email}]\n");
  EXPECT_EQ(wf4->timezone, "UTC");
  // A segment with errors: they are reported with the workflow, at the
  // segment file, and the reference says so.
  auto [wf5, d5] = parse(head + "audience: {segment: broken}\n");
  EXPECT_FALSE(wf5->audience);
  EXPECT_THAT(lines(d5), ElementsAre("2:15: error: unknown key 'hs' in a test on tags (did you "
                                     "mean 'has'?); tests: has, has_any, has_all or has_none",
                                     "6:21: error: segment 'broken' (" +
                                         (dir / "segments" / "broken.yaml").string() +
                                         ") has errors; fix them first"));
  d5.sort();
  EXPECT_EQ(d5.items()[0].pos.file, (dir / "segments" / "broken.yaml").string());
  fs::remove_all(dir);
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
