#include "workflow/json_schema.hpp"

#include <gtest/gtest.h>

#include "workflow/builtins.hpp"

namespace herald::workflow {
namespace {

TEST(JsonSchema, HasEveryStepTypeWithItsWithSchema) {
  plugin::Registry registry;
  registerBuiltins(registry);
  registry.loadDirectory(WFTEST_PLUGIN_DIR);
  const nlohmann::json s = workflowJsonSchema(registry);
  EXPECT_EQ(s["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(s["required"], nlohmann::json({"name", "trigger", "steps"}));
  const auto& step = s["definitions"]["step"];
  const auto& rules = step["allOf"];
  const auto types = registry.stepTypes();
  ASSERT_EQ(rules.size(), types.size());
  ASSERT_EQ(step["properties"]["uses"]["oneOf"].size(), types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    const auto* t = types[i];
    EXPECT_EQ(rules[i]["if"]["properties"]["uses"]["const"], t->name);
    nlohmann::json expected = toDraft07(t->schema);
    if (t->builtin) addEditorHints(t->name, expected);
    EXPECT_EQ(rules[i]["then"]["properties"]["with"], expected) << t->name;
    EXPECT_EQ(step["properties"]["uses"]["oneOf"][i]["const"], t->name);
    // Draft-07 must read the config the way Herald does: its keys and nothing else.
    for (const auto& [key, sub] : t->schema["properties"].items())
      EXPECT_TRUE(rules[i]["then"]["properties"]["with"]["properties"].contains(key)) << key;
    EXPECT_EQ(rules[i]["then"]["properties"]["with"]["properties"].size(),
              t->schema["properties"].size());
    EXPECT_EQ(rules[i]["then"]["properties"]["with"]["additionalProperties"], false);
  }
  EXPECT_NE(registry.find("wftest.send"), nullptr);
}

TEST(JsonSchema, Draft07ClosesObjectsThatListProperties) {
  const nlohmann::json in = {
      {"type", "object"},
      {"properties",
       {{"a", {{"type", "object"}, {"properties", {{"b", {{"type", "string"}}}}}}},
        {"m", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}};
  const nlohmann::json out = toDraft07(in);
  EXPECT_EQ(out["additionalProperties"], false);
  EXPECT_EQ(out["properties"]["a"]["additionalProperties"], false);
  EXPECT_EQ(out["properties"]["m"]["additionalProperties"], nlohmann::json({{"type", "string"}}));
}

TEST(JsonSchema, EditorHintsForWaits) {
  nlohmann::json wait = {
      {"properties", {{"duration", {{"type", "string"}}}, {"until", {{"type", "string"}}}}}};
  addEditorHints("wait", wait);
  EXPECT_EQ(wait["properties"]["duration"]["pattern"], "^([0-9]+(ms|s|m|h|d|w))+$");
  EXPECT_TRUE(wait["properties"]["until"].contains("pattern"));
  nlohmann::json other = wait;
  addEditorHints("exit", other);
  EXPECT_EQ(other, wait);
}

}  // namespace
}  // namespace herald::workflow
