#pragma once
// Shared set-up for every CLI command: global flags, the daemon config, the
// store, the plugin registry and the clock, each created on first use so a
// command that needs none of them (e.g. `schema`) opens nothing.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/daemon_config.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"

namespace herald::app {

struct GlobalOptions {
  std::string config_path;               // --config
  std::vector<std::string> plugin_dirs;  // --plugin-dir (repeatable)
  std::string db_path;                   // --db
  std::string now;                       // --now (ISO time; for tests and backfills)
};

// A command failed in a way already explained to the user on stderr.
struct CommandFailed {
  int exit_code = 1;
};

// Whether a command may create the database when there is none.
enum class DbOpen { kExisting, kCreate };

class AppContext {
 public:
  // `options` is borrowed: main() fills it while parsing the command line,
  // after the commands were registered with this context.
  explicit AppContext(const GlobalOptions& options);
  ~AppContext();

  const GlobalOptions& options() const { return options_; }
  // Loads the config (or defaults). Config errors are printed and throw CommandFailed.
  const config::DaemonConfig& config();
  // Opens the store at databasePath(). Commands that only read, or change
  // what is there, pass kExisting: a missing database is then an error that
  // names the path (a mistyped --db must not look like an empty database).
  // Commands that fill a database (imports, run) pass kCreate: a missing one
  // is created, with its folder, and they say so on stderr.
  store::Store& store(DbOpen open = DbOpen::kExisting);
  // --db, else the config's database.
  std::filesystem::path databasePath();
  // Reads the config file afresh (--config, else the default path, else the
  // built-in defaults): what config() loads once and `herald serve` reloads.
  // nullopt with the problems in `diags`.
  std::optional<config::DaemonConfig> readConfig(Diagnostics& diags) const;
  // Registers the built-ins and loads every plugin directory.
  plugin::Registry& plugins();
  const Clock& clock();

 private:
  const GlobalOptions& options_;
  std::optional<config::DaemonConfig> config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<plugin::Registry> registry_;
  std::unique_ptr<Clock> clock_;
};

}  // namespace herald::app
