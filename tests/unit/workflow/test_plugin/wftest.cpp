// wftest: a plugin for the workflow validation tests. Its step type has a
// schema with nested keys and a semantic check the schema cannot express,
// reported against a JSON pointer, as real plugins do.
#include <herald/sdk.hpp>

namespace {

class Send : public herald::Step {
 public:
  static constexpr const char* kName = "wftest.send";
  static constexpr const char* kSummary = "Test step that checks its limits";
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "subject": {"type": "string", "minLength": 1, "x-templated": true},
      "mode": {"type": "string", "enum": ["fast", "slow"]},
      "limits": {
        "type": "object",
        "properties": {
          "hourly": {"type": "integer", "minimum": 1},
          "daily": {"type": "integer", "minimum": 1}
        }
      }
    },
    "required": ["subject"],
    "additionalProperties": false
  })";

  Send(herald::StepContext& ctx, const nlohmann::json& config) : Step(ctx) {
    if (config.contains("limits")) {
      const auto& l = config["limits"];
      if (l.contains("hourly") && l.contains("daily") &&
          l["daily"].get<int>() < l["hourly"].get<int>())
        ctx.diagnostic("/limits/daily", "daily must be at least hourly");
    }
    if (config["subject"].get<std::string>() == "forbidden")
      throw herald::ConfigError("/subject", "this subject is not allowed");
  }

  void run(herald::Batch batch) override {
    for (size_t i = 0; i < batch.size(); ++i) batch.set(i, herald::Continue{});
    batch.complete();
  }
};

// ABI 1.1: declares branch labels and holds a segment rule (x-segment).
class Pick : public herald::Step {
 public:
  static constexpr const char* kName = "wftest.pick";
  static constexpr const char* kSummary = "Test step that branches yes or no";
  static constexpr const char* kBranches[] = {"yes", "no"};
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {"who": {"type": ["object", "array"], "x-segment": true}}
  })";

  Pick(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {}

  void run(herald::Batch batch) override {
    for (size_t i = 0; i < batch.size(); ++i) batch.set(i, herald::Branch{"yes"});
    batch.complete();
  }
};

}  // namespace

HERALD_PLUGIN("wftest", "1.0.0", "Workflow validation test plugin", Send, Pick)
