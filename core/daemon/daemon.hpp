#pragma once
// `herald serve`: the daemon's lifecycle around one io_context thread.
//
//   run():  workflows loaded and validated (as `herald validate`), scheduler
//           serving them, listeners and the control socket bound, then READY=1;
//           a heartbeat checks the loop and the store, feeds the watchdog and
//           refreshes STATUS=; SIGHUP reloads; SIGTERM/SIGINT drain and stop.
//
// The store and the plugin registry are opened (store migrated, plugins
// loaded) by the caller before run() and must outlive the Daemon.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "daemon/control.hpp"
#include "daemon/notify.hpp"
#include "daemon/workflow_set.hpp"
#include "observe/metrics.hpp"
#include "plugin/registry.hpp"

namespace herald::scheduler {
class Scheduler;
}
namespace herald::http {
class Listeners;
}

namespace herald::daemon {

class ControlServer;

struct DaemonParts {
  config::DaemonConfig config;
  // Reads the config file again (reload); nullopt with the errors in `diags`.
  std::function<std::optional<config::DaemonConfig>(Diagnostics& diags)> reread_config;
  store::Store& store;
  plugin::Registry& registry;
  const Clock& clock;
};

class Daemon final : public Control {
 public:
  explicit Daemon(DaemonParts parts);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Serves until stopped. Returns the exit code: 0 after a clean drain;
  // 1 when start-up failed (printed on stderr) or the drain took longer than
  // shutdown_timeout (logged, with what was abandoned).
  int run();

  // Control
  store::Store& store() override { return store_; }
  const config::DaemonConfig& config() override { return config_; }
  const Clock& clock() override { return clock_; }
  observe::Metrics& metrics() override { return metrics_; }
  void ingestEvents(std::vector<IncomingEvent> events,
                    std::function<void(IngestResult)> done) override;
  nlohmann::json listWorkflows() override;
  std::optional<nlohmann::json> showWorkflow(const std::string& name) override;
  bool setPaused(const std::string& name, bool paused) override;
  Diagnostics validateWorkflowText(const std::string& name, const std::string& yaml) override;
  Diagnostics reload() override;
  StartResult startRun(const StartRequest& request) override;
  bool cancelRun(int64_t run_id) override;
  Health health() override;
  observe::Metrics* pluginMetrics() override { return &registry_.metrics(); }
  plugin::Registry* plugins() override { return &registry_; }

 private:
  // ABI 1.3 plugin services and init(); false (printed) when a plugin's
  // settings or init() refuse.
  bool startPlugins();
  void waitForStop();
  void waitForReload();
  void stop(int signal);
  void heartbeat();
  void updateStatus();
  void startBackstop();

  config::DaemonConfig config_;
  std::function<std::optional<config::DaemonConfig>(Diagnostics&)> reread_config_;
  store::Store& store_;
  plugin::Registry& registry_;
  const Clock& clock_;

  boost::asio::io_context io_;
  observe::Metrics metrics_;
  Notifier notifier_;
  std::shared_ptr<const WorkflowSet> set_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  std::unique_ptr<http::Listeners> listeners_;
  std::unique_ptr<ControlServer> control_;
  boost::asio::signal_set stop_signals_;
  boost::asio::signal_set reload_signal_;
  boost::asio::steady_timer heartbeat_;
  boost::asio::steady_timer drain_deadline_;

  bool loaded_ = false;
  bool draining_ = false;
  bool store_ok_ = true;
  std::string last_error_;
  int exit_code_ = 0;

  // Past shutdown_timeout with a wedged loop (a plugin holding the thread),
  // the io_context timer cannot fire: this thread ends the process instead.
  std::thread backstop_;
  std::mutex backstop_mu_;
  std::condition_variable backstop_cv_;
  bool stopped_ = false;
};

}  // namespace herald::daemon
