// `herald serve [--config FILE]`: the daemon. Takes the database's serve
// lock (one daemon per database), opens and migrates the store, loads the
// plugins, then hands over to daemon::Daemon until SIGTERM/SIGINT.
#include <iostream>
#include <memory>

#include "app/command.hpp"
#include "daemon/daemon.hpp"
#include "daemon/serve_lock.hpp"
#include "plugin/crash_report.hpp"

namespace herald::app {
namespace {

int runServe(AppContext& ctx) {
  config::DaemonConfig cfg = ctx.config();
  cfg.database = ctx.databasePath();
  daemon::ServeLock lock;
  if (std::string busy = lock.acquire(cfg.database); !busy.empty()) {
    std::cerr << "herald: error: " << busy << '\n';
    return 1;
  }
  store::Store& store = ctx.store(DbOpen::kCreate);  // migrated on open
  plugin::setCrashMarkerFile(cfg.database.string() + ".crashed");
  plugin::Registry& registry = ctx.plugins();  // every plugin directory loaded
  const std::string db = cfg.database.string();
  // --now starts the daemon's time there and lets it run on (tests of cron
  // firings and catch-up); without it, the system clock.
  std::unique_ptr<Clock> offset;
  if (!ctx.options().now.empty())
    offset = std::make_unique<OffsetClock>(*parseIsoTime(ctx.options().now));
  const Clock& clock = offset ? *offset : ctx.clock();
  daemon::Daemon server({std::move(cfg),
                         [&ctx, db](Diagnostics& diags) {
                           auto fresh = ctx.readConfig(diags);
                           if (fresh) fresh->database = db;  // --db stays as started
                           return fresh;
                         },
                         store, registry, clock});
  return server.run();
}

}  // namespace

void addServeCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run the daemon: serve every workflow of workflows_dir (triggers, timers, the admin and "
      "public HTTP listeners) until SIGTERM; SIGHUP or 'herald reload' reloads");
  cmd->callback([&ctx, &exit_code] { exit_code = runServe(ctx); });
}

}  // namespace herald::app
