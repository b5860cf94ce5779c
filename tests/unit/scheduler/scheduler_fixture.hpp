#pragma once
// The engine fixture (real SQLite file, registry with the outbox plugin)
// plus a daemon scheduler on a real io_context, a clock that starts where a
// test puts it and runs in real time, and "restarts".
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>

#include "config/daemon_config.hpp"
#include "engine_fixture.hpp"
#include "observe/metrics.hpp"
#include "scheduler/scheduler.hpp"
#include "scheduler/services.hpp"

namespace herald::scheduler::testing {

// Starts at a set time and advances in real time (like OffsetClock, but a
// test can move it, as `serve --now` does across a restart).
class ShiftClock final : public Clock {
 public:
  void set(int64_t ms) {
    base_ = ms;
    started_ = std::chrono::steady_clock::now();
  }
  int64_t nowMs() const override {
    return base_ + std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started_)
                       .count();
  }

 private:
  int64_t base_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

class SchedulerTest : public engine::testing::EngineTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts (or restarts: a new io_context, store handle and scheduler, as
  // after a process restart) a scheduler serving these workflows.
  void serve(const std::vector<std::string>& yamls);
  void stop();
  // Runs the loop until `done` holds or `ms` passed; returns done().
  bool runUntil(const std::function<bool()>& done, int ms);
  void runFor(int ms) {
    runUntil([] { return false; }, ms);
  }
  daemon::IngestResult ingest(std::vector<daemon::IncomingEvent> events);
  static daemon::IncomingEvent event(const std::string& external_id, const std::string& type,
                                     nlohmann::json properties = nlohmann::json::object(),
                                     std::optional<std::string> event_id = std::nullopt);
  size_t emails() const { return countFiles(outbox_ / "new"); }
  std::vector<std::string> emailTexts() const;
  int64_t runCount();

  ShiftClock now_;
  config::DaemonConfig config_;
  observe::Metrics metrics_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<std::shared_ptr<engine::RunPlan>> plans_;
};

}  // namespace herald::scheduler::testing
