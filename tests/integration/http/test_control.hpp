#pragma once
// daemon::Control for the HTTP tests until `herald serve`'s Daemon is there:
// a real SQLite store, the config file's settings, real metrics, ingestion
// with a group commit (every event posted in one turn of the loop shares a
// transaction), and a small fixed set of "served" workflows.
#include <boost/asio/io_context.hpp>
#include <map>

#include "daemon/control.hpp"
#include "observe/metrics.hpp"

namespace herald::testing {

class TestControl : public daemon::Control {
 public:
  TestControl(boost::asio::io_context& io, config::DaemonConfig config);

  store::Store& store() override { return *store_; }
  const config::DaemonConfig& config() override { return config_; }
  const Clock& clock() override { return clock_; }
  observe::Metrics& metrics() override { return metrics_; }
  observe::Metrics* pluginMetrics() override { return &plugin_metrics_; }

  void ingestEvents(std::vector<daemon::IncomingEvent> events,
                    std::function<void(daemon::IngestResult)> done) override;

  nlohmann::json listWorkflows() override;
  std::optional<nlohmann::json> showWorkflow(const std::string& name) override;
  bool setPaused(const std::string& name, bool paused) override;
  Diagnostics validateWorkflowText(const std::string& name, const std::string& yaml) override;
  Diagnostics reload() override { return {}; }
  daemon::StartResult startRun(const daemon::StartRequest& request) override;
  bool cancelRun(int64_t run_id) override;
  daemon::Health health() override;

  void setDraining(bool d) { draining_ = d; }

 private:
  struct Pending {
    std::vector<daemon::IncomingEvent> events;
    std::function<void(daemon::IngestResult)> done;
  };
  void flush();

  boost::asio::io_context& io_;
  config::DaemonConfig config_;
  SystemClock clock_;
  observe::Metrics metrics_;
  observe::Metrics plugin_metrics_;
  std::unique_ptr<store::Store> store_;
  std::vector<Pending> pending_;
  bool flush_posted_ = false;
  std::map<std::string, bool> workflows_ = {{"welcome", false}, {"nps-survey", false}};
  bool draining_ = false;
};

}  // namespace herald::testing
