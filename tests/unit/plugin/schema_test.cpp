// The JSON-Schema subset: well-formedness of plugin schemas, validation
// messages and positions, templated/secret paths, defaults.
#include "schema/schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/yaml_json.hpp"

namespace herald::schema {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const json kEmail = json::parse(R"({
  "type": "object",
  "properties": {
    "from": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"},
    "subject": {"type": "string", "maxLength": 10, "x-templated": true},
    "text": {"type": "string", "x-templated": true},
    "batch": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    "mode": {"type": "string", "enum": ["fast", "slow"], "default": "fast"},
    "ratio": {"type": "number", "minimum": 0},
    "api_key": {"type": "string", "x-secret": true},
    "headers": {"type": "object", "additionalProperties": {"type": "string", "x-templated": true}},
    "to": {"type": "array", "items": {"type": "string", "minLength": 3}},
    "options": {"type": "object", "properties": {"track": {"type": "boolean", "default": true}},
                "required": ["track"]}
  },
  "required": ["from", "subject"]
})");

// Validates YAML text as a step's `with:` and returns formatted diagnostics.
std::vector<std::string> check(const json& schema, const std::string& yaml) {
  std::map<std::string, SourcePos> positions;
  json value = yamlToJson(YAML::Load(yaml), "wf.yaml", positions);
  Diagnostics diags;
  validate(schema, value, positions, SourcePos{"wf.yaml", 1, 1}, "'with' of outbox.email", diags);
  std::vector<std::string> out;
  for (const auto& d : diags.items()) out.push_back(formatDiagnostic(d));
  return out;
}

TEST(SchemaValidate, ValidConfigHasNoProblems) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: Hi\nbatch: 10\nto: [abc, defg]\n"), IsEmpty());
}

TEST(SchemaValidate, UnknownKeyPointsAtTheKeyAndListsKnownKeys) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: Hi\nsubjet: typo\n"),
              ElementsAre("wf.yaml:3:1: error: unknown key 'subjet' in 'with' of outbox.email; "
                          "known keys: api_key, batch, from, headers, mode, options, ratio, "
                          "subject, text, to"));
}

TEST(SchemaValidate, AMisspeltRequiredKeyIsOneErrorWithTheKeyItMeant) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubjet: Hi\n"),
              ElementsAre("wf.yaml:2:1: error: unknown key 'subjet' in 'with' of outbox.email "
                          "(did you mean 'subject'?); known keys: api_key, batch, from, headers, "
                          "mode, options, ratio, subject, text, to"));
}

TEST(SchemaValidate, WrongTypeSaysWhatWouldBeValid) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: Hi\nbatch: ten\n"),
              ElementsAre("wf.yaml:3:8: error: 'batch' must be an integer from 1 to 1000, got "
                          "\"ten\""));
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: [a]\n"),
              ElementsAre("wf.yaml:2:10: error: 'subject' must be a string of at most 10 "
                          "characters, got a list"));
  EXPECT_THAT(check(kEmail, "- 1\n"),
              ElementsAre("wf.yaml:1:1: error: 'with' of outbox.email must be an object, got a "
                          "list"));
}

TEST(SchemaValidate, IntegerAcceptsWholeFloats) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: Hi\nbatch: 10.0\n"), IsEmpty());
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: Hi\nbatch: 10.5\n"),
              ElementsAre("wf.yaml:3:8: error: 'batch' must be an integer from 1 to 1000, got "
                          "10.5"));
}

TEST(SchemaValidate, MissingRequiredPointsAtTheParent) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\noptions:\n  other: 1\n"),
              ElementsAre("wf.yaml:1:1: error: missing required key 'subject' (a string of at "
                          "most 10 characters) in 'with' of outbox.email",
                          "wf.yaml:3:3: error: missing required key 'track' (true or false) in "
                          "'options'",
                          "wf.yaml:3:3: error: unknown key 'other' in 'options'; known keys: "
                          "track"));
}

TEST(SchemaValidate, OutOfRange) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: Hi\nbatch: 5000\nratio: -1\n"),
              ElementsAre("wf.yaml:3:8: error: 'batch' must be an integer from 1 to 1000, got 5000",
                          "wf.yaml:4:8: error: 'ratio' must be a number of at least 0, got -1"));
}

TEST(SchemaValidate, NotInEnumListsTheAllowedValues) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: Hi\nmode: medium\n"),
              ElementsAre("wf.yaml:3:7: error: 'mode' must be one of \"fast\", \"slow\", got "
                          "\"medium\""));
}

TEST(SchemaValidate, PatternAndLength) {
  EXPECT_THAT(check(kEmail, "from: bob\nsubject: A subject that is too long\n"),
              ElementsAre("wf.yaml:1:7: error: 'from' must be a string matching the pattern "
                          "'^[^@\\s]+@[^@\\s]+$', got \"bob\"",
                          "wf.yaml:2:10: error: 'subject' must be a string of at most 10 "
                          "characters, got 26 characters"));
}

TEST(SchemaValidate, LengthCountsCharactersNotBytes) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: ÄÖÜäöüßéèê\n"), IsEmpty());
}

TEST(SchemaValidate, TemplatedTextIsCheckedAfterRendering) {
  // The length limit applies to the rendered subject, not to the template.
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: \"{{ contact.first_name }}, hi\"\n"), IsEmpty());
}

TEST(SchemaValidate, NestedArraysAndMaps) {
  EXPECT_THAT(check(kEmail, "from: a@b.c\nsubject: Hi\nto: [abcd, ab]\nheaders:\n  X-A: 1\n"),
              ElementsAre("wf.yaml:5:8: error: 'headers.X-A' must be a string, got 1",
                          "wf.yaml:3:12: error: 'to[1]' must be a string of at least 3 "
                          "characters, got 2 characters"));
}

TEST(SchemaValidate, ReportsEveryProblem) {
  auto lines = check(kEmail, "from: bob\nbatch: 0\nmode: x\nextra: 1\n");
  EXPECT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
}

TEST(SchemaValidate, MissingPositionFallsBackToNearestParentThenFallback) {
  Diagnostics diags;
  std::map<std::string, SourcePos> positions{{"", {"f.yaml", 4, 5}}};
  validate(kEmail, json{{"from", "a@b.c"}, {"subject", "Hi"}, {"batch", 0}}, positions,
           SourcePos{"f.yaml", 9, 9}, "ctx", diags);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].pos.line, 4);
  Diagnostics none;
  validate(kEmail, json{{"from", "a@b.c"}}, {}, SourcePos{"f.yaml", 9, 9}, "ctx", none);
  ASSERT_EQ(none.items().size(), 1u);
  EXPECT_EQ(none.items()[0].pos.line, 9);
}

TEST(SchemaValidate, AdditionalPropertiesTrueAcceptsAnything) {
  json s = {{"type", "object"},
            {"properties", {{"a", {{"type", "string"}}}}},
            {"additionalProperties", true}};
  EXPECT_THAT(check(s, "a: x\nb: 2\n"), IsEmpty());
  json open = {{"type", "object"}};
  EXPECT_THAT(check(open, "anything: 1\n"), IsEmpty());
}

TEST(SchemaValidate, NoKnownKeys) {
  json s = {{"type", "object"}, {"properties", json::object()}};
  EXPECT_THAT(check(s, "a: 1\n"),
              ElementsAre("wf.yaml:1:1: error: unknown key 'a' in 'with' of outbox.email, which "
                          "takes no keys"));
}

TEST(SchemaValidate, TypeUnions) {
  json s = {{"type", "object"},
            {"properties", {{"v", {{"type", json::array({"string", "null"})}}}}}};
  EXPECT_THAT(check(s, "v: ~\n"), IsEmpty());
  EXPECT_THAT(check(s, "v: 3\n"),
              ElementsAre("wf.yaml:1:4: error: 'v' must be a string or null, got 3"));
}

// ---- checkWellFormed

TEST(SchemaWellFormed, AcceptsTheWholeSubset) {
  EXPECT_THAT(checkWellFormed(kEmail), IsEmpty());
  json s = json::parse(R"({"type": ["string", "null"], "title": "t", "description": "d",
                           "default": null, "minLength": 0})");
  EXPECT_THAT(checkWellFormed(s), IsEmpty());
}

TEST(SchemaWellFormed, UnknownKeywordNamesTheKnownOnes) {
  json s = json::parse(
      R"({"type": "object", "properties": {"to": {"type": "string", "format": "email"}}})");
  EXPECT_THAT(checkWellFormed(s),
              ElementsAre("/properties/to: unknown keyword 'format' (known keywords: type, "
                          "properties, required, additionalProperties, enum, minimum, maximum, "
                          "minLength, maxLength, pattern, items, default, description, title, "
                          "x-secret, x-templated, x-segment, x-message, x-locales)"));
}

TEST(SchemaWellFormed, ReportsEachKindOfMistake) {
  auto problems = [](const char* text) { return checkWellFormed(json::parse(text)); };
  EXPECT_THAT(problems(R"({"type": "text"})"),
              ElementsAre("top level: unknown type \"text\" (known types: string, number, "
                          "integer, boolean, object, array, null)"));
  EXPECT_THAT(problems(R"({"type": []})"),
              ElementsAre("top level: 'type' must be a type name or a non-empty list of them, "
                          "got a list"));
  EXPECT_THAT(problems(R"({"type": "object", "properties": {"a": {}}, "required": ["b"]})"),
              ElementsAre("top level: 'required' names \"b\", which is not in 'properties'"));
  EXPECT_THAT(problems(R"({"properties": {"a": 3}})"),
              ElementsAre("/properties/a: a schema must be a JSON object, got 3"));
  EXPECT_THAT(problems(R"({"type": "string", "pattern": "(["})"),
              ::testing::ElementsAre(::testing::StartsWith(
                  "top level: 'pattern' \"([\" is not a valid ECMAScript regular expression: ")));
  EXPECT_THAT(problems(R"({"minimum": 5, "maximum": 1})"),
              ElementsAre("top level: 'minimum' (5) is greater than 'maximum' (1)"));
  EXPECT_THAT(problems(R"({"minLength": -1})"),
              ElementsAre("top level: 'minLength' must be a non-negative integer, got -1"));
  EXPECT_THAT(problems(R"({"type": "integer", "x-templated": true})"),
              ElementsAre("top level: 'x-templated' is only allowed on string properties "
                          "(\"type\": \"string\")"));
  EXPECT_THAT(problems(R"({"type": "string", "x-templated": "markdown"})"),
              ElementsAre("top level: 'x-templated' must be true (text), \"html\" (HTML-escaped "
                          "output) or false, got \"markdown\""));
  EXPECT_THAT(problems(R"({"type": "object", "x-message": true})"),
              ElementsAre("top level: 'x-message' is only allowed on string properties "
                          "(\"type\": \"string\")"));
  EXPECT_THAT(problems(R"({"type": "string", "x-locales": true})"),
              ElementsAre("top level: 'x-locales' is only allowed on object properties "
                          "(\"type\": \"object\")"));
  EXPECT_THAT(problems(R"({"type": "object", "x-locales": 1})"),
              ElementsAre("top level: 'x-locales' must be true or false, got 1"));
  EXPECT_THAT(problems(R"({"x-secret": "yes"})"),
              ElementsAre("top level: 'x-secret' must be true or false, got \"yes\""));
  EXPECT_THAT(problems(R"({"type": "string", "enum": ["a", 1]})"),
              ElementsAre("top level: 'enum' value 1 is not of the declared type"));
  EXPECT_THAT(problems(R"({"enum": []})"),
              ElementsAre("top level: 'enum' must be a non-empty list of allowed values, got a "
                          "list"));
  EXPECT_THAT(problems(R"({"type": "integer", "maximum": 10, "default": 20})"),
              ElementsAre("top level: 'default' is not valid: it must be an integer of at most "
                          "10, got 20"));
  EXPECT_THAT(problems(R"({"additionalProperties": 1, "items": true})"),
              ElementsAre("top level: 'additionalProperties' must be true, false or a schema, "
                          "got 1",
                          "top level: 'items' must be a schema (an object), got true"));
  EXPECT_THAT(problems("[]"), ElementsAre("top level: a schema must be a JSON object, got a list"));
}

// ---- paths and defaults

TEST(SchemaPaths, TemplatedAndSecret) {
  EXPECT_THAT(templatedPaths(kEmail), ElementsAre("/headers/*", "/subject", "/text"));
  const json marked = json::parse(R"({"type": "object", "properties": {
    "html": {"type": "string", "x-templated": "html"}, "text": {"type": "string", "x-templated": true},
    "plain": {"type": "string", "x-templated": false},
    "message": {"type": "string", "x-message": true},
    "locales": {"type": "object", "x-locales": true}}})");
  const auto fields = templatedFields(marked);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].pointer, "/html");
  EXPECT_TRUE(fields[0].html);
  EXPECT_EQ(fields[1].pointer, "/text");
  EXPECT_FALSE(fields[1].html);
  EXPECT_THAT(templatedPaths(marked), ElementsAre("/html", "/text"));
  EXPECT_THAT(messagePaths(marked), ElementsAre("/message"));
  EXPECT_THAT(localesPaths(marked), ElementsAre("/locales"));
  EXPECT_THAT(secretPaths(kEmail), ElementsAre("/api_key"));
  json s = {
      {"type", "object"},
      {"properties",
       {{"a/b", {{"type", "array"}, {"items", {{"type", "string"}, {"x-templated", true}}}}}}}};
  EXPECT_THAT(templatedPaths(s), ElementsAre("/a~1b/*"));
}

TEST(SchemaWellFormed, XSegmentOnlyWhereARuleFits) {
  auto problems = [](const char* text) { return checkWellFormed(json::parse(text)); };
  EXPECT_THAT(problems(R"({"type": "object", "properties": {
                 "a": {"type": ["object", "array"], "x-segment": true},
                 "b": {"x-segment": true},
                 "c": {"type": "string", "x-segment": false}}})"),
              IsEmpty());
  EXPECT_THAT(problems(R"({"type": "integer", "x-segment": true})"),
              ElementsAre("top level: 'x-segment' is only allowed on properties that can hold a "
                          "segment rule (\"type\" object, array or string, or no \"type\")"));
  EXPECT_THAT(problems(R"({"type": "object", "x-segment": "yes"})"),
              ElementsAre("top level: 'x-segment' must be true or false, got \"yes\""));
}

TEST(SchemaPaths, Segment) {
  json s = json::parse(R"({"type": "object", "properties": {
      "rule": {"type": "object", "x-segment": true},
      "more": {"type": "array", "items": {"x-segment": true}},
      "map": {"type": "object", "additionalProperties": {"x-segment": true}},
      "text": {"type": "string"}}})");
  EXPECT_THAT(segmentPaths(s), ElementsAre("/map/*", "/more/*", "/rule"));
}

TEST(SchemaDefaults, FillsAbsentPropertiesRecursively) {
  json v = {{"from", "a@b.c"}, {"options", json::object()}, {"mode", "slow"}};
  json out = withDefaults(kEmail, v);
  EXPECT_EQ(out["batch"], 100);
  EXPECT_EQ(out["mode"], "slow");
  EXPECT_EQ(out["options"]["track"], true);
  EXPECT_FALSE(out.contains("subject"));
  EXPECT_EQ(withDefaults(kEmail, json(3)), json(3));
}

}  // namespace
}  // namespace herald::schema
