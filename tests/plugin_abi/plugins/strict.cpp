// A step type with a schema that uses most of the subset, for the shared
// table of refused configs (config_refusals.json): the daemon and the fake
// host must refuse each one with the same message.
#include <herald/sdk.hpp>

namespace {

class Strict : public herald::Step {
 public:
  static constexpr const char* kName = "strict.step";
  static constexpr const char* kSummary = "Accepts only what its schema allows (test plugin)";
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "subject": {"type": "string", "minLength": 1, "maxLength": 20},
      "batch": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10},
      "mode": {"enum": ["fast", "slow"]},
      "from": {"type": "string", "pattern": "^[^@]+@[^@]+$"},
      "tags": {"type": "array", "items": {"type": "string"}},
      "token": {"type": "string", "pattern": "^tk_", "x-secret": true},
      "limits": {"type": "object", "properties": {"per_hour": {"type": "number", "minimum": 0}}}
    },
    "required": ["subject"],
    "additionalProperties": false
  })";

  Strict(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {}
  void run(herald::Batch batch) override { batch.complete(); }
};

}  // namespace

HERALD_PLUGIN("strict", "1.0.0", "A strict schema for the shared refusal table", Strict)
