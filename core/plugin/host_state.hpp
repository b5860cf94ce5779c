#pragma once
// Internal to core/plugin: what the host keeps behind the opaque handles it
// gives plugins (herald_step_ctx, herald_call) and behind the Registry.
#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "herald/abi.h"
#include "observe/metrics.hpp"
#include "plugin/call_pool.hpp"
#include "plugin/host_services/plugin_ctx.hpp"
#include "plugin/registry.hpp"
#include "plugin/segment_fields.hpp"

namespace herald::plugin {

// A library that passed every check. Step instances and contexts hold it by
// shared_ptr, so it stays mapped while any of them exists.
struct LoadedPlugin {
  boost::dll::shared_library library;
  const herald_plugin* descriptor = nullptr;
  std::string name;
  std::filesystem::path path;
  // ABI 1.3: the plugin-wide handle, its settings schema ({} = any object)
  // and webhook routes (prefix, route), checked at load.
  std::unique_ptr<herald_plugin_ctx> ctx;
  nlohmann::json settings_schema;
  std::vector<std::pair<std::string, const herald_webhook_route*>> webhooks;

  // init()/shutdown() of a descriptor that has them (ABI 1.3), else null.
  decltype(herald_plugin::init) initFn() const;
  decltype(herald_plugin::shutdown) shutdownFn() const;
};

// State shared by the Registry and every context it hands out; contexts
// hold it by shared_ptr so they may outlive the Registry.
struct HostShared {
  HostShared() {
    metrics.setDefaultHelp("Reported by a plugin (counter_add / gauge_set), by plugin and step");
  }

  // Plugin kv, segment_match and recommend calls reach the store on the
  // engine's thread (store_access.hpp); the lock serialises the rest.
  std::mutex store_mu;
  store::Store* store = nullptr;
  // The threads that run plugins' run_batch (never the engine's thread).
  CallPool calls;

  // What plugins report (counter_add / gauge_set).
  observe::Metrics metrics;

  std::mutex settings_mu;
  nlohmann::json plugin_settings = nlohmann::json::object();
  std::filesystem::path state_dir;

  // The plugin's settings object plus "state_dir", as JSON text.
  std::string settingsFor(const std::string& plugin);

  // ABI 1.3 loop services (plugin_ctx.hpp), while the plugins run.
  std::mutex services_mu;
  std::shared_ptr<LoopServices> services;
};

// Labels for errors: "plugin 'outbox' (step type 'outbox.email')".
std::string describeStep(const std::string& plugin, const std::string& type);

// Counts a plugin bug (double completion, missed deadline...) in the
// metrics as bugs_total{plugin, step, bug}.
void countBug(HostShared& host, const std::string& plugin, const std::string& step,
              const std::string& bug);

// The one host API table; static, so valid for the life of the process.
const herald_host_api* hostApi();

}  // namespace herald::plugin

// Defined in the global namespace to complete the ABI's opaque type.
struct herald_step_ctx {
  std::shared_ptr<herald::plugin::HostShared> host;
  std::shared_ptr<herald::plugin::LoadedPlugin> plugin;
  std::string plugin_name;
  std::string type;
  std::string step_id;
  std::string log_source;     // "plugin/step_id"
  std::string workflow;       // the step's workflow, for log fields; may be empty
  std::string settings_json;  // served by plugin_settings_json; lives as long as the ctx

  // The step's x-segment fields, parsed when it was created (read-only
  // afterwards), and the zone host->segment_match() evaluates them in.
  herald::plugin::SegmentRules segment_rules;
  std::string timezone = "UTC";

  std::mutex diag_mu;
  std::vector<herald::plugin::ConfigProblem>* diagnostics = nullptr;  // set during create()
};
