// Behaviour of the C++ SDK layer (sdk.hpp) seen through the fake host
// (testing.hpp): exceptions become statuses, a batch completes exactly once
// whatever the step does, and completion may come from another thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <herald/sdk.hpp>
#include <herald/testing.hpp>
#include <stdexcept>
#include <thread>

namespace {

using herald::testing::Host;
using herald::testing::RunOptions;
using herald::testing::TestContact;

constexpr const char* kEmptySchema = R"({"type": "object"})";

// A step whose behaviour each test picks through its config.
class Probe : public herald::Step {
 public:
  static constexpr const char* kName = "probe.step";
  static constexpr const char* kSummary = "Does what the test says";
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {"mode": {"type": "string", "default": "continue"}}
  })";
  static inline std::atomic<int> alive{0};

  Probe(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), mode_(config.at("mode").get<std::string>()) {
    if (mode_ == "config-error")
      throw herald::ConfigError("/mode", "mode 'config-error' is refused");
    if (mode_ == "throw") throw std::runtime_error("database on fire");
    if (mode_ == "throw-int") throw 42;
    if (mode_ == "missing-key") (void)config.at("nope");
    if (mode_ == "two-diagnostics") {
      ctx.diagnostic("/mode", "first problem");
      ctx.diagnostic("", "second problem");
    }
  }
  ~Probe() override {
    if (worker_.joinable()) worker_.join();
  }

  void run(herald::Batch batch) override {
    if (mode_ == "continue") {
      batch.complete();
    } else if (mode_ == "run-throws") {
      throw std::runtime_error("boom");
    } else if (mode_ == "complete-then-throw") {
      batch.complete();
      throw std::runtime_error("late boom");
    } else if (mode_ == "drop") {
      // returns without completing and without keeping the batch
    } else if (mode_ == "double-complete") {
      first_ = batch.complete();
      second_ = batch.complete();
      third_ = batch.fail("again");
    } else if (mode_ == "async") {
      worker_ = std::thread([b = std::move(batch)]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        for (size_t i = 0; i < b.size(); ++i) {
          b.set(i, herald::Continue{{{"email_seen", std::string(b.contact(i).email())}}});
        }
        b.complete();
      });
    } else if (mode_ == "async-drop") {
      worker_ = std::thread([b = std::move(batch)]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      });  // the Batch dies with the lambda, uncompleted
    } else if (mode_ == "keep") {
      kept_.emplace_back(std::move(batch));
    } else if (mode_ == "use-after-complete") {
      batch.complete();
      try {
        (void)batch.contact(0);
      } catch (const std::logic_error& e) {
        context().info(e.what());
      }
    }
  }

  bool first_ = false;
  bool second_ = true;
  bool third_ = true;

 private:
  // A member, so that it is undone even when the constructor body throws.
  struct Alive {
    Alive() { ++alive; }
    ~Alive() { --alive; }
    Alive(const Alive&) = delete;
    Alive& operator=(const Alive&) = delete;
  };
  Alive counted_;
  std::string mode_;
  std::thread worker_;
  std::vector<herald::Batch> kept_;
};

// Sets one outcome of every kind.
class Decider : public herald::Step {
 public:
  static constexpr const char* kName = "probe.decide";
  static constexpr const char* kSummary = "One outcome of each kind";
  static nlohmann::json schema() { return {{"type", "object"}}; }
  // A label it never declared would fail that contact as a plugin bug.
  static constexpr const char* kBranches[] = {"vip"};

  Decider(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {}

  void run(herald::Batch batch) override {
    batch.set(0, herald::Continue{{{"score", 7}}});
    batch.set(1, herald::Branch{"vip", {{"tier", "gold"}}});
    batch.set(2, herald::WaitUntil{1700000000000 + 3600000});
    batch.set(3, herald::Exit{});
    batch.set(4, herald::Fail{"no consent"});
    batch.set(5, herald::Fail{"provider timeout", true});
    // contact 6 keeps the default outcome
    batch.complete();
  }
};

// Reports malformed outcomes.
class BadOutcome : public herald::Step {
 public:
  static constexpr const char* kName = "probe.bad";
  static constexpr const char* kSummary = "Malformed outcomes";
  static constexpr const char* kSchema =
      R"({"type": "object", "properties": {"what": {"type": "string"}}})";
  BadOutcome(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), what_(config.value("what", "")) {}
  void run(herald::Batch batch) override {
    if (what_ == "vars") batch.set(0, herald::Continue{nlohmann::json::array({1, 2})});
    if (what_ == "branch") batch.set(0, herald::Branch{""});
    batch.complete();
  }

 private:
  std::string what_;
};

// Uses every StepContext service.
class Services : public herald::Step {
 public:
  static constexpr const char* kName = "probe.services";
  static constexpr const char* kSummary = "Touches every host service";
  static constexpr const char* kSchema = R"({"type": "object"})";
  Services(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {}
  void run(herald::Batch batch) override {
    herald::StepContext& ctx = context();
    ctx.debug("debug line");
    ctx.warn("warn line");
    ctx.kvPut("seen", "yes");
    const auto seen = ctx.kvGet("seen");
    const auto missing = ctx.kvGet("missing");
    std::string value;
    const herald_status absent = ctx.kvGet("missing", value);
    ctx.kvDelete("seen");
    ctx.counter("runs_total");
    ctx.counter("contacts_total", static_cast<double>(batch.size()));
    ctx.gauge("last_batch_size", static_cast<double>(batch.size()));
    ctx.counter("Bad-Name");
    nlohmann::json vars = {{"seen", seen.value_or("")},
                           {"missing", missing.has_value()},
                           {"absent_status", static_cast<int>(absent)},
                           {"state_dir", ctx.stateDir()},
                           {"region", ctx.settings().value("region", "")},
                           {"dry", batch.dryRun()},
                           {"now", batch.nowMs()},
                           {"run", std::string(batch.runId())},
                           {"workflow", std::string(batch.workflow())},
                           {"step", std::string(batch.stepId())}};
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch.dryRun()) batch.preview(i, "would greet " + batch.contact(i).fullName());
      batch.set(i, herald::Continue{vars});
    }
    batch.complete();
    batch.preview(0, "ignored: after complete");
  }
};

// Reads every contact field.
class Reader : public herald::Step {
 public:
  static constexpr const char* kName = "probe.read";
  static constexpr const char* kSummary = "Echoes contact fields";
  static constexpr const char* kSchema = R"({"type": "object"})";
  Reader(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {}
  void run(herald::Batch batch) override {
    size_t i = 0;
    for (const herald::Contact c : batch) {
      batch.set(i++, herald::Continue{{{"id", c.id()},
                                       {"external_id", c.externalId()},
                                       {"email", c.email()},
                                       {"phone", c.phone()},
                                       {"timezone", c.timezone()},
                                       {"locale", c.locale()},
                                       {"name", c.fullName()},
                                       {"plan", c.attributes().value("plan", "")},
                                       {"tags", c.tags()},
                                       {"visits", c.vars().value("visits", 0)},
                                       {"subject", c.config().value("subject", "")},
                                       {"key", c.deliveryKey()}}});
    }
    batch.complete();
  }
};

TEST(Create, AConfigErrorBecomesADiagnosticAtItsPointer) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "config-error"}});
  EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
  ASSERT_EQ(step.diagnostics().size(), 1u);
  EXPECT_EQ(step.diagnostics()[0].pointer, "/mode");
  EXPECT_EQ(step.diagnostics()[0].message, "mode 'config-error' is refused");
  EXPECT_EQ(Probe::alive.load(), 0);
}

TEST(Create, AnyOtherExceptionBecomesAnInternalErrorWithADiagnostic) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "throw"}});
  EXPECT_EQ(step.status(), HERALD_ERR_INTERNAL);
  ASSERT_EQ(step.diagnostics().size(), 1u);
  EXPECT_EQ(step.diagnostics()[0].pointer, "");
  EXPECT_EQ(step.diagnostics()[0].message, "could not create the step: database on fire");

  auto& odd = host.create<Probe>({{"mode", "throw-int"}});
  EXPECT_EQ(odd.status(), HERALD_ERR_INTERNAL);
  ASSERT_EQ(odd.diagnostics().size(), 1u);
  EXPECT_EQ(odd.diagnostics()[0].message, "could not create the step: unknown exception");
  EXPECT_TRUE(host.bugs().empty());
}

TEST(Create, AJsonAccessErrorIsReportedAsAnInvalidConfig) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "missing-key"}});
  EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
  ASSERT_EQ(step.diagnostics().size(), 1u);
  EXPECT_NE(step.diagnostics()[0].message.find("invalid config: "), std::string::npos);
  EXPECT_NE(step.diagnostics()[0].message.find("key 'nope' not found"), std::string::npos);
}

TEST(Create, DiagnosticsWithoutExceptionStillRefuseTheConfig) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "two-diagnostics"}});
  EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
  ASSERT_EQ(step.diagnostics().size(), 2u);
  EXPECT_EQ(step.diagnostics()[0].pointer, "/mode");
  EXPECT_EQ(step.diagnostics()[1].message, "second problem");
  EXPECT_EQ(Probe::alive.load(), 0) << "the refused step must be destroyed";
  EXPECT_TRUE(host.bugs().empty());
}

TEST(Create, DefaultsFromTheSchemaAreFilledIn) {
  Host host;
  auto& step = host.create<Probe>(nlohmann::json::object());
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  EXPECT_EQ(step.config()["mode"], "continue");
  EXPECT_TRUE(step.run({{.id = 1}}).ok());
}

TEST(Run, AnExceptionFailsTheBatchWithItsMessage) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "run-throws"}});
  const auto result = step.run({{.id = 1}, {.id = 2}});
  EXPECT_TRUE(result.completed);
  EXPECT_TRUE(result.completed_during_run);
  EXPECT_EQ(result.status, HERALD_ERR_INTERNAL);
  EXPECT_EQ(result.error, "step threw: boom");
  EXPECT_EQ(result.complete_calls, 1);
  EXPECT_TRUE(host.bugs().empty());
}

TEST(Run, AnExceptionAfterCompletingIsOnlyLogged) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "complete-then-throw"}});
  const auto result = step.run({{.id = 1}});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.complete_calls, 1);
  EXPECT_TRUE(host.logged("step threw: late boom (after completing the batch)"));
}

TEST(Run, ADroppedBatchCompletesWithAnError) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "drop"}});
  const auto result = step.run({{.id = 1}});
  EXPECT_TRUE(result.completed);
  EXPECT_EQ(result.status, HERALD_ERR_INTERNAL);
  EXPECT_EQ(result.error, "run() returned without completing the batch or keeping it (plugin bug)");
  EXPECT_EQ(result.complete_calls, 1);
}

TEST(Run, ASecondCompleteIsRefusedAndLoggedNotPassedOn) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "double-complete"}});
  const auto result = step.run({{.id = 1}});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.complete_calls, 1) << "the host saw only one complete()";
  EXPECT_TRUE(
      host.logged("plugin bug: herald::Batch::complete() called on a batch that was "
                  "already completed; ignored"));
  EXPECT_TRUE(
      host.logged("plugin bug: herald::Batch::fail() called on a batch that was already "
                  "completed; ignored"));
  // Not passed on, but a step-contract breach all the same: in bugs().
  EXPECT_EQ(host.bugs().size(), 2u);
}

TEST(Run, CompletesFromAnotherThreadLater) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "async"}});
  const auto result =
      step.run({{.id = 1, .email = "a@example.com"}, {.id = 2, .email = "b@example.com"}});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_FALSE(result.completed_during_run);
  ASSERT_EQ(result.outcomes.size(), 2u);
  EXPECT_EQ(result.outcomes[1].vars["email_seen"], "b@example.com");
  step.destroy();  // joins the worker
  EXPECT_TRUE(host.bugs().empty());
}

TEST(Run, ABatchDroppedOnAnotherThreadCompletesWithAnError) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "async-drop"}});
  const auto result = step.run({{.id = 1}});
  EXPECT_TRUE(result.completed);
  EXPECT_FALSE(result.completed_during_run);
  EXPECT_EQ(result.error, "the step dropped the batch without completing it (plugin bug)");
}

TEST(Run, AMissedDeadlineIsReportedAndALateCompletionIgnored) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "keep"}});
  const auto result = step.run({{.id = 1}}, RunOptions{.deadline = std::chrono::milliseconds(50)});
  EXPECT_FALSE(result.completed);
  step.destroy();  // drops the kept batch: its late completion is a bug too
  const auto bugs = host.bugs();
  ASSERT_EQ(bugs.size(), 2u);
  EXPECT_EQ(bugs[0], "probe.step (step 'step') did not complete its batch within 50 ms");
  EXPECT_EQ(bugs[1],
            "complete() after the deadline of 50 ms for probe.step (step 'step'); ignored");
}

TEST(Run, ContactsAreOffLimitsAfterCompletion) {
  Host host;
  auto& step = host.create<Probe>({{"mode", "use-after-complete"}});
  EXPECT_TRUE(step.run({{.id = 1}}).ok());
  EXPECT_TRUE(host.logged("herald::Batch::contact() used after the batch was completed"));
}

TEST(Outcomes, EveryKindReachesTheHost) {
  Host host;
  auto& step = host.create<Decider>({});
  ASSERT_TRUE(step.ok());
  std::vector<TestContact> contacts(7);
  const auto result = step.run(contacts);
  ASSERT_TRUE(result.ok()) << result.error;
  const auto& o = result.outcomes;
  EXPECT_EQ(o[0].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(o[0].vars, (nlohmann::json{{"score", 7}}));
  EXPECT_EQ(o[1].kind, HERALD_OUTCOME_BRANCH);
  EXPECT_EQ(o[1].branch, "vip");
  EXPECT_EQ(o[1].vars["tier"], "gold");
  EXPECT_EQ(o[2].kind, HERALD_OUTCOME_WAIT);
  EXPECT_EQ(o[2].wait_until_ms, 1700003600000);
  EXPECT_EQ(o[3].kind, HERALD_OUTCOME_EXIT);
  EXPECT_EQ(o[4].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(o[4].reason, "no consent");
  EXPECT_EQ(o[5].kind, HERALD_OUTCOME_FAIL_RETRYABLE);
  EXPECT_EQ(o[5].reason, "provider timeout");
  EXPECT_EQ(o[6].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(o[6].vars, nlohmann::json::object());
  EXPECT_TRUE(host.bugs().empty());
}

TEST(Outcomes, VarsThatAreNotAnObjectFailTheBatch) {
  Host host;
  auto& step = host.create<BadOutcome>({{"what", "vars"}});
  const auto result = step.run({{.id = 1}});
  EXPECT_EQ(result.status, HERALD_ERR_INTERNAL);
  EXPECT_EQ(result.error, "outcome vars for contact #0 must be a JSON object, got array");
}

TEST(Outcomes, ABranchWithoutLabelFailsTheBatch) {
  Host host;
  auto& step = host.create<BadOutcome>({{"what", "branch"}});
  const auto result = step.run({{.id = 1}});
  EXPECT_EQ(result.status, HERALD_ERR_INTERNAL);
  EXPECT_EQ(result.error, "a Branch outcome needs a label (contact #0)");
}

TEST(Services, LogKvMetricsSettingsAndPreviews) {
  Host host(nlohmann::json{{"region", "eu"}});
  auto& step = host.create<Services>({}, "greet");
  ASSERT_TRUE(step.ok());
  const auto result = step.run({{.id = 1, .first_name = "Ann", .last_name = "Lee"}},
                               RunOptions{.dry_run = true, .run_id = "r9", .workflow = "wf"});
  ASSERT_TRUE(result.ok()) << result.error;
  const auto& vars = result.outcomes[0].vars;
  EXPECT_EQ(vars["seen"], "yes");
  EXPECT_EQ(vars["missing"], false);
  EXPECT_EQ(vars["absent_status"], HERALD_ERR_NOT_FOUND);
  EXPECT_EQ(vars["state_dir"], host.stateDir().string());
  EXPECT_EQ(vars["region"], "eu");
  EXPECT_EQ(vars["dry"], true);
  EXPECT_EQ(vars["now"], 1700000000000);
  EXPECT_EQ(vars["run"], "r9");
  EXPECT_EQ(vars["workflow"], "wf");
  EXPECT_EQ(vars["step"], "greet");
  EXPECT_EQ(result.previews.at(0), "would greet Ann Lee");
  EXPECT_FALSE(host.kv("probe", "seen").has_value()) << "deleted again";
  EXPECT_EQ(host.counter("runs_total"), 1);
  EXPECT_EQ(host.counter("contacts_total"), 1);
  EXPECT_EQ(host.gauge("last_batch_size"), 1);
  EXPECT_TRUE(host.logged("metric name 'Bad-Name' dropped"));
  const auto logs = host.logs();
  ASSERT_GE(logs.size(), 2u);
  EXPECT_EQ(logs[0].level, HERALD_LOG_DEBUG);
  EXPECT_EQ(logs[0].message, "debug line");
  EXPECT_EQ(logs[0].step, "probe.services");
  EXPECT_EQ(logs[1].level, HERALD_LOG_WARN);
  EXPECT_TRUE(host.bugs().empty()) << "the preview after complete() never reached the host";
}

TEST(Services, KvWithoutAStoreSaysUnsupported) {
  Host host;
  host.setKvAvailable(false);
  auto& step = host.create<Services>({});
  const auto result = step.run({{.id = 1}});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.outcomes[0].vars["seen"], "");
  EXPECT_EQ(result.outcomes[0].vars["absent_status"], HERALD_ERR_UNSUPPORTED);
}

TEST(Contacts, EveryFieldIsReadable) {
  Host host;
  auto& step = host.create<Reader>({{"subject", "Hello {{ contact.first_name }}"}});
  TestContact full{.id = 42,
                   .external_id = "crm-42",
                   .email = "ann@example.com",
                   .phone = "+14155550100",
                   .timezone = "Europe/Paris",
                   .locale = "fr-FR",
                   .first_name = "Ann",
                   .last_name = "Lee",
                   .attributes = {{"plan", "pro"}},
                   .tags = {"vip", "beta"},
                   .vars = {{"visits", 3}},
                   .config = nlohmann::json{{"subject", "Hello Ann"}},
                   .delivery_key = "k-42"};
  const auto result = step.run({full, {.id = 7}});
  ASSERT_TRUE(result.ok()) << result.error;
  const auto& a = result.outcomes[0].vars;
  EXPECT_EQ(a["id"], 42);
  EXPECT_EQ(a["external_id"], "crm-42");
  EXPECT_EQ(a["email"], "ann@example.com");
  EXPECT_EQ(a["phone"], "+14155550100");
  EXPECT_EQ(a["timezone"], "Europe/Paris");
  EXPECT_EQ(a["locale"], "fr-FR");
  EXPECT_EQ(a["name"], "Ann Lee");
  EXPECT_EQ(a["plan"], "pro");
  EXPECT_EQ(a["tags"], (nlohmann::json{"vip", "beta"}));
  EXPECT_EQ(a["visits"], 3);
  EXPECT_EQ(a["subject"], "Hello Ann");
  EXPECT_EQ(a["key"], "k-42");
  const auto& b = result.outcomes[1].vars;
  EXPECT_EQ(b["email"], "");
  EXPECT_EQ(b["name"], "");
  EXPECT_EQ(b["subject"], "Hello {{ contact.first_name }}") << "defaults to the step config";
  EXPECT_EQ(b["key"], "") << "not a delivery step: no ledger key";
}

}  // namespace

// The registration macro, exactly as a plugin uses it.
HERALD_PLUGIN("sdktest", "1.2.3-beta.1", "SDK test plugin", Probe, Decider)

namespace {

// A raw C step that breaks the contract, to prove the fake host notices.
const herald_host_api* raw_host = nullptr;

herald_status rawCreate(const herald_host_api* host, herald_step_ctx*, const char*, void** out) {
  raw_host = host;
  static int instance;
  *out = &instance;
  return HERALD_OK;
}
void rawDestroy(void*) {}
void rawRunTwice(void*, const herald_batch* batch, herald_call* call) {
  std::vector<herald_outcome> outcomes(batch->count);
  for (auto& o : outcomes) o.struct_size = sizeof(herald_outcome);
  raw_host->complete(call, HERALD_OK, nullptr, outcomes.data(), outcomes.size());
  raw_host->complete(call, HERALD_OK, nullptr, outcomes.data(), outcomes.size());
}
void rawRunShort(void*, const herald_batch*, herald_call* call) {
  raw_host->complete(call, HERALD_OK, nullptr, nullptr, 0);
}

herald_step_type rawType(void (*run)(void*, const herald_batch*, herald_call*)) {
  herald_step_type t{};
  t.struct_size = sizeof(t);
  t.name = "raw.step";
  t.summary = "raw";
  t.config_schema = kEmptySchema;
  t.create = &rawCreate;
  t.destroy = &rawDestroy;
  t.run_batch = run;
  return t;
}

TEST(FakeHost, DetectsADoubleCompleteFromARawPlugin) {
  Host host;
  const herald_step_type type = rawType(&rawRunTwice);
  auto& step = host.create(type, {});
  const auto result = step.run({{.id = 1}});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.complete_calls, 2);
  ASSERT_EQ(host.bugs().size(), 1u);
  EXPECT_EQ(host.bugs()[0],
            "complete() called 2 times for one batch of raw.step (step 'step'); extra calls "
            "ignored");
}

TEST(FakeHost, RefusesAWrongNumberOfOutcomes) {
  Host host;
  const herald_step_type type = rawType(&rawRunShort);
  auto& step = host.create(type, {});
  const auto result = step.run({{.id = 1}, {.id = 2}});
  EXPECT_EQ(result.status, HERALD_ERR_INVALID);
  EXPECT_EQ(result.error, "malformed outcomes: 0 outcomes for a batch of 2");
}

TEST(FakeHost, NamesTheKnownTypesWhenAskedForAnUnknownOne) {
  const herald::testing::Plugin plugin =
      herald::testing::Plugin::fromDescriptor(herald_plugin_entry());
  Host host;
  try {
    host.create(plugin, "sdktest.nope", {});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(
        e.what(),
        "plugin sdktest has no step type 'sdktest.nope'; it has: probe.step, probe.decide");
  }
}

TEST(FakeHost, LoadReportsAMissingFile) {
  try {
    herald::testing::Plugin::load("/nonexistent/plugin.so");
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot load /nonexistent/plugin.so: ", 0), 0u)
        << e.what();
  }
}

// Branches on an x-segment field through host->segment_match (ABI 1.1).
class Segmenter : public herald::Step {
 public:
  static constexpr const char* kName = "probe.segment";
  static constexpr const char* kSummary = "Branches on a segment";
  static constexpr const char* kBranches[] = {"in", "out"};
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "who": {"type": "object", "x-segment": true},
      "more": {"type": "object", "additionalProperties": {"x-segment": true}},
      "ask": {"type": "string", "default": "/who"}
    }
  })";
  Segmenter(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), ask_(config.at("ask").get<std::string>()) {}
  void run(herald::Batch batch) override {
    std::vector<uint8_t> raw;
    const herald_status status = batch.segmentMatch(ask_, raw);
    if (status != HERALD_OK) {
      batch.fail("segment_match status " + std::to_string(static_cast<int>(status)));
      return;
    }
    const std::vector<bool> again = batch.segmentMatch(ask_);  // the throwing form agrees
    for (size_t i = 0; i < batch.size(); ++i) {
      if ((raw[i] != 0) != again[i]) throw std::logic_error("the two forms disagree");
      if (raw[i] != 0)
        batch.set(i, herald::Branch{"in"});
      else
        batch.set(i, herald::Exit{nlohmann::json::object(), "not wanted"});
    }
    batch.complete();
  }

 private:
  std::string ask_;
};

TEST(Branches, AStepDeclaresItsLabelsNullTerminated) {
  const herald_step_type& t = herald::detail::stepType<Segmenter>();
  ASSERT_NE(t.branches, nullptr);
  EXPECT_STREQ(t.branches[0], "in");
  EXPECT_STREQ(t.branches[1], "out");
  EXPECT_EQ(t.branches[2], nullptr);
  EXPECT_EQ(herald::detail::stepType<Probe>().branches, nullptr) << "no kBranches: no labels";
}

TEST(Segments, MatchesComeFromEachTestContact) {
  Host host;
  auto& step = host.create<Segmenter>({{"who", {{"tags", {{"has", "vip"}}}}}});
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  auto r = step.run({{.id = 1, .segments = {{"/who", true}}},
                     {.id = 2, .segments = {{"/who", false}}},
                     {.id = 3, .segments = {{"/more/x", true}}}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].kind, HERALD_OUTCOME_BRANCH);
  EXPECT_EQ(r.outcomes[0].branch, "in");
  EXPECT_EQ(r.outcomes[1].kind, HERALD_OUTCOME_EXIT);
  EXPECT_EQ(r.outcomes[1].reason, "not wanted") << "an Exit may say why";
  EXPECT_EQ(r.outcomes[2].kind, HERALD_OUTCOME_EXIT);
  EXPECT_EQ(host.segmentMatchCalls(), 2);
  EXPECT_TRUE(host.bugs().empty());
}

TEST(Segments, PatternFieldsAreX_SegmentFieldsToo) {
  Host host;
  auto& step =
      host.create<Segmenter>({{"more", {{"x", {{"tags", {{"has", "a"}}}}}}}, {"ask", "/more/x"}});
  auto r = step.run({{.id = 1, .segments = {{"/more/x", true}}}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].branch, "in");
}

TEST(Segments, AFieldThatIsNotX_SegmentIsAPluginBug) {
  Host host;
  auto& step = host.create<Segmenter>({{"who", nlohmann::json::object()}, {"ask", "/ask"}});
  auto r = step.run({{.id = 1}});
  EXPECT_EQ(r.error, "segment_match status 1");
  ASSERT_EQ(host.bugs().size(), 1u);
  EXPECT_EQ(host.bugs()[0],
            "segment_match('/ask') from probe.segment (step 'step'): not an x-segment field of "
            "its config (it has '/who')");
}

TEST(Segments, AHostWithoutAStoreSaysUnsupported) {
  Host host;
  host.setSegmentStatus(HERALD_ERR_UNSUPPORTED);
  auto& step = host.create<Segmenter>({{"who", nlohmann::json::object()}});
  auto r = step.run({{.id = 1}});
  EXPECT_EQ(r.error, "segment_match status 4");
}

TEST(Segments, AnOlderHostTableSaysUnsupported) {
  Host host;
  // A 1.0 host table ends before segment_match.
  auto& api = const_cast<herald_host_api&>(*host.api());
  api.struct_size = offsetof(herald_host_api, segment_match);
  auto& step = host.create<Segmenter>({{"who", nlohmann::json::object()}});
  auto r = step.run({{.id = 1}});
  EXPECT_EQ(r.error, "segment_match status 4");
  EXPECT_EQ(host.segmentMatchCalls(), 0);
}

// Puts recommendations into each contact's vars through host->recommend
// (ABI 1.2), with the status form or the throwing form.
class Recommending : public herald::Step {
 public:
  static constexpr const char* kName = "probe.recommend";
  static constexpr const char* kSummary = "Recommends products";
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "count": {"type": "integer", "default": 2},
      "throwing": {"type": "boolean", "default": false}
    }
  })";
  Recommending(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx),
        count_(config.at("count").get<uint32_t>()),
        throwing_(config.at("throwing").get<bool>()) {}
  void run(herald::Batch batch) override {
    std::vector<nlohmann::json> picks;
    if (throwing_) {
      picks = batch.recommend(count_);
    } else if (const herald_status s = batch.recommend(count_, picks); s != HERALD_OK) {
      batch.fail("recommend status " + std::to_string(static_cast<int>(s)));
      return;
    }
    for (size_t i = 0; i < batch.size(); ++i)
      batch.set(i, herald::Continue{{{"picks", picks.at(i)}}});
    batch.complete();
  }

 private:
  uint32_t count_;
  bool throwing_;
};

nlohmann::json product(const std::string& id) {
  return {{"id", id},         {"name", "Product " + id}, {"url", "https://shop.example/" + id},
          {"image", nullptr}, {"price", 12.5},           {"currency", "EUR"},
          {"score", 0.5},     {"reason", "also-bought"}};
}

TEST(Recommendations, EachContactGetsItsOwnCutToTheCount) {
  Host host;
  auto& step = host.create<Recommending>({{"count", 2}});
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  auto r = step.run({{.id = 1, .recommendations = {product("a"), product("b"), product("c")}},
                     {.id = 2},
                     {.id = 3, .recommendations = {product("z")}}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["picks"], nlohmann::json({product("a"), product("b")}));
  EXPECT_EQ(r.outcomes[1].vars["picks"], nlohmann::json::array());
  EXPECT_EQ(r.outcomes[2].vars["picks"], nlohmann::json({product("z")}));
  EXPECT_EQ(host.recommendCalls(), std::vector<uint32_t>{2});
  EXPECT_TRUE(host.bugs().empty());
}

TEST(Recommendations, ACountOutOfRangeIsAPluginBug) {
  Host host;
  auto& step = host.create<Recommending>({{"count", 0}});
  auto r = step.run({{.id = 1}});
  EXPECT_EQ(r.error, "recommend status 1");
  ASSERT_EQ(host.bugs().size(), 1u);
  EXPECT_EQ(host.bugs()[0],
            "recommend(0) from probe.recommend (step 'step'): ask for 1 to 50 products per "
            "contact");
  auto& big = host.create<Recommending>({{"count", 51}, {"throwing", true}});
  r = big.run({{.id = 1}});
  EXPECT_EQ(r.error, "step threw: recommend(51): ask for 1 to 50 products per contact");
}

TEST(Recommendations, AStoreFailureFailsTheBatch) {
  Host host;
  host.setRecommendStatus(HERALD_ERR_INTERNAL);
  auto& step = host.create<Recommending>({{"throwing", true}});
  auto r = step.run({{.id = 1}});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "step threw: recommend(2): the host could not compute recommendations (see its log)");
  EXPECT_EQ(host.recommendCalls().size(), 1u);
}

TEST(Recommendations, AnOlderHostTableSaysUnsupported) {
  Host host;
  host.emulateAbiMinor(1);  // a 1.1 table ends before recommend
  EXPECT_EQ(host.api()->struct_size, offsetof(herald_host_api, recommend));
  EXPECT_EQ(host.api()->abi_minor, 1u);
  auto& step = host.create<Recommending>({{"throwing", true}});
  auto r = step.run({{.id = 1, .recommendations = {product("a")}}});
  EXPECT_EQ(r.error,
            "step threw: recommend(2): this Herald cannot recommend products (it predates plugin "
            "ABI 1.2, or has no store here); upgrade Herald");
  EXPECT_TRUE(host.recommendCalls().empty()) << "the SDK never calls past struct_size";
  auto& status_form = host.create<Recommending>(nlohmann::json::object());
  EXPECT_EQ(status_form.run({{.id = 1}}).error, "recommend status 4");
  host.emulateAbiMinor(HERALD_ABI_MINOR);
  EXPECT_EQ(host.api()->struct_size, sizeof(herald_host_api));
  EXPECT_TRUE(status_form.run({{.id = 1}}).ok());
}

TEST(Macro, DefinesTheEntryAndTheDescriptor) {
  const herald_plugin* p = herald_plugin_entry();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p, herald_plugin_entry()) << "static data, same pointer every time";
  EXPECT_EQ(p->struct_size, sizeof(herald_plugin));
  EXPECT_EQ(p->abi_major, HERALD_ABI_MAJOR);
  EXPECT_EQ(p->abi_minor, HERALD_ABI_MINOR);
  EXPECT_STREQ(p->name, "sdktest");
  EXPECT_STREQ(p->version, "1.2.3-beta.1");
  EXPECT_STREQ(p->description, "SDK test plugin");
  ASSERT_EQ(p->step_type_count, 2u);
  EXPECT_STREQ(p->step_types[0]->name, "probe.step");
  EXPECT_STREQ(p->step_types[0]->summary, "Does what the test says");
  EXPECT_EQ(p->step_types[0]->flags, 0u);
  EXPECT_EQ(p->step_types[0]->channel, nullptr);
  EXPECT_STREQ(p->step_types[1]->config_schema, R"({"type":"object"})") << "built by schema()";
  EXPECT_TRUE(herald::testing::checkDescriptor(p).empty());
}

TEST(Macro, StepsRunThroughTheDescriptor) {
  const herald::testing::Plugin plugin =
      herald::testing::Plugin::fromDescriptor(herald_plugin_entry());
  Host host;
  auto& step = host.create(plugin, "probe.decide", {});
  ASSERT_TRUE(step.ok());
  std::vector<TestContact> contacts(7);
  EXPECT_TRUE(step.run(contacts).ok());
}

TEST(Macro, CheckDescriptorExplainsProblems) {
  herald_step_type broken{};
  broken.struct_size = sizeof(broken);
  broken.name = "x.send";
  broken.config_schema = "[1]";
  broken.flags = HERALD_STEP_DELIVERY;
  const herald_step_type* types[] = {&broken, &broken};
  herald_plugin p{};
  p.struct_size = sizeof(p);
  p.abi_major = HERALD_ABI_MAJOR;
  p.abi_minor = HERALD_ABI_MINOR + 1;
  p.name = "Bad Name";
  p.version = "one";
  p.step_type_count = 2;
  p.step_types = types;
  const char* const labels[] = {"Match", "else", "else", nullptr};
  broken.branches = labels;
  const auto problems = herald::testing::checkDescriptor(&p);
  const std::vector<std::string> expected = {
      "ABI " + std::to_string(HERALD_ABI_MAJOR) + "." + std::to_string(HERALD_ABI_MINOR + 1) +
          " is not loadable by ABI " + std::to_string(HERALD_ABI_MAJOR) + "." +
          std::to_string(HERALD_ABI_MINOR),
      "plugin name must match [a-z0-9_-]+",
      "plugin version must be a semantic version like 1.2.0",
      "step type 'x.send' has no summary",
      "step type 'x.send': config_schema is not a JSON object",
      "step type 'x.send': a delivery step needs a channel",
      "step type 'x.send': missing a function",
      "step type 'x.send': branch label 'Match' must use lowercase letters, digits, '-' and '_'",
      "step type 'x.send': branch label 'else' is declared twice",
      "step type 'x.send' is declared twice",
      "step type 'x.send' has no summary",
      "step type 'x.send': config_schema is not a JSON object",
      "step type 'x.send': a delivery step needs a channel",
      "step type 'x.send': missing a function",
      "step type 'x.send': branch label 'Match' must use lowercase letters, digits, '-' and '_'",
      "step type 'x.send': branch label 'else' is declared twice",
  };
  EXPECT_EQ(problems, expected);
}

}  // namespace
