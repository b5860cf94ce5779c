// The shared table of refused configs (config_refusals.json) against the
// daemon's side: strict.so loaded by the Registry, each config validated as
// `herald validate` validates a step's `with:`. tests/sdk runs the same
// table against the fake host of herald/testing.hpp.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "plugin/registry.hpp"
#include "schema/schema.hpp"

namespace {

TEST(ConfigRefusals, TheDaemonRefusesEachCaseWithTheTablesMessage) {
  std::ifstream in(HERALD_CONFIG_REFUSALS);
  const auto table = nlohmann::json::parse(in);
  herald::plugin::Registry registry;
  ASSERT_TRUE(registry.loadFile(HERALD_STRICT_PLUGIN));
  const auto* type = registry.find("strict.step");
  ASSERT_NE(type, nullptr);
  ASSERT_GE(table["cases"].size(), 10u);
  for (const auto& c : table["cases"]) {
    // The place each pointer stands in the workflow file, as the loader records it.
    std::map<std::string, herald::SourcePos> positions;
    positions[c["pointer"].get<std::string>()] = {"w.yaml", 7, 9};
    herald::Diagnostics diags;
    herald::schema::validate(type->schema, c["config"], positions, {"w.yaml", 6, 5},
                             "'with' of strict.step", diags);
    ASSERT_EQ(diags.items().size(), 1u) << c.dump();
    EXPECT_EQ(diags.items()[0].message, c["message"].get<std::string>()) << c.dump();
    EXPECT_EQ(diags.items()[0].pos.line, 7) << c.dump();
  }
}

}  // namespace
