// `herald serve [--config FILE]`: the daemon. Takes the database's serve
// lock (one daemon per database), opens and migrates the store, loads the
// plugins, then hands over to daemon::Daemon until SIGTERM/SIGINT.
#include <iostream>

#include "app/command.hpp"
#include "daemon/daemon.hpp"
#include "daemon/serve_lock.hpp"

namespace herald::app {
namespace {

int runServe(AppContext& ctx) {
  config::DaemonConfig cfg = ctx.config();
  if (!ctx.options().db_path.empty()) cfg.database = ctx.options().db_path;
  daemon::ServeLock lock;
  if (std::string busy = lock.acquire(cfg.database); !busy.empty()) {
    std::cerr << "herald: error: " << busy << '\n';
    return 1;
  }
  store::Store& store = ctx.store();           // migrated on open
  plugin::Registry& registry = ctx.plugins();  // every plugin directory loaded
  const std::string db = cfg.database.string();
  daemon::Daemon server({std::move(cfg),
                         [&ctx, db](Diagnostics& diags) {
                           auto fresh = ctx.readConfig(diags);
                           if (fresh) fresh->database = db;  // --db stays as started
                           return fresh;
                         },
                         store, registry, ctx.clock()});
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
