// A plugin cannot stall the engine: a step whose run() sleeps 8 s with a
// 5 s step_deadline runs beside another workflow on the same io_context.
// The other workflow finishes (its plugin reaches the store through the
// host API meanwhile), a timer on the engine's io_context fires on time
// during the sleep, the sleeping batch fails at the deadline with a message
// naming the plugin, the step and the deadline, and the late completion is
// logged and ignored.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <random>
#include <thread>

#include "engine/engine.hpp"
#include "engine/run_plan.hpp"
#include "expected_refusals.hpp"
#include "observe/metrics.hpp"
#include "store/store.hpp"
#include "util/log.hpp"
#include "workflow/builtins.hpp"
#include "workflow/validate.hpp"

namespace herald::engine {
namespace {

using herald::testing::brokenPath;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

class Isolation : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSink([this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back({Clock::now(), line});
    });
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("herald-isolation-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    store_ = store::openSqliteStore((dir_ / "herald.db").string());
    workflow::registerBuiltins(registry_);
    registry_.setPluginSettings(nlohmann::json::object(), dir_);
    registry_.setStore(store_.get());
    ASSERT_TRUE(registry_.loadFile(brokenPath("sleepy.so")));
    ASSERT_TRUE(registry_.loadFile(brokenPath("good.so")));
    auto import = store_->beginContactImport();
    for (int i = 1; i <= 4; ++i) {
      store::Contact c;
      c.external_id = "c" + std::to_string(i);
      c.email = "user" + std::to_string(i) + "@example.com";
      import->upsert(c);
    }
    import->commit();
  }

  void TearDown() override {
    log::setSink(nullptr);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<RunPlan> plan(const std::string& name, const std::string& yaml) {
    const auto path = dir_ / (name + ".yaml");
    std::ofstream(path) << yaml;
    Diagnostics diags;
    auto wf = workflow::loadAndValidate(path.string(), registry_, diags);
    for (const auto& d : diags.items()) ADD_FAILURE() << formatDiagnostic(d);
    if (!wf) return nullptr;
    auto p = RunPlan::build(std::move(*wf), registry_, diags);
    for (const auto& d : diags.items()) ADD_FAILURE() << formatDiagnostic(d);
    return p;
  }

  // When a line containing `text` was logged; nullopt if none was.
  std::optional<Clock::time_point> loggedAt(const std::string& text) {
    std::lock_guard lock(mu_);
    for (const auto& [at, line] : lines_)
      if (line.find(text) != std::string::npos) return at;
    return std::nullopt;
  }

  std::string logged() {
    std::lock_guard lock(mu_);
    std::string all;
    for (const auto& l : lines_) all += l.second + "\n";
    return all;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  plugin::Registry registry_;
  FixedClock clock_{1'700'000'000'000};
  std::mutex mu_;
  std::vector<std::pair<Clock::time_point, std::string>> lines_;
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

TEST_F(Isolation, APluginThatSleepsPastItsDeadlineStallsNothingElse) {
  auto sleeper = plan("sleeper", R"(
name: sleeper
trigger: {type: manual}
steps:
  - id: nap
    uses: sleepy.nap
    with: {sleep_ms: 8000}
  - id: after
    uses: exit
)");
  auto other = plan("other", R"(
name: other
trigger: {type: manual}
steps:
  - id: echo
    uses: good.echo
)");
  ASSERT_TRUE(sleeper && other);

  boost::asio::io_context io;
  observe::Metrics metrics;
  RunOptions slow;
  slow.step_deadline = std::chrono::seconds(5);
  slow.metrics = &metrics;
  RunOptions normal;
  normal.metrics = &metrics;

  const auto start = Clock::now();
  std::optional<RunResult> slept, echoed;
  std::optional<Clock::time_point> slept_at, echoed_at, ticked_at;
  Engine a(io, *store_, clock_);
  Engine b(io, *store_, clock_);
  a.start(*sleeper, slow, [&](RunResult r) {
    slept = std::move(r);
    slept_at = Clock::now();
  });
  b.start(*other, normal, [&](RunResult r) {
    echoed = std::move(r);
    echoed_at = Clock::now();
  });
  // Anything else the daemon does on this io_context (the watchdog, HTTP):
  // due 1 s in, while the plugin sleeps.
  boost::asio::steady_timer tick(io, std::chrono::seconds(1));
  tick.async_wait([&](const boost::system::error_code&) { ticked_at = Clock::now(); });
  io.run();

  ASSERT_TRUE(ticked_at && echoed && slept);
  EXPECT_LT(seconds(*ticked_at - start), 1.5) << "the engine thread was not free during the sleep";
  EXPECT_LT(seconds(*echoed_at - start), 2.0) << "the other workflow waited for the sleeper";
  EXPECT_FALSE(echoed->error);
  EXPECT_EQ(echoed->journeys.done, 4);
  // good.echo wrote and read its key/value store from its worker thread.
  EXPECT_EQ(store_->kvGet("good", "last_step"), "echo");

  EXPECT_GE(seconds(*slept_at - start), 4.9);
  EXPECT_LT(seconds(*slept_at - start), 6.5) << "the deadline did not fail the batch on time";
  EXPECT_FALSE(slept->error);
  EXPECT_EQ(slept->activity.at("nap").batch_failures, 1);
  const std::string message =
      "plugin 'sleepy' (step type 'sleepy.nap') at step 'nap' did not complete the batch within "
      "the step_deadline of 5000 ms";
  EXPECT_THAT(logged(), HasSubstr("step 'nap' (sleepy.nap) failed a batch of 4: " + message));
  EXPECT_THAT(logged(), HasSubstr(message + " (plugin bug); the batch fails"));
  EXPECT_EQ(
      metrics.value(
          "plugin_batch_failures_total",
          {{"workflow", "sleeper"}, {"step", "nap"}, {"plugin", "sleepy"}, {"reason", "deadline"}}),
      1.0);
  // The journeys wait for their retry; nothing was lost.
  EXPECT_EQ(slept->journeys.waiting + slept->journeys.active, 4);

  // The plugin wakes at 8 s and completes: too late, logged and ignored.
  const std::string late =
      "plugin 'sleepy' (step type 'sleepy.nap') completed a batch after its deadline of 5000 ms "
      "had passed; the late result is ignored (plugin bug)";
  for (int i = 0; i < 100 && !loggedAt(late); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(loggedAt(late)) << logged();
  EXPECT_GE(seconds(*loggedAt(late) - start), 7.9);
  EXPECT_EQ(
      store_->journeySummary(slept->run.id).waiting + store_->journeySummary(slept->run.id).active,
      4)
      << "the late result changed nothing";
}

}  // namespace
}  // namespace herald::engine
