// The fake host checks what the daemon checks: configs against the schema
// with the daemon's own validator and messages (the shared table
// tests/plugin_abi/config_refusals.json, which tests/plugin_abi runs against
// the daemon), branch labels against the declared ones, a second complete()
// and malformed JSON pointers recorded in bugs(). Also Contact::attribute<T>,
// for attributes that arrive as strings from CSV imports.
#include <gtest/gtest.h>

#include <fstream>
#include <herald/sdk.hpp>
#include <herald/testing.hpp>

namespace {

using herald::testing::Host;
using herald::testing::TestContact;

TEST(FakeHost, RefusesTheSharedTableOfConfigsWithTheDaemonsMessages) {
  std::ifstream in(HERALD_CONFIG_REFUSALS);
  const auto table = nlohmann::json::parse(in);
  const auto plugin = herald::testing::Plugin::load(HERALD_STRICT_PLUGIN);
  Host host;
  ASSERT_GE(table["cases"].size(), 10u);
  for (const auto& c : table["cases"]) {
    auto& step = host.create(plugin, "strict.step", c["config"]);
    EXPECT_FALSE(step.ok()) << c.dump();
    EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
    ASSERT_EQ(step.diagnostics().size(), 1u) << c.dump() << "\n" << step.diagnosticsText();
    EXPECT_EQ(step.diagnostics()[0].pointer, c["pointer"].get<std::string>()) << c.dump();
    EXPECT_EQ(step.diagnostics()[0].message, c["message"].get<std::string>()) << c.dump();
  }
  // A valid one passes, with its defaults, and nothing was a plugin bug.
  auto& fine = host.create(plugin, "strict.step", {{"subject", "Hi"}});
  EXPECT_TRUE(fine.ok()) << fine.diagnosticsText();
  EXPECT_EQ(fine.config()["batch"], 10);
  EXPECT_TRUE(host.bugs().empty());
}

class Chooser : public herald::Step {
 public:
  static constexpr const char* kName = "chooser.step";
  static constexpr const char* kSummary = "Takes the branch its config names";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {
    "label": {"type": "string"}, "twice": {"type": "boolean", "default": false},
    "pointer": {"type": "string"}}})";
  static constexpr const char* kBranches[] = {"yes", "no"};

  Chooser(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), label_(config.value("label", "yes")), twice_(config.at("twice") == true) {
    if (config.contains("pointer"))
      throw herald::ConfigError(config["pointer"].get<std::string>(), "not like that");
  }
  void run(herald::Batch batch) override {
    for (size_t i = 0; i < batch.size(); ++i) batch.set(i, herald::Branch{label_});
    batch.complete();
    if (twice_) batch.complete();
  }

 private:
  std::string label_;
  bool twice_;
};

TEST(FakeHost, AnUndeclaredBranchIsThePluginsBugAndFailsTheContact) {
  Host host;
  auto& step = host.create<Chooser>({{"label", "maybe"}});
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  const auto result = step.run({{.id = 1}});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_FAIL);
  const std::string bug =
      "plugin 'chooser' (step type 'chooser.step') returned the branch 'maybe', which it never "
      "declared (it declares 'yes' and 'no'); a bug in the plugin, not in the workflow";
  EXPECT_EQ(result.outcomes[0].reason, bug);
  ASSERT_EQ(host.bugs().size(), 1u);
  EXPECT_EQ(host.bugs()[0], bug);

  auto& fine = host.create<Chooser>({{"label", "no"}});
  EXPECT_EQ(fine.run({{.id = 1}}).outcomes[0].branch, "no");
  EXPECT_EQ(host.bugs().size(), 1u);
}

TEST(FakeHost, ASecondCompleteIsRecordedInBugs) {
  Host host;
  auto& step = host.create<Chooser>({{"twice", true}});
  const auto result = step.run({{.id = 1}});
  EXPECT_TRUE(result.ok());
  ASSERT_EQ(host.bugs().size(), 1u);
  EXPECT_EQ(host.bugs()[0],
            "plugin bug: herald::Batch::complete() called on a batch that was already completed; "
            "ignored");
}

TEST(FakeHost, AMalformedJsonPointerIsRecordedInBugs) {
  Host host;
  auto& step = host.create<Chooser>({{"pointer", "label"}});
  EXPECT_FALSE(step.ok());
  ASSERT_EQ(host.bugs().size(), 1u);
  EXPECT_EQ(host.bugs()[0],
            "plugin 'chooser' (step type 'chooser.step') reported a problem at 'label', which is "
            "not a JSON pointer (RFC 6901: \"\" or \"/field/0\")");
  auto& good = host.create<Chooser>({{"pointer", "/label"}});
  EXPECT_FALSE(good.ok());
  EXPECT_EQ(host.bugs().size(), 1u);
}

// attribute<T>: what a step reads from attributes a CSV import stored as text.
class Spend : public herald::Step {
 public:
  static constexpr const char* kName = "spend.step";
  static constexpr const char* kSummary = "Reads typed attributes";
  static constexpr const char* kSchema = R"({"type": "object"})";
  Spend(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {}
  void run(herald::Batch batch) override {
    for (size_t i = 0; i < batch.size(); ++i) {
      const herald::Contact c = batch.contact(i);
      nlohmann::json v = nlohmann::json::object();
      auto put = [&](const char* key, const auto& opt) {
        v[key] = opt ? nlohmann::json(*opt) : nlohmann::json();
      };
      put("spend", c.attribute<double>("total_spend"));
      put("orders", c.attribute<int>("orders"));
      put("vip", c.attribute<bool>("vip"));
      put("plan", c.attribute<std::string>("plan"));
      put("missing", c.attribute<double>("nope"));
      put("small", c.attribute<uint8_t>("orders"));
      batch.set(i, herald::Continue{v});
    }
    batch.complete();
  }
};

TEST(Attribute, ConvertsStringsFromCsvImportsAndRefusesWhatIsNotANumber) {
  Host host;
  auto& step = host.create<Spend>(nlohmann::json::object());
  const auto r = step.run({
      {.id = 1,
       .attributes = {{"total_spend", "12.50"}, {"orders", " 42 "}, {"vip", "Yes"}, {"plan", 3}}},
      {.id = 2, .attributes = {{"total_spend", 7.25}, {"orders", 300}, {"vip", true}}},
      {.id = 3, .attributes = {{"total_spend", "n/a"}, {"orders", "4.5"}, {"vip", "maybe"}}},
      {.id = 4, .attributes = {{"total_spend", "1e400"}, {"orders", "1e3"}, {"plan", nullptr}}},
  });
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& a = r.outcomes[0].vars;
  EXPECT_EQ(a["spend"], 12.5);
  EXPECT_EQ(a["orders"], 42);
  EXPECT_EQ(a["vip"], true);
  EXPECT_EQ(a["plan"], "3");
  EXPECT_TRUE(a["missing"].is_null());
  EXPECT_EQ(a["small"], 42);
  const auto& b = r.outcomes[1].vars;
  EXPECT_EQ(b["spend"], 7.25);
  EXPECT_EQ(b["orders"], 300);
  EXPECT_TRUE(b["small"].is_null());  // 300 does not fit a uint8_t
  const auto& c = r.outcomes[2].vars;
  EXPECT_TRUE(c["spend"].is_null());
  EXPECT_TRUE(c["orders"].is_null());  // not a whole number
  EXPECT_TRUE(c["vip"].is_null());
  const auto& d = r.outcomes[3].vars;
  EXPECT_TRUE(d["spend"].is_null());  // out of a double's range
  EXPECT_EQ(d["orders"], 1000);
  EXPECT_TRUE(d["plan"].is_null());
}

}  // namespace
