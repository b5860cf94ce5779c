#pragma once
// A real SQLite store in a fresh temp dir, the real registry with the engine
// built-ins, the outbox plugin and the test plugin, and a fixed clock.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"
#include "workflow/model.hpp"

namespace herald::engine::testing {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes `yaml` to a file and loads + validates it; fails the test on errors.
  workflow::Workflow load(const std::string& yaml);
  // Imports `n` contacts c1..cN (external ids "c1"...), each filled by `fill`.
  void addContacts(int n, const std::function<void(int, store::Contact&)>& fill = {});
  RunResult run(const workflow::Workflow& wf, RunOptions options = {});
  // "step/outcome" -> count, for a run.
  std::map<std::string, int64_t> counts(int64_t run_id);
  std::vector<store::JourneyFailure> failures(int64_t run_id);
  void advance(int64_t ms) { clock_.set(clock_.nowMs() + ms); }

  static size_t countFiles(const std::filesystem::path& dir);
  static std::vector<std::string> readLines(const std::filesystem::path& file);

  std::filesystem::path dir_;
  std::filesystem::path outbox_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<plugin::Registry> registry_;
  FixedClock clock_{0};
};

int64_t isoMs(const char* text);

}  // namespace herald::engine::testing
