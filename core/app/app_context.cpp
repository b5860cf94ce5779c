#include "app/app_context.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <iostream>

#include "util/log.hpp"
#include "workflow/builtins.hpp"

namespace herald::app {

AppContext::AppContext(const GlobalOptions& options) : options_(options) {}

AppContext::~AppContext() {
  // Step instances and plugin libraries go before the store they may use.
  registry_.reset();
  store_.reset();
}

std::optional<config::DaemonConfig> AppContext::readConfig(Diagnostics& diags) const {
  std::optional<std::filesystem::path> path;
  if (!options_.config_path.empty()) {
    path = options_.config_path;
  } else {
    path = config::defaultConfigPath();
  }
  if (path) return config::loadDaemonConfig(*path, diags);
  config::DaemonConfig defaults;
  defaults.database = defaults.state_dir / "herald.db";
  defaults.runtime_dir = config::defaultRuntimeDir(defaults.state_dir);
  return defaults;
}

const config::DaemonConfig& AppContext::config() {
  if (config_) return *config_;
  Diagnostics diags;
  auto loaded = readConfig(diags);
  diags.print(std::cerr);
  if (!loaded) throw CommandFailed{1};
  config_ = std::move(*loaded);
  if (auto level = log::parseLevel(config_->log_level)) log::setLevel(*level);
  return *config_;
}

std::filesystem::path AppContext::databasePath() {
  return options_.db_path.empty() ? config().database : std::filesystem::path(options_.db_path);
}

store::Store& AppContext::store(DbOpen open) {
  if (store_) return *store_;
  const std::filesystem::path db = databasePath();
  std::error_code ec;
  const bool missing = !std::filesystem::exists(db, ec);
  if (missing) {
    if (open == DbOpen::kExisting) {
      std::cerr << "herald: error: there is no database at " << db.string()
                << " (a typo in --db or in the config's `database`?); importing contacts or "
                   "running a workflow creates one\n";
      throw CommandFailed{1};
    }
    if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path(), ec);
  }
  try {
    store_ = store::openSqliteStore(db.string());
  } catch (const store::StoreError& e) {
    std::cerr << "herald: error: " << e.what() << '\n';
    throw CommandFailed{1};
  }
  if (missing) std::cerr << "herald: created new database at " << db.string() << '\n';
  if (registry_) registry_->setStore(store_.get());
  return *store_;
}

plugin::Registry& AppContext::plugins() {
  if (registry_) return *registry_;
  const auto& cfg = config();
  registry_ = std::make_unique<plugin::Registry>();
  workflow::registerBuiltins(*registry_);
  registry_->setPluginSettings(cfg.plugin_settings, cfg.state_dir);
  if (store_) registry_->setStore(store_.get());
  std::vector<std::filesystem::path> dirs;
  for (const auto& d : options_.plugin_dirs) dirs.emplace_back(d);
  if (dirs.empty()) dirs = cfg.plugin_dirs;
  if (dirs.empty()) {
    // Installed layout and build tree alike: bin/herald, lib/herald/plugins/.
    dirs.push_back(boost::dll::program_location().parent_path().parent_path().string() +
                   "/lib/herald/plugins");
  }
  for (const auto& d : dirs) registry_->loadDirectory(d);
  return *registry_;
}

const Clock& AppContext::clock() {
  if (clock_) return *clock_;
  if (!options_.now.empty()) {
    auto t = parseIsoTime(options_.now);
    if (!t) {
      std::cerr << "herald: error: --now '" << options_.now
                << "' is not an ISO 8601 time such as 2026-11-22T09:00:00Z\n";
      throw CommandFailed{2};
    }
    clock_ = std::make_unique<FixedClock>(*t);
  } else {
    clock_ = std::make_unique<SystemClock>();
  }
  return *clock_;
}

}  // namespace herald::app
