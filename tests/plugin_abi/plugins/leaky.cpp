// Misuses what the host hands it, to show the host keeps the blame and the
// secrets where they belong:
//   leaky.send      echoes its x-secret `api_key` everywhere a plugin can
//                   write text: the log, a dry-run preview, Exit and Fail
//                   reasons, a failed batch; with `complain: true` also a
//                   config diagnostic.
//   leaky.branchy   declares the branches 'yes' and 'no' but returns 'maybe'.
//   leaky.badptr    reports a config problem at the malformed JSON pointer
//                   "subject" (no leading '/').
#include <herald/sdk.hpp>

namespace {

class Send : public herald::Step {
 public:
  static constexpr const char* kName = "leaky.send";
  static constexpr const char* kSummary = "Echoes its secret api_key everywhere (test plugin)";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY;
  static constexpr const char* kChannel = "email";
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "api_key": {"type": "string", "minLength": 8, "x-secret": true},
      "complain": {"type": "boolean", "default": false}
    },
    "required": ["api_key"]
  })";

  Send(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), key_(config.at("api_key").get<std::string>()) {
    if (config.at("complain") == true)
      throw herald::ConfigError("/api_key", "the provider refuses the key " + key_);
  }

  void run(herald::Batch batch) override {
    context().info("sending with api key " + key_);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch.dryRun()) batch.preview(i, "Authorization: Bearer " + key_);
      if (i % 2 == 0) {
        batch.set(i, herald::Fail{"the provider said key " + key_ + " is revoked"});
      } else {
        batch.set(i, herald::Exit{{}, "sent with key " + key_});
      }
    }
    batch.complete();
  }

 private:
  std::string key_;
};

class Branchy : public herald::Step {
 public:
  static constexpr const char* kName = "leaky.branchy";
  static constexpr const char* kSummary = "Returns a branch it never declared (test plugin)";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {}})";
  static constexpr const char* kBranches[] = {"yes", "no"};

  Branchy(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {}

  void run(herald::Batch batch) override {
    for (size_t i = 0; i < batch.size(); ++i) batch.set(i, herald::Branch{"maybe"});
    batch.complete();
  }
};

class BadPointer : public herald::Step {
 public:
  static constexpr const char* kName = "leaky.badptr";
  static constexpr const char* kSummary = "Reports a problem at a malformed JSON pointer";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {
    "subject": {"type": "string"}}})";

  BadPointer(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {
    throw herald::ConfigError("subject", "the subject is too long for this provider");
  }

  void run(herald::Batch batch) override { batch.complete(); }
};

}  // namespace

HERALD_PLUGIN("leaky", "1.0.0", "Misbehaves with secrets, branches and pointers", Send, Branchy,
              BadPointer)
