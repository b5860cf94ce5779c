// loadYaml: the alias budget that keeps a "billion laughs" file from
// keeping a walk over its nodes busy for ever, and the loop check.
#include "util/yaml_load.hpp"

#include <gtest/gtest.h>

#include <string>

#include "util/yaml_json.hpp"

namespace herald {
namespace {

// `levels` anchors, each a list of nine aliases of the one before.
std::string laughs(int levels) {
  std::string text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < levels; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

// The YamlAliasError that loading `text` throws (a test failure when none).
YamlAliasError refusal(const std::string& text) {
  try {
    (void)loadYaml(text);
  } catch (const YamlAliasError& e) {
    return e;
  }
  ADD_FAILURE() << "loaded: " << text;
  return YamlAliasError(YAML::Mark::null_mark(), "");
}

TEST(LoadYaml, ABillionLaughsIsRefusedAtTheAliasThatPassesTheBudget) {
  // l1..l4 repeat 90 + 819 + 7380 + 66429 nodes; the first *l4 passes 100,000.
  const YamlAliasError e = refusal(laughs(9));
  EXPECT_EQ(e.mark.line + 1, 6);
  EXPECT_EQ(e.mark.column + 1, 10);
  EXPECT_EQ(e.msg,
            "alias '*l4' makes the aliases of this file repeat more than 100000 nodes (the "
            "limit; anchors whose aliases repeat other anchors multiply): write the repeated "
            "part out, or repeat less");
}

TEST(LoadYaml, AliasesWithinTheBudgetLoadAsBefore) {
  const YAML::Node root = loadYaml(laughs(5));  // 74,718 repeated nodes
  EXPECT_EQ(root["l4"].size(), 9u);
  const YAML::Node merged = loadYaml(
      "defaults: &d {from: a@example.com, retry: 3}\n"
      "step: {<<: *d, subject: Hi}\n");
  EXPECT_EQ(yamlToJson(merged["defaults"])["retry"], 3);
  EXPECT_EQ(merged["step"]["subject"].as<std::string>(), "Hi");
}

TEST(LoadYaml, AnAliasInsideItsOwnAnchorIsALoop) {
  const YamlAliasError e = refusal("name: x\nsteps: &s [a, {b: *s}]\n");
  EXPECT_EQ(e.mark.line + 1, 2);
  EXPECT_EQ(e.mark.column + 1, 19);
  EXPECT_EQ(e.msg,
            "alias '*s' refers to the node it is inside of (a loop); an alias can only repeat a "
            "node that is complete");
}

TEST(LoadYaml, SyntaxErrorsStayParserExceptions) {
  EXPECT_THROW((void)loadYaml("a: [1, 2\n"), YAML::ParserException);
  EXPECT_THROW((void)loadYaml("a: *nowhere\n"), YAML::ParserException);
  EXPECT_THROW((void)loadYamlFile("/nonexistent/herald.yaml"), YAML::BadFile);
}

}  // namespace
}  // namespace herald
