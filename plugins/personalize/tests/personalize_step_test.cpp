// The personalize step through the fake host: which case each contact gets,
// values that stay numbers or come rendered per contact, recommendations
// passed through, the config checks, and what happens when the host cannot
// answer.
#include <gtest/gtest.h>

#include <herald/testing.hpp>

namespace {

using herald::testing::Host;
using herald::testing::Plugin;
using herald::testing::TestContact;
using nlohmann::json;

const Plugin& plugin() {
  static const Plugin p = Plugin::load(PERSONALIZE_PLUGIN_FILE);
  return p;
}

const json kChampions = {{"rfm", "champions"}};
const json kLoyal = {{"rfm", json::array({"champions", "loyal"})}};
const json kAtRisk = {{"rfm", json::array({"at_risk", "cant_lose"})}};

// The example of the README, as the workflow loader hands it over.
json exampleConfig() {
  return {
      {"blocks",
       {{"hero",
         {{{"when", kLoyal},
           {"content", "<h2>Thank you, {{ contact.first_name | default: 'friend' }}</h2>"}},
          {{"content", "<h2>New this week</h2>"}}}}}},
      {"values",
       {{"discount",
         {{{"when", kChampions}, {"value", 20}},
          {{"when", kAtRisk}, {"value", 25}},
          {{"value", 10}}}},
        {"greeting", {{{"value", "{{ contact.first_name | default: 'there' | capitalize }}"}}}}}},
      {"recommendations", {{"count", 3}, {"as", "picks"}}}};
}

// What the host renders for a contact called `first`: the x-templated
// fields (content and string values) with the contact's data in.
json renderedFor(const std::string& first) {
  json c = exampleConfig();
  c["blocks"]["hero"][0]["content"] = "<h2>Thank you, " + first + "</h2>";
  c["values"]["greeting"][0]["value"] = first;
  return c;
}

json product(const std::string& id, double price) {
  return {{"id", id},         {"name", "Product " + id}, {"url", "https://shop.example/p/" + id},
          {"image", nullptr}, {"price", price},          {"currency", "EUR"},
          {"score", 0.4},     {"reason", "also-bought"}};
}

TEST(PersonalizePlugin, TheDescriptorMarksRulesAndTemplates) {
  EXPECT_TRUE(plugin().problems().empty());
  const herald_step_type* t = plugin().find("personalize");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->branches, nullptr);
  EXPECT_EQ(t->flags, 0u);
  const json schema = json::parse(t->config_schema);
  const json& block = schema["properties"]["blocks"]["additionalProperties"]["items"];
  EXPECT_EQ(block["properties"]["when"]["x-segment"], true);
  EXPECT_EQ(block["properties"]["content"]["x-templated"], "html");
  const json& value = schema["properties"]["values"]["additionalProperties"]["items"];
  EXPECT_EQ(value["properties"]["when"]["x-segment"], true);
  EXPECT_EQ(value["properties"]["value"]["x-templated"], true);
  EXPECT_GE(plugin().descriptor().abi_minor, 2u) << "needs ABI 1.2 or later (recommend)";
}

TEST(PersonalizePlugin, TheFirstMatchingCaseWinsAndTheFallbackTakesTheRest) {
  Host host;
  auto& step = host.create(plugin(), "personalize", exampleConfig());
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  const auto r = step.run({
      // A champion: also in the loyal rule, and the first discount case.
      {.id = 1,
       .first_name = "Ann",
       .config = renderedFor("Ann"),
       .segments = {{"/blocks/hero/0/when", true}, {"/values/discount/0/when", true}},
       .recommendations = {product("a", 10), product("b", 20), product("c", 30), product("d", 1)}},
      // At risk: the second discount case, the fallback hero.
      {.id = 2,
       .first_name = "Bob",
       .config = renderedFor("Bob"),
       .segments = {{"/values/discount/1/when", true}},
       .recommendations = {product("e", 5)}},
      // Nothing matches: fallbacks everywhere, no purchases at all.
      {.id = 3, .config = renderedFor("There")},
  });
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.outcomes.size(), 3u);
  for (const auto& o : r.outcomes) EXPECT_EQ(o.kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(r.outcomes[0].vars["hero"], "<h2>Thank you, Ann</h2>");
  EXPECT_EQ(r.outcomes[0].vars["discount"], 20);
  EXPECT_TRUE(r.outcomes[0].vars["discount"].is_number()) << "numbers stay numbers";
  EXPECT_EQ(r.outcomes[0].vars["greeting"], "Ann");
  EXPECT_EQ(r.outcomes[0].vars["picks"],
            json::array({product("a", 10), product("b", 20), product("c", 30)}));
  EXPECT_EQ(r.outcomes[1].vars["hero"], "<h2>New this week</h2>");
  EXPECT_EQ(r.outcomes[1].vars["discount"], 25);
  EXPECT_EQ(r.outcomes[1].vars["greeting"], "Bob");
  EXPECT_EQ(r.outcomes[1].vars["picks"], json::array({product("e", 5)}));
  EXPECT_EQ(r.outcomes[2].vars["hero"], "<h2>New this week</h2>");
  EXPECT_EQ(r.outcomes[2].vars["discount"], 10);
  EXPECT_EQ(r.outcomes[2].vars["picks"], json::array());
  EXPECT_EQ(host.segmentMatchCalls(), 3) << "one query per rule and batch";
  EXPECT_EQ(host.recommendCalls(), std::vector<uint32_t>{3}) << "one call per batch";
  EXPECT_EQ(host.counter("personalized_total"), 3.0);
  EXPECT_TRUE(host.bugs().empty());
}

TEST(PersonalizePlugin, WithoutAFallbackTheVariableIsAbsent) {
  Host host;
  auto& step = host.create(plugin(), "personalize",
                           {{"values", {{"vip_note", {{{"when", kChampions}, {"value", true}}}}}}});
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  const auto r = step.run({{.id = 1, .segments = {{"/values/vip_note/0/when", true}}}, {.id = 2}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].vars, json({{"vip_note", true}}));
  EXPECT_EQ(r.outcomes[1].vars, json::object());
  EXPECT_EQ(host.recommendCalls().size(), 0u) << "no recommendations configured";
}

TEST(PersonalizePlugin, EqualRulesShareOneQueryAndDecidedBatchesAskNoMore) {
  Host host;
  auto& step = host.create(plugin(), "personalize", json::parse(R"({
    "blocks": {"banner": [{"when": {"rfm": "champions"}, "content": "<b>VIP</b>"}]},
    "values": {
      "tier": [{"when": {"rfm": "champions"}, "value": "gold"}, {"value": "standard"}],
      "bonus": [{"value": 5}]
    }
  })"));
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  // The same rule in banner and tier: asked once, at the first place it appears.
  auto r = step.run({{.id = 1, .segments = {{"/blocks/banner/0/when", true}}}, {.id = 2}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(host.segmentMatchCalls(), 1);
  EXPECT_EQ(r.outcomes[0].vars, json({{"banner", "<b>VIP</b>"}, {"tier", "gold"}, {"bonus", 5}}));
  EXPECT_EQ(r.outcomes[1].vars, json({{"tier", "standard"}, {"bonus", 5}}));

  // Once every contact has its case, later rules are not asked.
  Host host2;
  auto& step2 = host2.create(
      plugin(), "personalize",
      {{"values",
        {{"discount",
          {{{"when", kChampions}, {"value", 20}}, {{"when", kAtRisk}, {"value", 25}}}}}}});
  r = step2.run({{.id = 1, .segments = {{"/values/discount/0/when", true}}}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["discount"], 20);
  EXPECT_EQ(host2.segmentMatchCalls(), 1);
}

TEST(PersonalizePlugin, RecommendationsAloneUseTheDefaultName) {
  Host host;
  auto& step = host.create(plugin(), "personalize", {{"recommendations", json::object()}});
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  EXPECT_EQ(step.config()["recommendations"], json({{"count", 3}, {"as", "recommendations"}}));
  const auto r = step.run({{.id = 7, .recommendations = {product("x", 1), product("y", 2)}}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].vars,
            json({{"recommendations", json::array({product("x", 1), product("y", 2)})}}));
}

TEST(PersonalizePlugin, AnOlderHostFailsEachJourneyWithAClearReason) {
  Host host;
  host.emulateAbiMinor(1);  // a Herald 1.1 table: no recommend
  auto& step = host.create(plugin(), "personalize", exampleConfig());
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  const auto r = step.run({{.id = 1, .config = renderedFor("Ann")}, {.id = 2}});
  ASSERT_TRUE(r.ok()) << r.error;
  for (const auto& o : r.outcomes) {
    EXPECT_EQ(o.kind, HERALD_OUTCOME_FAIL);
    EXPECT_EQ(o.reason,
              "personalize: recommend(3): this Herald cannot recommend products (it predates "
              "plugin ABI 1.2, or has no store here); upgrade Herald");
  }
  EXPECT_TRUE(host.recommendCalls().empty());
}

TEST(PersonalizePlugin, AFailingStoreFailsTheBatchForARetry) {
  Host host;
  host.setRecommendStatus(HERALD_ERR_INTERNAL);
  auto& step = host.create(plugin(), "personalize", {{"recommendations", {{"count", 5}}}});
  auto r = step.run({{.id = 1}});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "personalize: recommend(5): the host could not compute recommendations (see its log)");

  Host host2;
  host2.setSegmentStatus(HERALD_ERR_INTERNAL);
  auto& step2 = host2.create(plugin(), "personalize", exampleConfig());
  r = step2.run({{.id = 1}});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "personalize: the segment rule at /blocks/hero/0/when could not be evaluated (see the "
            "log)");
}

// The config checks the schema cannot make, each at its JSON pointer.
struct BadConfig {
  const char* name;
  json config;
  std::vector<std::pair<std::string, std::string>> diagnostics;
};

class PersonalizeConfig : public ::testing::TestWithParam<BadConfig> {};

TEST_P(PersonalizeConfig, IsRefusedAtItsPointer) {
  Host host;
  auto& step = host.create(plugin(), "personalize", GetParam().config);
  EXPECT_FALSE(step.ok());
  EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& d : step.diagnostics()) got.emplace_back(d.pointer, d.message);
  EXPECT_EQ(got, GetParam().diagnostics) << step.diagnosticsText();
}

INSTANTIATE_TEST_SUITE_P(
    Checks, PersonalizeConfig,
    ::testing::Values(
        BadConfig{"CaseAfterFallback",
                  {{"blocks",
                    {{"hero",
                      {{{"content", "a"}},
                       {{"when", kChampions}, {"content", "b"}},
                       {{"content", "c"}}}}}}},
                  {{"/blocks/hero/1",
                    "case 2 of block 'hero' can never be chosen: case 1 has no `when`, so it "
                    "matches every contact; move the fallback last, or give it a `when`"},
                   {"/blocks/hero/2",
                    "case 3 of block 'hero' can never be chosen: case 1 has no `when`, so it "
                    "matches every contact; move the fallback last, or give it a `when`"}}},
        BadConfig{"NotAnIdentifier",
                  {{"values", {{"2nd-discount", {{{"value", 1}}}}}}},
                  {{"/values/2nd-discount",
                    "value name '2nd-discount' is not a name templates can read as "
                    "vars.2nd-discount; use letters, digits and '_', not starting with a digit "
                    "(e.g. hero_banner)"}}},
        BadConfig{
            "AsCollidesWithABlock",
            {{"blocks", {{"picks", {{{"content", "x"}}}}}}, {"recommendations", {{"as", "picks"}}}},
            {{"/recommendations/as",
              "`as` 'picks' is already the name of the block at /blocks/picks; each "
              "variable this step sets needs its own name"}}},
        BadConfig{"ValueCollidesWithABlock",
                  {{"blocks", {{"hero", {{{"content", "x"}}}}}},
                   {"values", {{"hero", {{{"value", 1}}}}}}},
                  {{"/values/hero",
                    "value name 'hero' is already the name of the block at /blocks/hero; each "
                    "variable this step sets needs its own name"}}},
        BadConfig{"NoCases",
                  {{"values", {{"discount", json::array()}}}},
                  {{"/values/discount",
                    "value 'discount' has no cases; give it at least one (a case without `when` "
                    "is the fallback that matches every contact)"}}},
        BadConfig{"Nothing",
                  json::object(),
                  {{"",
                    "personalize computes nothing here: give it `blocks`, `values` or "
                    "`recommendations`"}}}),
    [](const ::testing::TestParamInfo<BadConfig>& p) { return std::string(p.param.name); });

}  // namespace
