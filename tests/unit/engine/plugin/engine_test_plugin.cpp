// Step types with controllable behaviour for the engine's tests: async
// completion from another thread, retryable failures, a step that throws, one
// that never completes, branches, waits and a non-idempotent delivery. Built
// with herald_add_plugin() like any plugin, into the test's own directory.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <herald/sdk.hpp>
#include <map>
#include <mutex>
#include <thread>

namespace {

using herald::Batch;
using herald::StepContext;

// Sets vars.note (templated per contact) and vars.seen_<step>.
class Echo : public herald::Step {
 public:
  static constexpr const char* kName = "t.echo";
  static constexpr const char* kSummary = "Continues, recording its templated note in vars";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {
      "note": {"type": "string", "x-templated": true}}, "additionalProperties": false})";
  Echo(StepContext& ctx, const nlohmann::json&) : Step(ctx) {}
  void run(Batch batch) override {
    for (auto it = batch.begin(); it != batch.end(); ++it) {
      auto c = *it;
      nlohmann::json vars = {{"seen_" + std::string(batch.stepId()), true}};
      if (c.config().contains("note")) vars["note"] = c.config()["note"];
      batch.set(it.index(), herald::Continue{vars});
    }
    batch.complete();
  }
};

// Completes from a thread of its own once `gate_file` exists (the test
// creates it from a handler on the engine's io_context: if the engine
// blocked while waiting for the step, the gate would never open).
class Gate : public herald::Step {
 public:
  static constexpr const char* kName = "t.gate";
  static constexpr const char* kSummary = "Completes from another thread when a file appears";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {
      "gate_file": {"type": "string"}}, "required": ["gate_file"],
      "additionalProperties": false})";
  Gate(StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), gate_(config["gate_file"].get<std::string>()) {}
  ~Gate() override {
    for (auto& t : threads_) t.join();
  }
  void run(Batch batch) override {
    const auto caller = std::this_thread::get_id();
    threads_.emplace_back([b = std::move(batch), gate = gate_, caller]() mutable {
      for (int i = 0; i < 2000 && !std::filesystem::exists(gate); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      const bool other_thread = std::this_thread::get_id() != caller;
      for (size_t i = 0; i < b.size(); ++i) {
        b.set(i, herald::Continue{{{"completed_on_other_thread", other_thread}}});
      }
      b.complete();
    });
  }

 private:
  std::string gate_;
  std::vector<std::thread> threads_;
};

// Fails (retryable) the first `failures` calls for each contact whose
// attribute `flaky` is true; continues otherwise.
class Flaky : public herald::Step {
 public:
  static constexpr const char* kName = "t.flaky";
  static constexpr const char* kSummary = "Fails retryably a number of times per contact";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {
      "failures": {"type": "integer", "minimum": 0}}, "required": ["failures"],
      "additionalProperties": false})";
  Flaky(StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), failures_(config["failures"].get<int>()) {}
  void run(Batch batch) override {
    for (auto it = batch.begin(); it != batch.end(); ++it) {
      auto c = *it;
      const bool flaky = c.attributes().value("flaky", false);
      // Counted in the host's durable kv store: every `herald run` creates
      // a new instance.
      const std::string key = "calls/" + std::to_string(c.id());
      int calls = std::stoi(context().kvGet(key).value_or("0")) + 1;
      context().kvPut(key, std::to_string(calls));
      if (flaky && calls <= failures_) {
        batch.set(it.index(),
                  herald::Fail{"provider busy (call " + std::to_string(calls) + ")", true});
      } else {
        batch.set(it.index(), herald::Continue{{{"calls", calls}}});
      }
    }
    batch.complete();
  }

 private:
  int failures_;
};

// Breaks the contract in the way `mode` says.
class Broken : public herald::Step {
 public:
  static constexpr const char* kName = "t.broken";
  static constexpr const char* kSummary = "Throws, or never completes";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {
      "mode": {"type": "string", "enum": ["throw", "never", "fail"]}}, "required": ["mode"],
      "additionalProperties": false})";
  Broken(StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), mode_(config["mode"].get<std::string>()) {}
  void run(Batch batch) override {
    if (mode_ == "throw") throw std::runtime_error("the provider SDK blew up");
    if (mode_ == "fail") {
      batch.fail("provider unavailable");
      return;
    }
    held_.push_back(std::move(batch));  // completes (too late) when destroyed
  }

 private:
  std::string mode_;
  std::vector<Batch> held_;
};

// Takes the branch named by the contact's attribute `route`.
class Router : public herald::Step {
 public:
  static constexpr const char* kName = "t.route";
  static constexpr const char* kSummary = "Branches on attributes.route";
  // A contact routed anywhere else takes a label the plugin never declared:
  // the plugin's bug, which fails that journey only.
  static constexpr const char* kBranches[] = {"left", "right"};
  static constexpr const char* kSchema = R"({"type": "object", "additionalProperties": false})";
  Router(StepContext& ctx, const nlohmann::json&) : Step(ctx) {}
  void run(Batch batch) override {
    for (auto it = batch.begin(); it != batch.end(); ++it) {
      batch.set(it.index(), herald::Branch{(*it).attributes().value("route", "none"), {}});
    }
    batch.complete();
  }
};

// Asks to be called again an hour later, once per contact.
class Later : public herald::Step {
 public:
  static constexpr const char* kName = "t.later";
  static constexpr const char* kSummary = "Waits an hour once, then continues";
  static constexpr const char* kSchema = R"({"type": "object", "additionalProperties": false})";
  Later(StepContext& ctx, const nlohmann::json&) : Step(ctx) {}
  void run(Batch batch) override {
    for (auto it = batch.begin(); it != batch.end(); ++it) {
      auto c = *it;
      if (c.vars().value("waited", false)) {
        batch.set(it.index(), herald::Continue{});
      } else {
        batch.set(it.index(), herald::WaitUntil{batch.nowMs() + 3'600'000, {{"waited", true}}});
      }
    }
    batch.complete();
  }
};

// A delivery that is NOT idempotent: appends "<key> <contact id> <config>"
// to <dir>/deliveries.log per message; a dry run only previews.
class Deliver : public herald::Step {
 public:
  static constexpr const char* kName = "t.deliver";
  static constexpr const char* kSummary = "Appends each delivery to a log file (not idempotent)";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY;
  static constexpr const char* kChannel = "email";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {
      "dir": {"type": "string"}, "subject": {"type": "string", "x-templated": true}},
      "required": ["dir"], "additionalProperties": false})";
  Deliver(StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), file_(config["dir"].get<std::string>() + "/deliveries.log") {}
  void run(Batch batch) override {
    std::ofstream out;
    if (!batch.dryRun()) out.open(file_, std::ios::app);
    for (auto it = batch.begin(); it != batch.end(); ++it) {
      auto c = *it;
      const std::string subject = c.config().value("subject", "");
      const std::string failed_key = "failed/" + std::to_string(c.id());
      if (c.attributes().value("flaky", false) && !context().kvGet(failed_key)) {
        context().kvPut(failed_key, "1");  // the provider refuses the first try
        batch.set(it.index(), herald::Fail{"provider busy", true});
        continue;
      }
      if (batch.dryRun()) {
        batch.preview(it.index(), "To: " + std::string(c.email()) + "\nSubject: " + subject);
        continue;
      }
      out << c.deliveryKey() << ' ' << c.id() << ' ' << subject << '\n';
    }
    batch.complete();
  }

 private:
  std::string file_;
};

}  // namespace

HERALD_PLUGIN("enginetest", "1.0.0", "Step types for the engine tests", Echo, Gate, Flaky, Broken,
              Router, Later, Deliver)
