// Running batches through real plugins: the host API as a well-behaved
// plugin sees it, and every run-time plugin bug the host must report and
// survive (double completion, missed deadline, exceptions, garbage results).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <regex>
#include <thread>

#include "expected_refusals.hpp"
#include "test_batch.hpp"
#include "observe/metrics.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

using herald::testing::brokenPath;
using nlohmann::json;
using ::testing::HasSubstr;

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSink([this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
    });
    ASSERT_TRUE(reg_.loadFile(brokenPath("good.so")));
    ASSERT_TRUE(reg_.loadFile(brokenPath("misbehave.so")));
  }
  void TearDown() override { log::setSink(nullptr); }

  std::unique_ptr<StepInstance> make(const std::string& type, const json& config = json::object()) {
    std::vector<ConfigProblem> problems;
    auto inst = reg_.instantiate(type, "s1", config, problems);
    EXPECT_TRUE(problems.empty()) << problems.at(0).message;
    return inst;
  }

  // Runs one batch to its end and checks `done` ran exactly once.
  BatchResult run(StepInstance& inst, const herald_batch& batch,
                  std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    boost::asio::io_context io;
    std::mutex mu;
    std::condition_variable cv;
    int calls = 0;
    BatchResult result;
    inst.runBatch(batch, deadline, io, [&](BatchResult r) {
      std::lock_guard lock(mu);
      ++calls;
      result = std::move(r);
      cv.notify_all();
    });
    io.run();  // returns once nothing is pending: the timer is gone either way
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return calls > 0; });
    EXPECT_EQ(calls, 1);
    return result;
  }

  std::string logged() {
    std::lock_guard lock(mu_);
    std::string all;
    for (const auto& l : lines_) all += l + "\n";
    return all;
  }

  std::optional<double> bugs(const std::string& bug) {
    return reg_.metrics().value("bugs_total",
                                {{"plugin", "misbehave"}, {"step", "s1"}, {"bug", bug}});
  }

  // run_batch runs on a worker: what it does after completing (a second
  // complete()) lands a moment after run() returned.
  void waitForBugs(const std::string& bug, double count) {
    for (int i = 0; i < 200 && bugs(bug).value_or(0) < count; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  Registry reg_;
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST_F(RuntimeTest, WellBehavedPluginSeesTheHostApi) {
  reg_.setPluginSettings({{"good", {{"api_key", "k-123"}}}, {"other", {{"x", 1}}}},
                         "/tmp/herald-state");
  auto inst = make("good.echo");
  ASSERT_NE(inst, nullptr);
  TestBatch b(2);
  BatchResult r = run(*inst, b.batch);
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[1].kind, HERALD_OUTCOME_CONTINUE);
  const json& v = r.outcomes[1].vars;
  EXPECT_EQ(v["contact"], 2);
  EXPECT_EQ(v["config"], json({{"greeting", "hi"}}));
  EXPECT_EQ(v["attributes"], json({{"plan", "pro"}}));
  EXPECT_EQ(v["settings"], json({{"api_key", "k-123"}, {"state_dir", "/tmp/herald-state"}}));
  // No store was set: kv calls say so instead of failing obscurely.
  EXPECT_EQ(v["kv"], json({{"put", HERALD_ERR_UNSUPPORTED}, {"get", HERALD_ERR_UNSUPPORTED}}));

  const observe::Labels labels{{"plugin", "good"}, {"step", "s1"}};
  EXPECT_EQ(reg_.metrics().value("contacts_total", labels), 2.0);
  EXPECT_EQ(reg_.metrics().value("last_batch_size", labels), 2.0);

  const std::string all = logged();
  EXPECT_TRUE(std::regex_search(
      all,
      std::regex(
          R"((^|\n)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ info \[good/s1\] echo: batch of 2 for step s1\n)")))
      << all;
  EXPECT_THAT(all, HasSubstr(" warn [good/s1] metric dropped: invalid metric name 'Bad-Name' "
                             "(use [a-z_][a-z0-9_]*)\n"));
}

TEST_F(RuntimeTest, KeyValueGoesToTheStoreUnderThePluginsNamespace) {
  auto dir = std::filesystem::temp_directory_path() / ("herald_kv_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    auto store = store::openSqliteStore((dir / "herald.db").string());
    reg_.setStore(store.get());
    auto inst = make("good.echo");
    TestBatch b(1);
    BatchResult r = run(*inst, b.batch);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.outcomes[0].vars["kv"], json({{"put", 0}, {"get", 0}, {"value", "s1"}}));
    EXPECT_EQ(store->kvGet("good", "last_step"), "s1");
    EXPECT_EQ(store->kvGet("misbehave", "last_step"), std::nullopt);
    reg_.setStore(nullptr);
  }
  std::filesystem::remove_all(dir);
}

TEST_F(RuntimeTest, DryRunPreviews) {
  auto inst = make("good.echo");
  TestBatch b(3, true);
  BatchResult r = run(*inst, b.batch);
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.previews.size(), 3u);
  EXPECT_EQ(r.previews[2], (std::pair<size_t, std::string>(2, "would echo")));
}

TEST_F(RuntimeTest, SettingsAlwaysHaveStateDir) {
  auto inst = make("good.echo");
  TestBatch b(1);
  BatchResult r = run(*inst, b.batch);
  ASSERT_TRUE(r.ok);
  const json& s = r.outcomes[0].vars["settings"];
  ASSERT_TRUE(s.contains("state_dir"));
  EXPECT_TRUE(std::filesystem::path(s["state_dir"].get<std::string>()).is_absolute());
}

TEST_F(RuntimeTest, DoubleCompletionIsReportedAndSurvived) {
  auto inst = make("misbehave.twice");
  TestBatch b(2);
  BatchResult r = run(*inst, b.batch);
  EXPECT_TRUE(r.ok) << "the first completion counts: " << r.error;
  EXPECT_EQ(r.outcomes.size(), 2u);
  // The second complete() comes just after the first, on the plugin's worker.
  waitForBugs("double_complete", 1.0);
  EXPECT_THAT(logged(), HasSubstr(" error [misbehave/s1] plugin 'misbehave' (step type "
                                  "'misbehave.twice') called complete() twice for the same batch; "
                                  "the second call is ignored (plugin bug)\n"));
  EXPECT_EQ(bugs("double_complete"), 1.0);
  // And the instance keeps working.
  EXPECT_TRUE(run(*inst, b.batch).ok);
  waitForBugs("double_complete", 2.0);
  EXPECT_EQ(bugs("double_complete"), 2.0);
}

TEST_F(RuntimeTest, MissedDeadlineFailsTheBatchAndALateCompletionIsIgnored) {
  auto never = make("misbehave.never");
  TestBatch b(2);
  const auto start = std::chrono::steady_clock::now();
  BatchResult r = run(*never, b.batch, std::chrono::milliseconds(50));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error,
            "plugin 'misbehave' (step type 'misbehave.never') at step 's1' did not complete the "
            "batch within the step_deadline of 50 ms");
  EXPECT_EQ(bugs("missed_deadline"), 1.0);

  // The engine drops the instance; the plugin still holds the call, so the
  // host keeps the instance alive rather than destroy it under the plugin.
  never.reset();
  EXPECT_THAT(logged(), HasSubstr("plugin 'misbehave' (step type 'misbehave.never') never "
                                  "completed 1 batch; its instance is kept alive instead of "
                                  "destroyed (plugin bug)"));

  // misbehave.release completes the kept call now: too late, ignored.
  auto release = make("misbehave.release");
  BatchResult ok = run(*release, b.batch);
  EXPECT_TRUE(ok.ok) << ok.error;
  EXPECT_THAT(logged(), HasSubstr(" error [misbehave/s1] plugin 'misbehave' (step type "
                                  "'misbehave.never') completed a batch after its deadline of 50 "
                                  "ms had passed; the late result is ignored (plugin bug)\n"));
  EXPECT_EQ(bugs("late_complete"), 1.0);
}

TEST_F(RuntimeTest, ExceptionFailsTheBatch) {
  auto inst = make("misbehave.throws");
  TestBatch b(2);
  BatchResult r = run(*inst, b.batch);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error,
            "plugin 'misbehave' (step type 'misbehave.throws') threw an exception from "
            "run_batch: boom");
  EXPECT_EQ(bugs("exception"), 1.0);
  EXPECT_TRUE(run(*inst, b.batch).error.ends_with("boom"));
}

TEST_F(RuntimeTest, GarbageResultsFailTheBatchNamingThePlugin) {
  TestBatch b(3);
  struct Case {
    const char* type;
    const char* error;
  } cases[] = {
      {"misbehave.wrong_count",
       "plugin 'misbehave' (step type 'misbehave.wrong_count') completed a batch of 3 contacts "
       "with 2 outcomes"},
      {"misbehave.bad_kind",
       "plugin 'misbehave' (step type 'misbehave.bad_kind') returned outcome 2 with unknown kind "
       "42"},
      {"misbehave.branch_no_label",
       "plugin 'misbehave' (step type 'misbehave.branch_no_label') returned outcome 0 as BRANCH "
       "without a branch label"},
      {"misbehave.bad_vars",
       "plugin 'misbehave' (step type 'misbehave.bad_vars') returned outcome 0 with vars_json "
       "that is not a JSON object: [1, 2]"},
  };
  for (const auto& c : cases) {
    auto inst = make(c.type);
    BatchResult r = run(*inst, b.batch);
    EXPECT_FALSE(r.ok) << c.type;
    EXPECT_EQ(r.error, c.error);
    EXPECT_TRUE(r.outcomes.empty());
    EXPECT_THAT(logged(), HasSubstr(std::string(c.error) + " (plugin bug); the batch fails\n"));
  }
  EXPECT_EQ(bugs("invalid_result"), 4.0);
}

TEST_F(RuntimeTest, PluginFailureCarriesItsReason) {
  auto inst = make("misbehave.fail");
  TestBatch b(1);
  BatchResult r = run(*inst, b.batch);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error,
            "plugin 'misbehave' (step type 'misbehave.fail') failed the batch: provider "
            "down");
  EXPECT_EQ(logged().find("plugin bug"), std::string::npos) << "a failed batch is not a bug";
}

TEST_F(RuntimeTest, CompletionFromAnotherThreadAfterTheCallerFreedItsBatch) {
  auto inst = make("misbehave.async");
  boost::asio::io_context io;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<BatchResult> result;
  const auto start = std::chrono::steady_clock::now();
  {
    // The engine's batch dies right after runBatch; the plugin reads it 20 ms later.
    auto b = std::make_unique<TestBatch>(2);
    inst->runBatch(b->batch, std::chrono::minutes(5), io, [&](BatchResult r) {
      std::lock_guard lock(mu);
      result = std::move(r);
      cv.notify_all();
    });
  }
  io.run();  // the 5-minute timer must not keep this waiting
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return result.has_value(); }));
  ASSERT_TRUE(result->ok) << result->error;
  EXPECT_EQ(result->outcomes[0].kind, HERALD_OUTCOME_BRANCH);
  EXPECT_EQ(result->outcomes[0].branch, "later");
  EXPECT_EQ(result->outcomes[0].vars, json({{"from", "thread"}}));
  EXPECT_EQ(result->outcomes[1].kind, HERALD_OUTCOME_CONTINUE);
  // The plugin's detached thread returns from complete() into the plugin's
  // code: let it leave before the fixture unloads the library (a SIGSEGV
  // under load otherwise; plugins are told not to start threads for this).
  lock.unlock();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

TEST_F(RuntimeTest, InstancesKeepTheirLibraryLoaded) {
  std::unique_ptr<StepInstance> inst;
  {
    Registry reg;
    ASSERT_TRUE(reg.loadFile(brokenPath("good.so")));
    std::vector<ConfigProblem> problems;
    inst = reg.instantiate("good.echo", "s1", json::object(), problems);
    ASSERT_NE(inst, nullptr);
  }  // the registry is gone; the instance still runs plugin code
  TestBatch b(1);
  BatchResult r = run(*inst, b.batch);
  EXPECT_TRUE(r.ok) << r.error;
}

TEST_F(RuntimeTest, CheckConfigCollectsDiagnostics) {
  auto problems = reg_.checkConfig("good.echo", "s1", {{"refuse", true}});
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].json_pointer, "/refuse");
  EXPECT_EQ(problems[0].message, "refuse is set, so this step refuses its config");
  EXPECT_EQ(problems[1].json_pointer, "/greeting");
  EXPECT_EQ(problems[1].message, R"(config was {"greeting":"hello","refuse":true})")
      << "defaults are filled in before create()";
  EXPECT_TRUE(reg_.checkConfig("good.echo", "s1", json::object()).empty());

  problems = reg_.checkConfig("misbehave.create_diag", "s1", json::object());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].json_pointer, "/to");
  EXPECT_EQ(problems[0].message, "'to' must name a list");
  EXPECT_EQ(problems[1].json_pointer, "");
}

TEST_F(RuntimeTest, CheckConfigExplainsPluginsThatGiveNoReason) {
  auto silent = reg_.checkConfig("misbehave.create_silent", "s1", json::object());
  ASSERT_EQ(silent.size(), 1u);
  EXPECT_EQ(silent[0].json_pointer, "");
  EXPECT_EQ(silent[0].message,
            "plugin 'misbehave' (step type 'misbehave.create_silent') refused "
            "this config (status 1) without saying why");
  auto thrown = reg_.checkConfig("misbehave.create_throws", "s1", json::object());
  ASSERT_EQ(thrown.size(), 1u);
  EXPECT_EQ(thrown[0].message,
            "plugin 'misbehave' (step type 'misbehave.create_throws') threw an "
            "exception from create(): create exploded (plugin bug)");
  auto unknown = reg_.checkConfig("nope", "s1", json::object());
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].message, "unknown step type 'nope'");

  std::vector<ConfigProblem> problems;
  EXPECT_EQ(reg_.instantiate("misbehave.create_diag", "s1", json::object(), problems), nullptr);
  EXPECT_EQ(problems.size(), 2u);
}

}  // namespace
}  // namespace herald::plugin
