#include "scheduler_fixture.hpp"

#include <fstream>
#include <sstream>

#include "engine/run_plan.hpp"
#include "workflow/validate.hpp"

namespace herald::scheduler::testing {

void SchedulerTest::SetUp() {
  EngineTest::SetUp();
  config_.scheduler_poll = std::chrono::milliseconds(200);
  config_.step_deadline = std::chrono::seconds(10);
}

void SchedulerTest::TearDown() {
  stop();
  EngineTest::TearDown();
}

void SchedulerTest::stop() {
  scheduler_.reset();
  io_.reset();
  plans_.clear();
}

void SchedulerTest::serve(const std::vector<std::string>& yamls) {
  stop();
  // A new process: a new store handle on the same file.
  store_.reset();
  store_ = store::openSqliteStore((dir_ / "herald.db").string());
  registry_->setStore(store_.get());
  io_ = std::make_unique<boost::asio::io_context>();
  auto set = std::make_shared<daemon::WorkflowSet>();
  int i = 0;
  for (const auto& yaml : yamls) {
    const auto path = dir_ / ("wf" + std::to_string(i++) + ".yaml");
    std::ofstream(path) << yaml;
    Diagnostics diags;
    auto wf = workflow::loadAndValidate(path.string(), *registry_, diags);
    for (const auto& d : diags.items()) ADD_FAILURE() << formatDiagnostic(d);
    ASSERT_TRUE(wf);
    auto plan = engine::RunPlan::build(*wf, *registry_, diags);
    ASSERT_TRUE(plan);
    std::shared_ptr<engine::RunPlan> shared(std::move(plan));
    plans_.push_back(shared);
    set->by_name[wf->name] = daemon::ServedWorkflow{wf->name, path, wf->revision, shared};
  }
  scheduler_ = std::make_unique<Scheduler>(*io_, *store_, now_, config_, metrics_);
  scheduler_->serve(set);
}

bool SchedulerTest::runUntil(const std::function<bool()>& done, int ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!done() && std::chrono::steady_clock::now() < end) {
    io_->restart();
    io_->run_for(std::chrono::milliseconds(20));
  }
  return done();
}

daemon::IngestResult SchedulerTest::ingest(std::vector<daemon::IncomingEvent> events) {
  std::optional<daemon::IngestResult> out;
  scheduler_->ingestEvents(std::move(events), [&](daemon::IngestResult r) { out = std::move(r); });
  EXPECT_TRUE(runUntil([&] { return out.has_value(); }, 5000));
  return out.value_or(daemon::IngestResult{});
}

daemon::IncomingEvent SchedulerTest::event(const std::string& external_id, const std::string& type,
                                           nlohmann::json properties,
                                           std::optional<std::string> event_id) {
  daemon::IncomingEvent e;
  e.external_id = external_id;
  e.type = type;
  e.properties = std::move(properties);
  e.at_ms = 1'780'000'000'000;
  e.event_id = std::move(event_id);
  return e;
}

std::vector<std::string> SchedulerTest::emailTexts() const {
  std::vector<std::string> out;
  if (!std::filesystem::exists(outbox_ / "new")) return out;
  for (const auto& e : std::filesystem::directory_iterator(outbox_ / "new")) {
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

int64_t SchedulerTest::runCount() { return static_cast<int64_t>(store_->listRuns(1000).size()); }

}  // namespace herald::scheduler::testing
