#pragma once
// The personalize step's config, read once at create(): which variables it
// computes (content blocks, computed values, recommendations), each block's
// or value's cases in order, and the semantic checks the schema cannot make
// (names that templates can read, no case after a fallback, no two outputs
// with one name). Problems go to the host at their JSON pointer.
#include <herald/sdk.hpp>
#include <optional>
#include <string>
#include <vector>

namespace herald::personalize {

// One case of a block or value: chosen for a contact when its rule matches
// (or always, for the fallback without `when`).
struct Case {
  std::string pointer;              // "/blocks/hero/0": the case in the config
  std::optional<std::string> when;  // "/blocks/hero/0/when", absent for a fallback
  std::string rule_key;             // the rule as JSON text: equal rules share one query
  std::string field;                // "/blocks/hero/0/content" or ".../value"
};

// A variable chosen by cases: a content block or a computed value.
struct Output {
  std::string name;    // the variable: vars.NAME
  bool block = false;  // content block (rendered HTML) or computed value
  std::vector<Case> cases;
};

struct Recommendations {
  uint32_t count = 3;
  std::string as = "recommendations";
};

struct Plan {
  std::vector<Output> outputs;  // blocks first, then values, each in config order
  std::optional<Recommendations> recommendations;
};

// Reads `config` (already validated against kSchema, defaults filled in).
// Each semantic problem is reported with ctx.diagnostic() at its pointer;
// the SDK refuses the config when there was any.
Plan readPlan(herald::StepContext& ctx, const nlohmann::json& config);

// True for names a template can read as vars.NAME: [A-Za-z_][A-Za-z0-9_]*.
bool isIdentifier(const std::string& name);

}  // namespace herald::personalize
