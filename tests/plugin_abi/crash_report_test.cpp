// A plugin that crashes the process cannot be survived, but it can be named:
// the fatal signal's report says which plugin, step type, step, workflow and
// run held the batch, and the process still dies by that signal (what
// systemd's Restart= needs to see). Death tests: each case runs in a child.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "expected_refusals.hpp"
#include "plugin/registry.hpp"
#include "test_batch.hpp"

namespace herald::plugin {
namespace {

using herald::testing::brokenPath;

void runPoisonedBatch() {
  Registry reg;
  if (!reg.loadFile(brokenPath("crashy.so"))) std::_Exit(3);
  std::vector<ConfigProblem> problems;
  auto step = reg.instantiate("crashy.null", "s1", nlohmann::json::object(), problems);
  if (!step) std::_Exit(4);
  TestBatch batch(2, false, R"({"plan": "poison"})");
  boost::asio::io_context io;
  step->runBatch(batch.batch, std::chrono::seconds(30), io, [](BatchResult) { std::_Exit(5); });
  io.run_for(std::chrono::seconds(20));  // the worker crashes the process long before
  std::_Exit(6);
}

TEST(CrashReport, NamesThePluginStepWorkflowAndRunThenDiesByTheSignal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runPoisonedBatch(), ::testing::KilledBySignal(SIGSEGV),
              "Z error \\[crashy/s1\\] plugin 'crashy' \\(step type 'crashy\\.null'\\) at step "
              "'s1' of workflow 'welcome', run 7, holding a batch of 2 contacts crashed the "
              "process with SIGSEGV \\(plugin bug\\)");
}

TEST(CrashReport, AFatalSignalOutsideAPluginCallIsReportedAsSuch) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        // The handlers come with the first plugin call.
        Registry reg;
        if (!reg.loadFile(brokenPath("good.so"))) std::_Exit(3);
        std::vector<ConfigProblem> problems;
        auto step = reg.instantiate("good.echo", "s1", nlohmann::json::object(), problems);
        TestBatch batch(1);
        boost::asio::io_context io;
        step->runBatch(batch.batch, std::chrono::seconds(30), io, [](BatchResult) {});
        io.run();
        raise(SIGABRT);
      },
      ::testing::KilledBySignal(SIGABRT),
      "\\[herald\\] fatal signal SIGABRT outside any plugin call");
}

}  // namespace
}  // namespace herald::plugin
