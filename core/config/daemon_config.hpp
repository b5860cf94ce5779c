#pragma once
// The daemon's own configuration (config/herald.yaml, /etc/herald/herald.yaml).
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/bounces_config.hpp"
#include "config/delivery_config.hpp"
#include "config/http_config.hpp"
#include "util/diagnostic.hpp"

namespace herald::config {

struct DaemonConfig {
  std::filesystem::path source;                    // file it came from; empty for built-in defaults
  std::filesystem::path state_dir = "var";         // relative paths are relative to the cwd
  std::filesystem::path database;                  // default: state_dir/herald.db
  std::vector<std::filesystem::path> plugin_dirs;  // searched in order
  // `herald serve`: every *.yaml here is a served workflow.
  std::filesystem::path workflows_dir = "workflows";
  // `herald serve`: where the control socket (herald.sock) lives; default
  // $RUNTIME_DIRECTORY (systemd's RuntimeDirectory=), else state_dir.
  std::filesystem::path runtime_dir;
  // `herald serve`: how long SIGTERM may wait for batches in flight.
  std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(30)};
  int batch_size = 500;  // contacts per step call (a workflow may lower it)
  std::chrono::milliseconds step_deadline{std::chrono::minutes(5)};
  std::string log_level = "info";
  // scheduler.poll: the daemon's wake-up timer sleeps at most this long, so
  // work another process changed (a `herald run`, an expired claim) is
  // noticed within it. Its own timers and events need no polling.
  std::chrono::milliseconds scheduler_poll{std::chrono::seconds(5)};
  nlohmann::json plugin_settings = nlohmann::json::object();  // plugins: NAME: {...}
  // privacy.keep_event_properties: what `herald contacts erase` keeps of an
  // erased contact's events besides their type and time (figures that say
  // nothing about the person, so sales totals stay right).
  std::vector<std::string> keep_event_properties = {"amount", "currency", "product_id", "items",
                                                    "quantity"};
  HttpConfig http;          // http: (config/http_config.hpp)
  LinksConfig links;        // links:
  BouncesConfig bounces;    // bounces: (config/bounces_config.hpp)
  DeliveryConfig delivery;  // delivery: caps, quiet hours (config/delivery_config.hpp)
};

// Parses a config file. Every problem goes to `diags` at FILE:LINE:COL
// (unknown keys name the known ones); returns nullopt when there were errors.
std::optional<DaemonConfig> loadDaemonConfig(const std::filesystem::path& file, Diagnostics& diags);

// The config file to use when none is given: /etc/herald/herald.yaml when it
// exists, else ./config/herald.yaml when it exists (a checkout), else none.
std::optional<std::filesystem::path> defaultConfigPath();

// $RUNTIME_DIRECTORY when systemd set it, else `state_dir`.
std::filesystem::path defaultRuntimeDir(const std::filesystem::path& state_dir);

// Parses "500ms", "30s", "5m", "2h", "3d", "1w" (also combined: "1h30m").
std::optional<std::chrono::milliseconds> parseDuration(const std::string& text);
// The other way: 604800000 -> "7d", 129600000 -> "1d12h" (largest units first).
std::string formatDuration(int64_t ms);

}  // namespace herald::config
