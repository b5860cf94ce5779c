// The rule parser: every construct of the segment language, and every
// mistake reported once at the offending node (FILE:LINE:COL) with what
// would be valid.
#include "segment/parse.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "segment_test_util.hpp"
#include "util/yaml_json.hpp"

namespace herald::segment {
namespace {

using ::testing::ElementsAre;
using testing::errors;
using ::testing::IsEmpty;
using testing::parse;

template <typename T>
const T& as(const RulePtr& r) {
  return std::get<T>(r->node);
}

RulePtr ok(const std::string& yaml) {
  auto p = parse(yaml);
  EXPECT_THAT(p.diags, IsEmpty()) << yaml;
  EXPECT_TRUE(p.rule) << yaml;
  return p.rule;
}

// ------------------------------------------------------------ constructs

TEST(ParseRule, AttributeEquals) {
  auto r = ok("attribute: plan\nequals: pro\n");
  const auto& t = as<ValueTest>(r);
  EXPECT_EQ(t.subject.kind, Subject::Kind::kAttribute);
  EXPECT_EQ(t.subject.name, "plan");
  EXPECT_EQ(t.test.op, Op::kEquals);
  EXPECT_EQ(t.test.value, "pro");
  EXPECT_EQ(r->pos.file, "r.yaml");
  EXPECT_EQ(r->pos.line, 1);
  EXPECT_EQ(t.test.pos.line, 2);
  EXPECT_EQ(t.test.pos.column, 1);
}

TEST(ParseRule, ValuesKeepTheirType) {
  EXPECT_EQ(as<ValueTest>(ok("{attribute: orders, equals: 3}")).test.value, 3);
  EXPECT_EQ(as<ValueTest>(ok("{attribute: orders, equals: \"3\"}")).test.value, "3");
  EXPECT_EQ(as<ValueTest>(ok("{attribute: newsletter, equals: true}")).test.value, true);
  EXPECT_EQ(as<ValueTest>(ok("{attribute: score, at_least: 2.5}")).test.value, 2.5);
}

TEST(ParseRule, EveryOperatorOnAnAttribute) {
  const std::vector<std::pair<std::string, Op>> cases = {
      {"equals: a", Op::kEquals},
      {"not_equals: a", Op::kNotEquals},
      {"less_than: 3", Op::kLess},
      {"at_most: 3", Op::kLessEq},
      {"greater_than: 3", Op::kGreater},
      {"at_least: 3", Op::kGreaterEq},
      {"between: [1, 3]", Op::kBetween},
      {"in: [DE, AT]", Op::kIn},
      {"not_in: [DE, AT]", Op::kNotIn},
      {"exists: false", Op::kExists},
      {"starts_with: \"+49\"", Op::kStartsWith},
      {"contains: gmail", Op::kContains},
      {"older_than: 30d", Op::kOlderThan},
      {"within: 2w", Op::kWithin},
      {"before: 2024-01-01", Op::kBefore},
      {"after: 2024-01-01T09:30", Op::kAfter},
      {"has: cooking", Op::kHas},
      {"has_any: [cooking, travel]", Op::kHasAny},
      {"has_all: [cooking, travel]", Op::kHasAll},
      {"has_none: [cooking]", Op::kHasNone},
  };
  for (const auto& [text, op] : cases) {
    auto r = ok("attribute: x\n" + text + "\n");
    ASSERT_TRUE(r) << text;
    EXPECT_EQ(as<ValueTest>(r).test.op, op) << text;
    EXPECT_EQ(opFromName(opName(op)), op);
  }
  EXPECT_EQ(opFromName("equal"), std::nullopt);
}

TEST(ParseRule, TimeValues) {
  auto r = ok("{field: created_at, within: 2w}");
  const auto& t = as<ValueTest>(r).test;
  ASSERT_TRUE(t.time);
  const auto& d = std::get<Duration>(t.time->value);
  EXPECT_EQ(d.amount, 2);
  EXPECT_EQ(d.unit, Duration::Unit::kWeek);
  EXPECT_EQ(d.text, "2w");
  auto b = ok("{field: created_at, before: 2024-03-01}");
  EXPECT_EQ(std::get<std::string>(as<ValueTest>(b).test.time->value), "2024-03-01");
  auto between = ok("{field: updated_at, between: [2024-01-01, 2024-03-31]}");
  const auto& bt = as<ValueTest>(between).test;
  EXPECT_EQ(std::get<std::string>(bt.time->value), "2024-01-01");
  EXPECT_EQ(std::get<std::string>(bt.time_high->value), "2024-03-31");
  // Dates stored in attributes compare as dates too.
  auto attr = ok("{attribute: last_order, between: [2024-01-01, 2024-02-01]}");
  EXPECT_TRUE(as<ValueTest>(attr).test.time_high);
}

TEST(ParseRule, Fields) {
  auto r = ok("{field: email, exists: true}");
  EXPECT_EQ(as<ValueTest>(r).subject.kind, Subject::Kind::kField);
  EXPECT_EQ(as<ValueTest>(r).subject.name, "email");
  ok("{field: phone, starts_with: \"+49\"}");
  ok("{field: locale, in: [de-DE, de-AT]}");
  ok("{field: created_at, exists: true}");
}

TEST(ParseRule, ListMeansAll) {
  auto r = ok("- attribute: plan\n  equals: pro\n- field: email\n  exists: true\n");
  const auto& c = as<Combination>(r);
  EXPECT_EQ(c.kind, Combination::Kind::kAll);
  ASSERT_EQ(c.children.size(), 2u);
  EXPECT_EQ(c.children[1]->pos.line, 3);
}

TEST(ParseRule, AllAnyNotNest) {
  auto r = ok(R"(any:
  - all:
      - tags: {has: vip}
      - not: {reachable: email}
  - not:
      any:
        - {attribute: country, equals: DE}
        - {attribute: country, equals: AT}
)");
  const auto& any = as<Combination>(r);
  EXPECT_EQ(any.kind, Combination::Kind::kAny);
  ASSERT_EQ(any.children.size(), 2u);
  const auto& all = as<Combination>(any.children[0]);
  EXPECT_EQ(all.kind, Combination::Kind::kAll);
  const auto& n = as<Combination>(all.children[1]);
  EXPECT_EQ(n.kind, Combination::Kind::kNot);
  ASSERT_EQ(n.children.size(), 1u);
  EXPECT_EQ(as<ReachTest>(n.children[0]).channel, "email");
  EXPECT_EQ(as<Combination>(as<Combination>(any.children[1]).children[0]).children.size(), 2u);
}

TEST(ParseRule, Tags) {
  auto r = ok("tags: {has: vip}");
  EXPECT_EQ(as<ValueTest>(r).subject.kind, Subject::Kind::kTags);
  EXPECT_EQ(as<ValueTest>(r).test.op, Op::kHas);
  EXPECT_EQ(as<ValueTest>(ok("tags: {has_any: [vip, press]}")).test.value,
            nlohmann::json({"vip", "press"}));
  EXPECT_EQ(as<ValueTest>(ok("tags: {has_all: [a, b]}")).test.op, Op::kHasAll);
  EXPECT_EQ(as<ValueTest>(ok("tags: {has_none: [a]}")).test.op, Op::kHasNone);
  // The first release's `- tag: vip` still reads.
  auto legacy = ok("tag: vip");
  EXPECT_EQ(as<ValueTest>(legacy).subject.kind, Subject::Kind::kTags);
  EXPECT_EQ(as<ValueTest>(legacy).test.value, "vip");
}

TEST(ParseRule, Age) {
  auto r = ok("age: {at_least: 18}");
  const auto& t = as<ValueTest>(r);
  EXPECT_EQ(t.subject.kind, Subject::Kind::kAge);
  EXPECT_EQ(t.subject.name, "birth_date");
  EXPECT_EQ(t.test.value, 18);
  auto from = ok("age: {from: birthday, between: [18, 30]}");
  EXPECT_EQ(as<ValueTest>(from).subject.name, "birthday");
  EXPECT_EQ(as<ValueTest>(from).test.op, Op::kBetween);
}

TEST(ParseRule, Events) {
  auto bare = ok("event: purchase");
  const auto& b = as<EventTest>(bare);
  EXPECT_EQ(b.type, "purchase");
  EXPECT_FALSE(b.window);
  EXPECT_FALSE(b.test);
  EXPECT_EQ(b.aggregate, EventTest::Aggregate::kCount);

  auto count = ok("event: purchase\nwithin: 90d\ncount: {at_least: 3}\n");
  const auto& c = as<EventTest>(count);
  ASSERT_TRUE(c.window);
  EXPECT_EQ(c.window->op, Op::kWithin);
  EXPECT_EQ(std::get<Duration>(c.window->time->value).amount, 90);
  ASSERT_TRUE(c.test);
  EXPECT_EQ(c.test->op, Op::kGreaterEq);
  EXPECT_EQ(c.test->value, 3);

  auto sum = ok("{event: purchase, within: 1y, sum: {property: amount, greater_than: 200}}");
  EXPECT_EQ(as<EventTest>(sum).aggregate, EventTest::Aggregate::kSum);
  EXPECT_EQ(as<EventTest>(sum).property, "amount");
  EXPECT_EQ(as<EventTest>(sum).test->value, 200);
  auto avg = ok("{event: purchase, average: {property: amount, at_least: 50}}");
  EXPECT_EQ(as<EventTest>(avg).aggregate, EventTest::Aggregate::kAverage);
  auto first = ok("{event: purchase, first: {before: 2024-01-01}}");
  EXPECT_EQ(as<EventTest>(first).aggregate, EventTest::Aggregate::kFirst);
  EXPECT_EQ(as<EventTest>(first).test->op, Op::kBefore);
  auto last = ok("{event: purchase, last: {older_than: 60d}}");
  EXPECT_EQ(as<EventTest>(last).aggregate, EventTest::Aggregate::kLast);
  auto none = ok("{event: open, within: 60d, count: {equals: 0}}");
  EXPECT_EQ(as<EventTest>(none).test->value, 0);
  auto window = ok("{event: open, between: [2024-01-01, 2024-02-01]}");
  EXPECT_TRUE(as<EventTest>(window).window->time_high);

  auto where = ok(R"(event: view
where:
  - property: product_id
    equals: X-1
  - {property: price, at_least: 10}
)");
  const auto& w = as<EventTest>(where);
  ASSERT_EQ(w.where.size(), 2u);
  EXPECT_EQ(w.where[0].subject.kind, Subject::Kind::kProperty);
  EXPECT_EQ(w.where[0].subject.name, "product_id");
  EXPECT_EQ(w.where[0].test.value, "X-1");
  EXPECT_EQ(w.where[1].test.op, Op::kGreaterEq);
  // One test may stand without the list.
  EXPECT_EQ(as<EventTest>(ok("{event: view, where: {property: sku, equals: A}}")).where.size(), 1u);
}

TEST(ParseRule, Rfm) {
  auto one = ok("rfm: champions");
  EXPECT_EQ(as<RfmTest>(one).segments, std::vector<std::string>{"champions"});
  EXPECT_EQ(as<RfmTest>(one).options.event_type, "purchase");
  EXPECT_EQ(as<RfmTest>(one).options.amount_property, "amount");
  auto list = ok("rfm: [at_risk, cannot_lose]");
  EXPECT_EQ(as<RfmTest>(list).segments.size(), 2u);
  auto full = ok(R"(rfm:
  segment: [champions, loyal]
  recency: {at_least: 4}
  frequency: {between: [2, 5]}
  monetary: {equals: 5}
  event: order
  amount: total
  as_of: 2026-01-01
)");
  const auto& f = as<RfmTest>(full);
  EXPECT_EQ(f.segments, (std::vector<std::string>{"champions", "loyal"}));
  EXPECT_EQ(f.recency->value, 4);
  EXPECT_EQ(f.frequency->op, Op::kBetween);
  EXPECT_EQ(f.monetary->value, 5);
  EXPECT_EQ(f.options.event_type, "order");
  EXPECT_EQ(f.options.amount_property, "total");
  EXPECT_EQ(std::get<std::string>(f.options.as_of->value), "2026-01-01");
  EXPECT_TRUE(as<RfmTest>(ok("rfm: {recency: {at_most: 2}}")).segments.empty());
}

TEST(ParseRule, Reachability) {
  auto r = as<ReachTest>(ok("reachable: sms"));
  EXPECT_EQ(r.kind, ReachTest::Kind::kReachable);
  EXPECT_EQ(r.channel, "sms");
  EXPECT_EQ(as<ReachTest>(ok("consent: email")).kind, ReachTest::Kind::kConsent);
  auto s = as<ReachTest>(ok("suppressed: false"));
  EXPECT_EQ(s.kind, ReachTest::Kind::kSuppressed);
  EXPECT_FALSE(s.value);
}

TEST(ParseRule, ValueThatLooksLikeSqlStaysAValue) {
  auto r = ok("{attribute: plan, equals: \"'; DROP TABLE contacts; --\"}");
  EXPECT_EQ(as<ValueTest>(r).test.value, "'; DROP TABLE contacts; --");
}

TEST(ParseRule, FromAJsonPointer) {
  const YAML::Node root = YAML::Load("audience:\n  - tags: {has: vip}\n");
  Positions positions;
  const auto doc = yamlToJson(root, "w.yaml", positions);
  Diagnostics d;
  auto r = parseRule(doc, "/audience", positions, nullptr, d);
  ASSERT_TRUE(r);
  EXPECT_EQ(as<Combination>(r).children.size(), 1u);
  EXPECT_EQ(as<Combination>(r).children[0]->pos.line, 2);
  EXPECT_FALSE(parseRule(doc, "/nope", positions, nullptr, d));
  EXPECT_THAT(testing::lines(d), ElementsAre("error: no rule at '/nope'"));
}

// ------------------------------------------------------------ mistakes

TEST(ParseErrors, UnknownKeyWithSuggestion) {
  EXPECT_THAT(errors("atribute: plan\nequals: pro\n"),
              ElementsAre("r.yaml:1:1: error: unknown key 'atribute' in a rule (did you mean "
                          "'attribute'?); a rule starts with one of all, any, not, segment, "
                          "field, attribute, tags, age, birthday, anniversary, event, rfm, "
                          "reachable, consent or suppressed"));
  EXPECT_THAT(errors("attribute: plan\nequal: pro\n"),
              ElementsAre("r.yaml:2:1: error: unknown key 'equal' in a test on attribute 'plan' "
                          "(did you mean 'equals'?); tests: equals, not_equals, less_than, "
                          "at_most, greater_than, at_least, between, in, not_in, exists, "
                          "starts_with, contains, older_than, within, before, after, has, "
                          "has_any, has_all or has_none"));
  EXPECT_THAT(errors("{event: purchase, witin: 30d}"),
              ElementsAre("r.yaml:1:19: error: unknown key 'witin' in a 'event' rule (did you "
                          "mean 'within'?); it takes event, where, within, older_than, before, "
                          "after, between, count, sum, average, first and last, e.g. event: "
                          "purchase / within: 90d / count: {at_least: 3}"));
  EXPECT_THAT(errors("{tags: {has: vip}, equals: x}"),
              ElementsAre("r.yaml:1:20: error: unknown key 'equals' in a 'tags' rule; it takes "
                          "tags, e.g. tags: {has: vip}"));
}

TEST(ParseErrors, TestWithoutSubjectAndEmptyRule) {
  EXPECT_THAT(errors("equals: pro"),
              ElementsAre("r.yaml:1:1: error: this rule has the test 'equals' but nothing to "
                          "test: name what it looks at with field:, attribute:, tags:, age: or "
                          "event:, e.g. {attribute: plan, equals: pro}"));
  EXPECT_THAT(errors("{}"), ElementsAre("r.yaml:1:1: error: empty rule; a rule starts with one "
                                        "of all, any, not, segment, field, attribute, tags, "
                                        "age, birthday, anniversary, event, rfm, reachable, "
                                        "consent or suppressed"));
  EXPECT_THAT(errors("- plan"),
              ElementsAre("r.yaml:1:3: error: a rule is a mapping such as {attribute: plan, "
                          "equals: pro} or {segment: NAME}, not 'plan'"));
  EXPECT_THAT(errors("[]"), ElementsAre("r.yaml:1:1: error: empty list of rules; a list means "
                                        "all of its rules hold: give at least one, e.g. - "
                                        "tags: {has: vip}"));
}

TEST(ParseErrors, UnknownField) {
  EXPECT_THAT(errors("field: emial\nexists: true\n"),
              ElementsAre("r.yaml:1:8: error: unknown contact field 'emial' (did you mean "
                          "'email'?); fields: email, phone, first_name, last_name, locale, "
                          "timezone, external_id, created_at and updated_at (use attribute: "
                          "NAME for imported attributes)"));
  EXPECT_THAT(errors("{attribute: 2fa, exists: true}"),
              ElementsAre("r.yaml:1:13: error: attribute names are letters, digits and '_', "
                          "not starting with a digit (e.g. attribute: plan); got '2fa'"));
}

TEST(ParseErrors, OperatorThatDoesNotApply) {
  EXPECT_THAT(errors("{field: email, less_than: b}"),
              ElementsAre("r.yaml:1:16: error: 'less_than' does not apply to the text field "
                          "email; use equals, not_equals, in, not_in, exists, starts_with or "
                          "contains"));
  EXPECT_THAT(errors("{field: created_at, equals: 2024-01-01}"),
              ElementsAre("r.yaml:1:21: error: 'equals' does not apply to created_at (a time); "
                          "use exists, older_than, within, before, after or between"));
  EXPECT_THAT(errors("tags: {contains: vip}"),
              ElementsAre("r.yaml:1:8: error: 'contains' does not apply to tags; use has, "
                          "has_any, has_all or has_none"));
  EXPECT_THAT(errors("age: {within: 2w}"),
              ElementsAre("r.yaml:1:7: error: 'within' does not apply to age; use equals, "
                          "not_equals, less_than, at_most, greater_than, at_least, between, in "
                          "or not_in"));
}

TEST(ParseErrors, TwoOperatorsInOneMapping) {
  EXPECT_THAT(errors("attribute: plan\nequals: pro\nin: [a, b]\n"),
              ElementsAre("r.yaml:3:1: error: two tests in one rule ('equals' and 'in'); a rule "
                          "has one test: combine rules with all: [...] or any: [...]"));
  EXPECT_THAT(errors("{attribute: plan, field: email, exists: true}"),
              ElementsAre("r.yaml:1:19: error: 'attribute' and 'field' in one rule: each rule "
                          "looks at one thing; combine rules with all: [...] or any: [...]"));
  EXPECT_THAT(errors("{event: open, within: 2w, before: 2024-01-01}"),
              ElementsAre("r.yaml:1:27: error: two time windows ('within' and 'before') on one "
                          "event; use one, or between: [DATE, DATE] for a range"));
  EXPECT_THAT(errors("{event: open, count: {at_least: 1}, last: {within: 2w}}"),
              ElementsAre("r.yaml:1:37: error: two tests on one event ('count' and 'last'); "
                          "use one, and combine event rules with all: [...]"));
}

TEST(ParseErrors, MissingTest) {
  EXPECT_THAT(errors("attribute: plan\n"),
              ElementsAre("r.yaml:1:1: error: attribute 'plan' needs a test: one of equals, "
                          "not_equals, less_than, at_most, greater_than, at_least, between, in, "
                          "not_in, exists, starts_with, contains, older_than, within, before, "
                          "after, has, has_any, has_all or has_none, e.g. attribute: plan / "
                          "equals: pro"));
  EXPECT_THAT(errors("age: {from: birthday}"),
              ElementsAre("r.yaml:1:6: error: age needs a test: one of equals, not_equals, "
                          "less_than, at_most, greater_than, at_least, between, in or not_in, "
                          "e.g. age: {at_least: 18}"));
}

TEST(ParseErrors, WrongValueType) {
  EXPECT_THAT(errors("{attribute: plan, equals: [a, b]}"),
              ElementsAre("r.yaml:1:27: error: 'equals' takes one value, not a list; for "
                          "several use in: [...]"));
  EXPECT_THAT(errors("{attribute: plan, not_equals: [a]}"),
              ElementsAre("r.yaml:1:31: error: 'not_equals' takes one value, not a list; for "
                          "several use not_in: [...]"));
  EXPECT_THAT(errors("{attribute: plan, equals: {a: 1}}"),
              ElementsAre("r.yaml:1:27: error: 'equals' takes text, a number or true/false, got "
                          "a mapping"));
  EXPECT_THAT(errors("{attribute: plan, exists: maybe}"),
              ElementsAre("r.yaml:1:27: error: 'exists' takes true or false, got 'maybe'"));
  EXPECT_THAT(errors("{attribute: orders, at_least: true}"),
              ElementsAre("r.yaml:1:31: error: 'at_least' takes a number (or text, compared "
                          "alphabetically), got true"));
  EXPECT_THAT(errors("{field: phone, equals: +4930123}"),
              ElementsAre("r.yaml:1:24: error: the text field phone holds text: put the value "
                          "in quotes, e.g. equals: \"4930123\""));
  EXPECT_THAT(errors("{field: phone, starts_with: +49}"),
              ElementsAre("r.yaml:1:29: error: 'starts_with' takes text: put it in quotes, e.g. "
                          "starts_with: \"49\""));
  EXPECT_THAT(errors("{attribute: name, contains: \"\"}"),
              ElementsAre("r.yaml:1:29: error: 'contains' needs some text to look for"));
  EXPECT_THAT(errors("age: {at_least: adult}"),
              ElementsAre("r.yaml:1:17: error: 'at_least' on age takes a whole number from 0 to "
                          "200, got 'adult'"));
  EXPECT_THAT(errors("tags: {has: [a, b]}"),
              ElementsAre("r.yaml:1:13: error: 'has' takes one value, not a list; for several "
                          "use has_any, has_all or has_none"));
  EXPECT_THAT(errors("{suppressed: yes}"),
              ElementsAre("r.yaml:1:14: error: 'suppressed' takes true or false, got 'yes'"));
}

TEST(ParseErrors, Lists) {
  EXPECT_THAT(errors("{attribute: country, in: DE}"),
              ElementsAre("r.yaml:1:26: error: 'in' takes a list of values, e.g. in: [DE, AT, "
                          "CH]; got 'DE'"));
  EXPECT_THAT(errors("{attribute: country, not_in: []}"),
              ElementsAre("r.yaml:1:30: error: 'not_in' needs at least one value, e.g. not_in: "
                          "[DE, AT, CH]"));
  EXPECT_THAT(errors("{attribute: country, in: [DE, [AT]]}"),
              ElementsAre("r.yaml:1:31: error: each value of 'in' is text, a number or "
                          "true/false, got a list"));
  EXPECT_THAT(errors("tags: {has_any: vip}"),
              ElementsAre("r.yaml:1:17: error: 'has_any' takes a list of values, e.g. has_any: "
                          "[vip, press]; got 'vip'"));
  EXPECT_THAT(errors("tags: {has_all: [vip, 3]}"),
              ElementsAre("r.yaml:1:23: error: tags holds text: put the value in quotes, e.g. "
                          "has_all: \"3\""));
}

TEST(ParseErrors, Between) {
  EXPECT_THAT(errors("{attribute: orders, between: [1, 2, 3]}"),
              ElementsAre("r.yaml:1:30: error: 'between' takes two values, lowest first, e.g. "
                          "between: [18, 30]; got 3 values"));
  EXPECT_THAT(errors("{attribute: orders, between: 5}"),
              ElementsAre("r.yaml:1:30: error: 'between' takes two values, lowest first, e.g. "
                          "between: [18, 30]; got 5"));
  EXPECT_THAT(errors("{attribute: orders, between: [10, 2]}"),
              ElementsAre("r.yaml:1:30: error: 'between' takes the lowest value first; write "
                          "[2, 10]"));
  EXPECT_THAT(errors("{attribute: orders, between: [1, b]}"),
              ElementsAre("r.yaml:1:30: error: 'between' takes two numbers or two texts, got a "
                          "number and text"));
  EXPECT_THAT(errors("{field: created_at, between: [2024-03-01, 30d]}"),
              ElementsAre("r.yaml:1:43: error: 'between' on created_at (a time) takes two "
                          "dates, earliest first, e.g. between: [2024-01-01, 2024-03-31]; got "
                          "'30d' (for a time relative to now use within: or older_than:)"));
  EXPECT_THAT(errors("{field: created_at, between: [2024-03-01, 2024-01-01]}"),
              ElementsAre("r.yaml:1:30: error: 'between' takes the earliest date first; write "
                          "[2024-01-01, 2024-03-01]"));
}

TEST(ParseErrors, BadDurationAndBadDate) {
  EXPECT_THAT(errors("{field: created_at, within: 30days}"),
              ElementsAre("r.yaml:1:29: error: '30days' is not a length of time; write a whole "
                          "number above 0 and one unit: s, m, h, d, w, mo (calendar months) or "
                          "y (calendar years), e.g. 30d, 2w or 6mo"));
  EXPECT_THAT(errors("{field: created_at, older_than: 0d}"),
              ElementsAre("r.yaml:1:33: error: '0d' is not a length of time; write a whole "
                          "number above 0 and one unit: s, m, h, d, w, mo (calendar months) or "
                          "y (calendar years), e.g. 30d, 2w or 6mo"));
  EXPECT_THAT(errors("{field: created_at, within: 30}"),
              ElementsAre("r.yaml:1:29: error: 'within' takes a length of time (a whole number "
                          "and s, m, h, d, w, mo or y: 30d, 2w, 6mo) or a date (2024-01-01, "
                          "2024-01-01T09:30, 2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00); "
                          "30 has no unit (did you mean 30d?)"));
  EXPECT_THAT(errors("{field: created_at, before: 2023-02-29}"),
              ElementsAre("r.yaml:1:29: error: '2023-02-29' is not a valid date; write "
                          "YYYY-MM-DD (a real day), optionally with a time: 2024-01-01T09:30, "
                          "2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00"));
  EXPECT_THAT(errors("{field: created_at, after: yesterday}"),
              ElementsAre("r.yaml:1:28: error: 'after' takes a length of time (a whole number "
                          "and s, m, h, d, w, mo or y: 30d, 2w, 6mo) or a date (2024-01-01, "
                          "2024-01-01T09:30, 2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00); "
                          "got 'yesterday'"));
  EXPECT_THAT(errors("{event: open, last: {within: [1d]}}"),
              ElementsAre("r.yaml:1:30: error: 'within' takes a length of time (a whole number "
                          "and s, m, h, d, w, mo or y: 30d, 2w, 6mo) or a date (2024-01-01, "
                          "2024-01-01T09:30, 2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00); "
                          "got a list"));
}

TEST(ParseErrors, Combinations) {
  EXPECT_THAT(errors("all: []"), ElementsAre("r.yaml:1:6: error: 'all' needs at least one rule"));
  EXPECT_THAT(errors("any: []"), ElementsAre("r.yaml:1:6: error: 'any' needs at least one rule"));
  EXPECT_THAT(errors("any: {tags: {has: vip}}"),
              ElementsAre("r.yaml:1:6: error: 'any' takes a list of rules (each starting with "
                          "'- '), not a mapping"));
  EXPECT_THAT(errors("not:\n  - tags: {has: vip}\n"),
              ElementsAre("r.yaml:2:3: error: 'not' takes one rule, not a list; to leave out "
                          "contacts matching any of several rules write not: {any: [...]}"));
  EXPECT_THAT(errors("{all: [{tags: {has: vip}}], reachable: email}"),
              ElementsAre("r.yaml:1:29: error: 'all' and 'reachable' in one rule: each rule "
                          "looks at one thing; combine rules with all: [...] or any: [...]"));
  // Every mistake inside is reported, not only the first.
  EXPECT_THAT(errors("all:\n  - {field: emial, exists: true}\n  - {reachable: fax}\n"),
              ElementsAre("r.yaml:2:13: error: unknown contact field 'emial' (did you mean "
                          "'email'?); fields: email, phone, first_name, last_name, locale, "
                          "timezone, external_id, created_at and updated_at (use attribute: "
                          "NAME for imported attributes)",
                          "r.yaml:3:17: error: unknown channel 'fax'; channels: email or sms"));
}

TEST(ParseErrors, UnknownChannel) {
  EXPECT_THAT(errors("reachable: emial"),
              ElementsAre("r.yaml:1:12: error: unknown channel 'emial' (did you mean 'email'?); "
                          "channels: email or sms"));
  EXPECT_THAT(errors("consent: push"),
              ElementsAre("r.yaml:1:10: error: unknown channel 'push'; channels: email or sms"));
}

TEST(ParseErrors, Events) {
  EXPECT_THAT(errors("event: [purchase]"),
              ElementsAre("r.yaml:1:8: error: 'event' takes the event type, one word such as "
                          "purchase or open; got a list"));
  EXPECT_THAT(errors("{event: purchase, count: 3}"),
              ElementsAre("r.yaml:1:26: error: 'count' takes a test such as {at_least: 3} or "
                          "{equals: 0}; got 3"));
  EXPECT_THAT(errors("{event: purchase, count: {at_least: -1}}"),
              ElementsAre("r.yaml:1:37: error: 'at_least' on count takes a whole number from 0 "
                          "to 1000000000, got -1"));
  EXPECT_THAT(errors("{event: purchase, sum: {greater_than: 200}}"),
              ElementsAre("r.yaml:1:24: error: 'sum' needs the numeric property to add up, e.g. "
                          "sum: {property: amount, greater_than: 200}"));
  EXPECT_THAT(errors("{event: purchase, average: {at_least: 50}}"),
              ElementsAre("r.yaml:1:28: error: 'average' needs the numeric property to average, "
                          "e.g. average: {property: amount, at_least: 50}"));
  EXPECT_THAT(errors("{event: purchase, sum: {property: amount, greater_than: lots}}"),
              ElementsAre("r.yaml:1:57: error: 'greater_than' on the sum takes a number, got "
                          "'lots'"));
  EXPECT_THAT(errors("{event: purchase, sum: {property: amount, greatr_than: 1}}"),
              ElementsAre("r.yaml:1:43: error: unknown key 'greatr_than' in a test on the sum "
                          "(did you mean 'greater_than'?); tests: equals, not_equals, "
                          "less_than, at_most, greater_than, at_least, between, in or not_in"));
  EXPECT_THAT(errors("{event: purchase, last: {equals: 2024-01-01}}"),
              ElementsAre("r.yaml:1:26: error: 'equals' does not apply to the last event's "
                          "time; use older_than, within, before, after or between"));
  EXPECT_THAT(errors("{event: view, where: [{equals: X}]}"),
              ElementsAre("r.yaml:1:23: error: this 'where' test names no property; e.g. "
                          "{property: product_id, equals: X}"));
  EXPECT_THAT(errors("{event: view, where: [{property: sku, equal: X}]}"),
              ElementsAre("r.yaml:1:39: error: unknown key 'equal' in a test on property 'sku' "
                          "(did you mean 'equals'?); tests: equals, not_equals, less_than, "
                          "at_most, greater_than, at_least, between, in, not_in, exists, "
                          "starts_with, contains, older_than, within, before, after, has, "
                          "has_any, has_all or has_none"));
  EXPECT_THAT(errors("{event: view, where: sku}"),
              ElementsAre("r.yaml:1:22: error: 'where' takes a list of tests on the event's "
                          "properties, e.g. where: [{property: product_id, equals: X}]; got "
                          "'sku'"));
}

TEST(ParseRule, RfmWindow) {
  const auto rule = ok("rfm: {segment: champions, window: 365d}");
  const auto& t = as<RfmTest>(rule);
  ASSERT_TRUE(t.options.window);
  EXPECT_EQ(t.options.window->amount, 365);
  EXPECT_EQ(t.options.window->unit, Duration::Unit::kDay);
  EXPECT_EQ(as<RfmTest>(ok("rfm: {segment: loyal, window: 12mo}")).options.window->text, "12mo");
}

TEST(ParseErrors, RfmWindow) {
  EXPECT_THAT(errors("rfm: {segment: loyal, window: 2025-01-01}"),
              ElementsAre("r.yaml:1:31: error: 'window' takes a length of time counted back "
                          "from as_of (365d, 12mo, 1y); got the date '2025-01-01' (to score from "
                          "a date on, give as_of and a window)"));
  EXPECT_THAT(errors("rfm: {segment: loyal, window: 365}"),
              ElementsAre(::testing::HasSubstr("r.yaml:1:31: error: 'window' takes a length of "
                                               "time")));
}

TEST(ParseRule, BirthdaysAndAnniversaries) {
  const auto today_rule = ok("birthday: today");
  const auto& today = as<ValueTest>(today_rule);
  EXPECT_EQ(today.subject.kind, Subject::Kind::kAnniversary);
  EXPECT_EQ(today.subject.name, "birth_date");
  EXPECT_EQ(today.test.value, 1);
  EXPECT_EQ(as<ValueTest>(ok("birthday: {within: 7d}")).test.value, 7);
  EXPECT_EQ(as<ValueTest>(ok("birthday: {from: born, within: 2w}")).subject.name, "born");
  EXPECT_EQ(as<ValueTest>(ok("birthday: {from: born, within: 2w}")).test.value, 14);
  const auto a_rule = ok("anniversary: {from: signup_date, within: 7d}");
  const auto& a = as<ValueTest>(a_rule);
  EXPECT_EQ(a.subject.name, "signup_date");
  EXPECT_EQ(a.test.value, 7);
  EXPECT_EQ(as<ValueTest>(ok("anniversary: {from: signup_date, equals: today}")).test.value, 1);
}

TEST(ParseErrors, BirthdaysAndAnniversaries) {
  EXPECT_THAT(errors("anniversary: {within: 7d}"),
              ElementsAre("r.yaml:1:14: error: 'anniversary' needs from: ATTRIBUTE, the "
                          "attribute holding the date, e.g. anniversary: {from: signup_date, "
                          "within: 7d}"));
  EXPECT_THAT(errors("anniversary: today"),
              ElementsAre("r.yaml:1:14: error: 'anniversary' takes a mapping with from: "
                          "ATTRIBUTE and equals: today or within: 7d, e.g. {from: signup_date, "
                          "within: 7d}; got 'today'"));
  EXPECT_THAT(errors("birthday: tomorrow"),
              ElementsAre("r.yaml:1:11: error: 'birthday' takes today, or a mapping such as "
                          "{within: 7d} (and optionally from: ATTRIBUTE, default birth_date); "
                          "got 'tomorrow'"));
  EXPECT_THAT(errors("birthday:\n  within: 3mo\n"),
              ElementsAre("r.yaml:2:11: error: 'within' in 'birthday' takes a number of days or "
                          "weeks up to a year, counted from today (within: 7d is today and the 6 "
                          "days after it); got '3mo'"));
  EXPECT_THAT(errors("birthday: {within: 400d}"),
              ElementsAre(::testing::HasSubstr("r.yaml:1:20: error: 'within' in 'birthday'")));
  EXPECT_THAT(errors("birthday: {equals: tomorrow}"),
              ElementsAre("r.yaml:1:20: error: 'equals' in 'birthday' takes today (for the "
                          "coming days write within: 7d); got 'tomorrow'"));
  EXPECT_THAT(errors("birthday: {within: 7d, equals: today}"),
              ElementsAre("r.yaml:1:12: error: 'equals' and 'within' in one 'birthday': write "
                          "equals: today or within: 7d, not both"));
  EXPECT_THAT(errors("birthday: {witin: 7d}"),
              ElementsAre("r.yaml:1:12: error: unknown key 'witin' in 'birthday'; it takes "
                          "from: ATTRIBUTE and one of equals: today or within: 7d"));
  EXPECT_THAT(errors("birthday: {from: 1x, within: 7d}"),
              ElementsAre("r.yaml:1:18: error: 'from' names the attribute holding the date "
                          "(YYYY-MM-DD), e.g. from: signup_date; got '1x'"));
}

TEST(ParseErrors, Rfm) {
  EXPECT_THAT(errors("rfm: champion"),
              ElementsAre("r.yaml:1:6: error: unknown RFM segment 'champion' (did you mean "
                          "'champions'?); RFM segments: champions, loyal, potential_loyalists, "
                          "new, promising, need_attention, about_to_sleep, at_risk, "
                          "cannot_lose, hibernating or lost"));
  EXPECT_THAT(errors("rfm: [loyal, at risk]"),
              ElementsAre("r.yaml:1:14: error: unknown RFM segment 'at risk' (did you mean "
                          "'at_risk'?); RFM segments: champions, loyal, potential_loyalists, "
                          "new, promising, need_attention, about_to_sleep, at_risk, "
                          "cannot_lose, hibernating or lost"));
  EXPECT_THAT(errors("rfm: {recency: {at_least: 6}}"),
              ElementsAre("r.yaml:1:27: error: 'at_least' on the recency score takes a whole "
                          "number from 1 to 5, got 6"));
  EXPECT_THAT(errors("rfm: {recncy: {at_least: 4}}"),
              ElementsAre("r.yaml:1:7: error: unknown key 'recncy' in 'rfm' (did you mean "
                          "'recency'?); it takes segment, recency, frequency, monetary, event, "
                          "amount, as_of and window"));
  EXPECT_THAT(errors("rfm: {event: purchase}"),
              ElementsAre("r.yaml:1:6: error: 'rfm' needs a segment or a test on recency, "
                          "frequency or monetary, e.g. rfm: {segment: [champions, loyal]} or "
                          "rfm: {recency: {at_least: 4}}"));
  EXPECT_THAT(errors("rfm: {segment: loyal, as_of: soon}"),
              ElementsAre("r.yaml:1:30: error: 'as_of' takes a length of time (a whole number "
                          "and s, m, h, d, w, mo or y: 30d, 2w, 6mo) or a date (2024-01-01, "
                          "2024-01-01T09:30, 2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00); "
                          "got 'soon'"));
  EXPECT_THAT(errors("rfm: 5"),
              ElementsAre("r.yaml:1:6: error: 'rfm' takes a segment name (rfm: champions), a "
                          "list of them, or a mapping such as {recency: {at_least: 4}}; got 5"));
}

TEST(ParseErrors, TagsAndAge) {
  EXPECT_THAT(errors("tags: vip"),
              ElementsAre("r.yaml:1:7: error: 'tags' takes a test such as {has: vip}, {has_any: "
                          "[vip, press]}, {has_all: [...]} or {has_none: [...]}; got 'vip'"));
  EXPECT_THAT(errors("age: 18"),
              ElementsAre("r.yaml:1:6: error: 'age' takes a test such as {at_least: 18} or "
                          "{between: [18, 30]} (and optionally from: ATTRIBUTE, default "
                          "birth_date); got 18"));
  EXPECT_THAT(errors("age: {from: birth-date, at_least: 18}"),
              ElementsAre("r.yaml:1:13: error: 'from' names the attribute holding the birth "
                          "date (YYYY-MM-DD), e.g. from: birthday; got 'birth-date'"));
  EXPECT_THAT(errors("{tag: vip, equals: x}"),
              ElementsAre("r.yaml:1:12: error: unknown key 'equals' in a 'tag' rule; it takes "
                          "tag, e.g. tag: vip (or tags: {has: vip})"));
}

TEST(ParseErrors, DuplicateKeys) {
  EXPECT_THAT(errors("attribute: plan\nequals: a\nequals: b\n"),
              ElementsAre("r.yaml:3:1: error: duplicate key 'equals' (first at line 2); each key "
                          "may appear once"));
}

TEST(ParseErrors, NamedSegmentsNeedALibrary) {
  EXPECT_THAT(errors("segment: lapsed"),
              ElementsAre("r.yaml:1:10: error: named segments (segment: lapsed) cannot be used "
                          "here; write the rule itself"));
  EXPECT_THAT(errors("{segment: lapsed, tags: {has: vip}}"),
              ElementsAre("r.yaml:1:19: error: 'segment' and 'tags' in one rule: each rule "
                          "looks at one thing; combine rules with all: [...] or any: [...]"));
}

}  // namespace
}  // namespace herald::segment
