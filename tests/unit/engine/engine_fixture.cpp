#include "engine_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <random>

#include "engine/run_plan.hpp"
#include "workflow/builtins.hpp"
#include "workflow/validate.hpp"

namespace herald::engine::testing {

int64_t isoMs(const char* text) {
  auto t = parseIsoTime(text);
  EXPECT_TRUE(t) << text;
  return t.value_or(0);
}

void EngineTest::SetUp() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("herald-engine-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
  outbox_ = dir_ / "outbox";
  clock_.set(isoMs("2026-03-02T07:00:00Z"));
  store_ = store::openSqliteStore((dir_ / "herald.db").string());
  registry_ = std::make_unique<plugin::Registry>();
  workflow::registerBuiltins(*registry_);
  registry_->setPluginSettings({{"outbox", {{"dir", outbox_.string()}, {"fsync", false}}}}, dir_);
  registry_->setStore(store_.get());
  registry_->loadDirectory(HERALD_PLUGIN_DIR);
  registry_->loadDirectory(HERALD_TEST_PLUGIN_DIR);
  for (const auto& r : registry_->refused()) ADD_FAILURE() << r.path << ": " << r.reason;
  ASSERT_TRUE(registry_->find("outbox.email"));
  ASSERT_TRUE(registry_->find("t.echo"));
}

void EngineTest::TearDown() {
  registry_.reset();
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

workflow::Workflow EngineTest::load(const std::string& yaml) {
  const auto path = dir_ / "workflow.yaml";
  std::ofstream(path) << yaml;
  Diagnostics diags;
  auto wf = workflow::loadAndValidate(path.string(), *registry_, diags);
  for (const auto& d : diags.items()) ADD_FAILURE() << formatDiagnostic(d);
  if (!wf) throw std::runtime_error("workflow did not load");
  return *wf;
}

void EngineTest::addContacts(int n, const std::function<void(int, store::Contact&)>& fill) {
  auto import = store_->beginContactImport();
  for (int i = 1; i <= n; ++i) {
    store::Contact c;
    c.external_id = "c" + std::to_string(i);
    c.email = "user" + std::to_string(i) + "@example.com";
    c.first_name = "User" + std::to_string(i);
    c.timezone = "UTC";
    // Everyone consented unless a test says otherwise (the policy requires it).
    c.consents = {{"email", true, "test", 1, ""}, {"sms", true, "test", 1, ""}};
    if (fill) fill(i, c);
    import->upsert(c);
  }
  import->commit();
}

RunResult EngineTest::run(const workflow::Workflow& wf, RunOptions options) {
  Diagnostics diags;
  auto plan = RunPlan::build(wf, *registry_, diags);
  for (const auto& d : diags.items()) ADD_FAILURE() << formatDiagnostic(d);
  if (!plan) throw std::runtime_error("plan did not build");
  boost::asio::io_context io;
  RunResult r = runToCompletion(io, *store_, clock_, *plan, options);
  EXPECT_FALSE(r.error) << *r.error;
  return r;
}

std::map<std::string, int64_t> EngineTest::counts(int64_t run_id) {
  std::map<std::string, int64_t> out;
  for (const auto& c : store_->stepCounts(run_id)) out[c.step_id + "/" + c.outcome] = c.count;
  return out;
}

std::vector<store::JourneyFailure> EngineTest::failures(int64_t run_id) {
  return store_->failures(run_id, 100000);
}

size_t EngineTest::countFiles(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

std::vector<std::string> EngineTest::readLines(const std::filesystem::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace herald::engine::testing
