// hello: a minimal Herald plugin. Its one step type, hello.greet, stores a
// personal greeting in a journey variable of every contact it sees.
#include <herald/sdk.hpp>

namespace {

class Greet : public herald::Step {
 public:
  static constexpr const char* kName = "hello.greet";
  static constexpr const char* kSummary = "Stores a personal greeting in a journey variable";
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "greeting": {
        "type": "string", "minLength": 1, "x-templated": true,
        "default": "Hello {{ contact.first_name }}!",
        "description": "The greeting, rendered for each contact"
      },
      "variable": {
        "type": "string", "pattern": "^[a-z_][a-z0-9_]*$", "default": "greeting",
        "description": "The journey variable that receives the greeting"
      }
    },
    "additionalProperties": false
  })";

  // The config was validated against kSchema (defaults filled in) before we
  // get it; only checks the schema cannot express remain.
  Greet(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), variable_(config.at("variable").get<std::string>()) {
    if (variable_.starts_with("herald_")) {
      throw herald::ConfigError("/variable", "'" + variable_ +
                                                 "' is reserved: variables starting with "
                                                 "'herald_' belong to Herald");
    }
  }

  void run(herald::Batch batch) override {
    for (size_t i = 0; i < batch.size(); ++i) {
      // The host rendered the x-templated field for this contact.
      const nlohmann::json& config = batch.contact(i).config();
      nlohmann::json vars = {{variable_, config.value("greeting", "")}};
      batch.set(i, herald::Continue{vars});
    }
    context().counter("greetings_total", static_cast<double>(batch.size()));
    batch.complete();
  }

 private:
  std::string variable_;
};

}  // namespace

HERALD_PLUGIN("hello", "1.0.0", "Greets contacts by name", Greet)
