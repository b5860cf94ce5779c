#include "daemon/daemon.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "daemon/control_commands.hpp"
#include "daemon/control_socket.hpp"
#include "daemon/load_workflow_set.hpp"
#include "engine/validate_files.hpp"
#include "http/listeners.hpp"
#include "scheduler/scheduler.hpp"
#include "util/log.hpp"

namespace herald::daemon {
namespace {

constexpr std::string_view kLog = "serve";
constexpr auto kStatusPeriod = std::chrono::seconds(10);
// After shutdown_timeout the io_context timer ends the drain; the backstop
// thread waits this much longer in case the loop itself is wedged.
constexpr auto kBackstopGrace = std::chrono::seconds(5);

std::string plural(int64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// A short summary of the errors for STATUS= and the log's last line.
std::string firstError(const Diagnostics& diags) {
  for (const auto& d : diags.items()) {
    if (d.severity != Severity::kError) continue;
    std::string s = formatDiagnostic(d);
    if (diags.errorCount() > 1) s += fmt::format(" (and {} more)", diags.errorCount() - 1);
    return s;
  }
  return "";
}

}  // namespace

Daemon::Daemon(DaemonParts parts)
    : config_(std::move(parts.config)),
      reread_config_(std::move(parts.reread_config)),
      store_(parts.store),
      registry_(parts.registry),
      clock_(parts.clock),
      stop_signals_(io_, SIGTERM, SIGINT),
      reload_signal_(io_, SIGHUP),
      heartbeat_(io_),
      drain_deadline_(io_) {
  metrics_.describe("reloads_total", "Reloads of the config and workflows, by result");
  metrics_.describe("workflows_served", "Workflows the daemon serves");
  metrics_.describe("watchdog_checks_total", "Heartbeat checks of the loop and the store");
}

Daemon::~Daemon() {
  {
    std::lock_guard lock(backstop_mu_);
    stopped_ = true;
  }
  backstop_cv_.notify_all();
  if (backstop_.joinable()) backstop_.join();
  // Listeners and the control socket call into the scheduler; the scheduler
  // holds the plans (plugin instances) of the set.
  control_.reset();
  listeners_.reset();
  scheduler_.reset();
  set_.reset();
}

int Daemon::run() {
  Diagnostics diags;
  auto set = loadWorkflowSet(config_.workflows_dir, registry_, &store_, clock_.nowMs(), diags);
  diags.sort();
  diags.print(std::cerr);
  if (!set) {
    std::cerr << "herald: error: not serving: " << plural(diags.errorCount(), "error")
              << " in the workflows of " << config_.workflows_dir.string()
              << " ('herald validate' shows the same)\n";
    return 1;
  }
  scheduler_ = std::make_unique<scheduler::Scheduler>(io_, store_, clock_, config_, metrics_);
  if (!startPlugins()) return 1;
  scheduler_->setPlanSource([this](const store::Run& run) -> std::shared_ptr<engine::RunPlan> {
    auto rev = store_.workflowRevision(run.workflow, run.revision);
    if (!rev) return nullptr;
    Diagnostics problems;
    auto plan =
        planOfStoredRevision(*rev, config_.workflows_dir, registry_, clock_.nowMs(), problems);
    if (!plan) {
      problems.sort();
      log::warn(kLog, fmt::format("run {} of '{}': its revision {} no longer validates, so its "
                                  "journeys wait: {}",
                                  run.id, run.workflow, run.revision.substr(0, 12),
                                  firstError(problems)));
    }
    return plan;
  });
  scheduler_->serve(set);
  set_ = std::move(set);
  listeners_ = std::make_unique<http::Listeners>(io_, *this);
  const auto socket = controlSocketPath(config_.runtime_dir);
  control_ = std::make_unique<ControlServer>(io_, socket, [this](const nlohmann::json& request) {
    return answerControlRequest(*this, request);
  });
  try {
    listeners_->start();
    control_->start();
  } catch (const std::exception& e) {
    std::cerr << "herald: error: " << e.what() << '\n';
    return 1;
  }
  loaded_ = true;
  metrics_.gaugeSet("workflows_served", {}, static_cast<double>(set_->by_name.size()));
  waitForStop();
  waitForReload();
  heartbeat();
  // (The listeners log their own addresses.)
  log::info(kLog, fmt::format("serving {} from {}; control socket {}",
                              plural(static_cast<int64_t>(set_->by_name.size()), "workflow"),
                              config_.workflows_dir.string(), socket.string()));
  notifier_.ready();
  updateStatus();
  io_.run();
  registry_.stopPlugins();
  return exit_code_;
}

bool Daemon::startPlugins() {
  plugin::PluginRuntime runtime;
  runtime.loop = &io_;
  runtime.clock = &clock_;
  runtime.link_keys = config_.links.keys;
  runtime.public_base_url = config_.http.public_base_url;
  runtime.link_lifetime = config_.links.lifetime;
  // Plugin events take the admin API's path: group commit and triggers.
  runtime.events = [this](plugin::PluginEvent e, std::function<void(plugin::EventRecorded)> done) {
    IncomingEvent in;
    in.contact_id = e.contact_id;
    in.external_id = std::move(e.external_id);
    in.email = std::move(e.email);
    in.type = std::move(e.type);
    in.at_ms = e.at_ms;
    in.properties = std::move(e.properties);
    in.event_id = std::move(e.event_id);
    std::vector<IncomingEvent> batch;
    batch.push_back(std::move(in));
    ingestEvents(std::move(batch), [done = std::move(done)](IngestResult r) {
      using K = IngestOutcome::Kind;
      if (r.error || r.outcomes.empty()) return done(plugin::EventRecorded::kFailed);
      const K k = r.outcomes.front().kind;
      done(k == K::kStored      ? plugin::EventRecorded::kStored
           : k == K::kDuplicate ? plugin::EventRecorded::kDuplicate
                                : plugin::EventRecorded::kUnknownContact);
    });
  };
  const auto problems = registry_.startPlugins(std::move(runtime));
  for (const auto& p : problems) std::cerr << "herald: error: " << p << '\n';
  if (!problems.empty()) {
    std::cerr << "herald: error: not serving: fix the plugins' settings in "
              << config_.source.string() << "\n";
    registry_.stopPlugins();
  }
  return problems.empty();
}

void Daemon::waitForStop() {
  stop_signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (!ec) stop(signal);
  });
}

void Daemon::waitForReload() {
  reload_signal_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec || draining_) return;
    log::info(kLog, "SIGHUP: reloading the config and the workflows");
    reload();
    waitForReload();
  });
}

void Daemon::stop(int signal) {
  if (draining_) return;
  draining_ = true;
  notifier_.stopping();
  notifier_.status("stopping: finishing the batches in flight");
  log::info(kLog, fmt::format("{}: stopping; no new batch starts, the batches in flight finish "
                              "(at most {} s)",
                              signal == SIGINT ? "SIGINT" : "SIGTERM",
                              config_.shutdown_timeout.count() / 1000));
  reload_signal_.cancel();
  heartbeat_.cancel();
  control_->stop();
  listeners_->stop();
  startBackstop();
  drain_deadline_.expires_after(config_.shutdown_timeout);
  drain_deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    log::error(kLog,
               fmt::format("shutdown_timeout ({} s) passed: abandoning the batches still in "
                           "flight ({} journeys waiting); their transactions did not commit, so "
                           "they roll back and run again at the next start",
                           config_.shutdown_timeout.count() / 1000, scheduler_->journeysWaiting()));
    exit_code_ = 1;
    io_.stop();
  });
  scheduler_->drain([this] {
    drain_deadline_.cancel();
    log::info(kLog, "stopped: every batch in flight finished");
    registry_.stopPlugins();
    io_.stop();
  });
}

void Daemon::startBackstop() {
  const auto limit = config_.shutdown_timeout + kBackstopGrace;
  backstop_ = std::thread([this, limit] {
    std::unique_lock lock(backstop_mu_);
    if (backstop_cv_.wait_for(lock, limit, [this] { return stopped_; })) return;
    log::error(kLog,
               "the engine loop did not answer after shutdown_timeout: exiting without "
               "waiting for it; uncommitted batches roll back and run again at the next "
               "start");
    std::_Exit(1);
  });
}

void Daemon::heartbeat() {
  // The check runs on the io_context like all work: a wedged loop or store
  // stops the watchdog pings and systemd restarts the service.
  try {
    store_.kvGet("daemon", "heartbeat");
    store_ok_ = true;
    metrics_.counterAdd("watchdog_checks_total", {{"result", "ok"}}, 1);
    notifier_.watchdog();
  } catch (const std::exception& e) {
    if (store_ok_) log::error(kLog, std::string("the store does not answer: ") + e.what());
    store_ok_ = false;
    last_error_ = std::string("store: ") + e.what();
    metrics_.counterAdd("watchdog_checks_total", {{"result", "failed"}}, 1);
  }
  updateStatus();
  std::chrono::microseconds period = kStatusPeriod;
  if (auto wd = Notifier::watchdogInterval()) period = std::min(period, *wd / 2);
  heartbeat_.expires_after(period);
  heartbeat_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) heartbeat();
  });
}

void Daemon::updateStatus() {
  if (draining_) return;
  std::string text =
      fmt::format("serving {}; {} waiting",
                  plural(static_cast<int64_t>(set_ ? set_->by_name.size() : 0), "workflow"),
                  plural(scheduler_ ? scheduler_->journeysWaiting() : 0, "journey"));
  // Batches no longer handed to their plugin after crashing the process
  // twice: a sysadmin sees them in `systemctl status` until dealt with.
  std::string quarantined;
  for (const auto& h : store_.quarantinedBatches(""))
    quarantined += fmt::format("{}{}/{} (plugin {})", quarantined.empty() ? "" : ", ", h.workflow,
                               h.step_id, h.plugin);
  if (!quarantined.empty()) text += "; quarantined batches: " + quarantined;
  if (!last_error_.empty()) text += "; last error: " + last_error_;
  notifier_.status(text);
}

Diagnostics Daemon::reload() {
  Diagnostics diags;
  if (draining_) {
    diags.error({}, "the daemon is stopping");
    return diags;
  }
  notifier_.reloading();
  std::optional<config::DaemonConfig> cfg = reread_config_(diags);
  std::shared_ptr<WorkflowSet> set;
  if (cfg) {
    // Where the daemon keeps its state and listens stays as started.
    auto restart_only = [&](bool changed, const char* key) {
      if (changed)
        diags.warning({cfg->source.string(), 0, 0},
                      std::string(key) + " changed: it takes effect after a restart");
    };
    restart_only(cfg->state_dir != config_.state_dir, "state_dir");
    restart_only(cfg->database != config_.database, "database");
    restart_only(cfg->runtime_dir != config_.runtime_dir, "runtime_dir");
    restart_only(cfg->plugin_dirs != config_.plugin_dirs, "plugin_dirs");
    cfg->state_dir = config_.state_dir;
    cfg->database = config_.database;
    cfg->runtime_dir = config_.runtime_dir;
    cfg->plugin_dirs = config_.plugin_dirs;
    registry_.setPluginSettings(cfg->plugin_settings, config_.state_dir);
    set = loadWorkflowSet(cfg->workflows_dir, registry_, &store_, clock_.nowMs(), diags);
    if (!set) registry_.setPluginSettings(config_.plugin_settings, config_.state_dir);
  }
  diags.sort();
  if (set) {
    config_ = std::move(*cfg);
    if (auto level = log::parseLevel(config_.log_level)) log::setLevel(*level);
    scheduler_->serve(set);
    set_ = std::move(set);
    last_error_.clear();
    metrics_.counterAdd("reloads_total", {{"result", "ok"}}, 1);
    metrics_.gaugeSet("workflows_served", {}, static_cast<double>(set_->by_name.size()));
    for (const auto& d : diags.items()) log::warn(kLog, formatDiagnostic(d));
    log::info(kLog, "reloaded: serving " +
                        plural(static_cast<int64_t>(set_->by_name.size()), "workflow"));
  } else {
    for (const auto& d : diags.items()) log::error(kLog, formatDiagnostic(d));
    last_error_ = "reload failed: " + firstError(diags);
    metrics_.counterAdd("reloads_total", {{"result", "failed"}}, 1);
    log::error(kLog, "reload failed: " + plural(static_cast<int64_t>(diags.errorCount()), "error") +
                         "; the workflows served before keep running");
  }
  notifier_.ready();
  updateStatus();
  return diags;
}

void Daemon::ingestEvents(std::vector<IncomingEvent> events,
                          std::function<void(IngestResult)> done) {
  scheduler_->ingestEvents(std::move(events), std::move(done));
}

nlohmann::json Daemon::listWorkflows() {
  nlohmann::json list = nlohmann::json::array();
  if (!set_) return list;
  for (const auto& [name, served] : set_->by_name) {
    if (auto shown = showWorkflow(name)) list.push_back(std::move(*shown));
  }
  return list;
}

std::optional<nlohmann::json> Daemon::showWorkflow(const std::string& name) {
  if (!set_) return std::nullopt;
  auto it = set_->by_name.find(name);
  if (it == set_->by_name.end()) return std::nullopt;
  nlohmann::json out = scheduler_->describe(name);
  if (!out.is_object()) out = nlohmann::json::object();
  out["name"] = name;
  out["file"] = it->second.file.string();
  out["revision"] = it->second.revision;
  return out;
}

bool Daemon::setPaused(const std::string& name, bool paused) {
  if (!set_ || !set_->by_name.count(name)) return false;
  return scheduler_->setPaused(name, paused);
}

Diagnostics Daemon::validateWorkflowText(const std::string& name, const std::string& yaml) {
  // Checked as the file `name` in workflows_dir would be: its segments/ and
  // templates/ folders are the served workflows'.
  const std::string path = (config_.workflows_dir / name).string();
  return engine::validateFiles(
             {{path, yaml}}, registry_, [this] { return &store_; }, clock_.nowMs())
      .diagnostics;
}

StartResult Daemon::startRun(const StartRequest& request) { return scheduler_->startRun(request); }

bool Daemon::cancelRun(int64_t run_id) { return scheduler_->cancelRun(run_id); }

Health Daemon::health() {
  Health h;
  h.store_ok = store_ok_;
  h.loaded = loaded_;
  h.draining = draining_;
  h.workflows = set_ ? static_cast<int64_t>(set_->by_name.size()) : 0;
  h.journeys_waiting = scheduler_ ? scheduler_->journeysWaiting() : 0;
  h.last_error = last_error_;
  return h;
}

}  // namespace herald::daemon
