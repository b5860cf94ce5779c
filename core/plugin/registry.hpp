#pragma once
// The catalogue of step types (engine built-ins and plugin-provided), the
// plugins that were loaded or refused, and the way to instantiate a step.
// Owned by core/plugin; read by workflow validation, the engine and the CLI.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/http_config.hpp"
#include "herald/abi.h"
#include "util/clock.hpp"
#include "util/diagnostic.hpp"

namespace herald::store {
class Store;
}

namespace herald::segment {
class Library;
}

namespace herald::recommend {
class Recommender;
}

namespace boost::asio {
class io_context;
}

namespace herald::observe {
class Metrics;
}

namespace herald::plugin {

using observe::Metrics;

struct StepTypeInfo {
  std::string name;                       // used in `uses:`
  std::string summary;                    // one line
  std::string plugin;                     // providing plugin's name; "builtin" for engine built-ins
  std::string channel;                    // delivery steps: "email", "sms"; else empty
  uint32_t flags = 0;                     // HERALD_STEP_*
  nlohmann::json schema;                  // parsed config schema (JSON-Schema subset)
  bool builtin = false;                   // condition, wait, exit: handled by the engine itself
  const herald_step_type* abi = nullptr;  // null for built-ins
  // Branch labels the type's outcomes may name (condition: then, else; a
  // plugin's herald_step_type.branches, empty for ABI 1.0 plugins).
  // Validation rejects `branches:` labels not listed here.
  std::vector<std::string> branches;
};

struct PluginInfo {
  std::string name;
  std::string version;
  std::string description;
  std::filesystem::path path;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::vector<std::string> step_types;
  std::vector<std::string> webhooks;  // ABI 1.3 route prefixes
};

struct RefusedPlugin {
  std::filesystem::path path;
  std::string plugin;  // name when it could be read, else empty
  std::string reason;  // the one-line message printed to the user
};

// A problem a plugin reported against its config during create().
struct ConfigProblem {
  std::string json_pointer;  // RFC 6901 into the step's `with`
  std::string message;
  // Set when the host itself found the problem at an exact place (inside a
  // segment rule of an x-segment field): print it there instead of mapping
  // json_pointer.
  std::optional<SourcePos> pos = std::nullopt;
};

// What the host needs, besides the config, to prepare a step instance: where
// the config came from (for FILE:LINE:COL) and what its x-segment rules may
// refer to. Defaults: no positions, no named segments, UTC.
struct StepSetup {
  const std::map<std::string, SourcePos>* positions = nullptr;  // JSON pointer -> place
  SourcePos fallback;  // the `with:` key, for nodes without a position
  std::shared_ptr<const segment::Library> segments;  // `segment: NAME` resolves here
  std::string timezone = "UTC";  // the workflow's zone for segment dates and ages
  std::string workflow;          // its name, for the step's log lines (HERALD_WORKFLOW)
};

// Per-contact results of one batch, as the engine consumes them.
struct Outcome {
  herald_outcome_kind kind = HERALD_OUTCOME_CONTINUE;
  std::string branch;
  int64_t wait_until_ms = 0;
  int64_t retry_after_ms = 0;  // HERALD_OUTCOME_RETRY_AFTER
  std::string reason;
  nlohmann::json vars = nlohmann::json::object();  // may be empty object
};

struct BatchResult {
  bool ok = true;                 // false: the whole batch failed (retryable)
  std::string error;              // when !ok
  std::vector<Outcome> outcomes;  // one per contact when ok
  std::vector<std::pair<size_t, std::string>> previews;  // dry-run previews (contact index, text)
};

// What the host API offers a batch besides the registry-wide services: the
// run it belongs to. The engine makes one per run and passes it with every
// batch; an absent service answers HERALD_ERR_UNSUPPORTED (ABI 1.2).
struct RunServices {
  // host->recommend: the run's recommendations, built once per run on first
  // use (Recommender::forContacts). Shared, so that a plugin completing
  // late cannot outlive it.
  std::shared_ptr<recommend::Recommender> recommender;
};

// A live step instance of a plugin step type. Destroying it destroys the
// plugin instance; the library stays loaded while any instance exists.
class StepInstance {
 public:
  virtual ~StepInstance() = default;
  // Hands the batch to the plugin's run_batch on a worker thread of the
  // plugin host (CallPool: bounded, a share per plugin), never on the
  // caller's thread, so a plugin that blocks stalls only its own share.
  // `done` is invoked exactly once with the result: when the plugin
  // completes (from whatever thread it completes on — the caller re-posts
  // onto its own executor), or with ok=false when the plugin throws, returns
  // garbage (wrong outcome count, unknown kind, BRANCH without a label,
  // vars_json not a JSON object) or misses `deadline`. A second complete()
  // is logged as a plugin bug and ignored. Do not destroy the instance from
  // inside `done`. A fatal signal inside run_batch is reported on stderr
  // with the plugin, step, workflow and run (crash_report.hpp).
  // The batch is copied (contacts and all): the caller may free it as soon
  // as runBatch returns. The deadline timer is a steady_timer on `io` (the
  // engine's io_context), so a missed deadline calls `done` on a thread
  // running `io`; the timer is cancelled when the plugin completes in time,
  // so it never keeps io.run() waiting. A deadline <= 0 means none.
  // `services` are what the host API serves this batch's calls (recommend);
  // they are kept until the plugin completes.
  virtual void runBatch(const herald_batch& batch, std::chrono::milliseconds deadline,
                        boost::asio::io_context& io, std::function<void(BatchResult)> done,
                        const RunServices& services = {}) = 0;
};

// An event a plugin records (host->record_event, ABI 1.3).
struct PluginEvent {
  std::optional<int64_t> contact_id;
  std::optional<std::string> external_id;
  std::optional<std::string> email;  // lower-cased
  std::string type;
  int64_t at_ms = 0;
  nlohmann::json properties = nlohmann::json::object();
  std::optional<std::string> event_id;  // idempotency key
};
enum class EventRecorded { kStored, kDuplicate, kUnknownContact, kFailed };
// Where plugin events go: `herald serve` hands them to its event ingestion
// (group commit, event triggers); called on the loop, answers on the loop.
using EventSink = std::function<void(PluginEvent, std::function<void(EventRecorded)>)>;

// What the ABI 1.3 loop services need (Registry::startPlugins).
struct PluginRuntime {
  boost::asio::io_context* loop = nullptr;  // the engine's; required
  const Clock* clock = nullptr;             // record_event's "now"; required
  std::vector<config::LinkKey> link_keys;   // empty: sign_link is unsupported
  std::string public_base_url;
  std::chrono::milliseconds link_lifetime{std::chrono::hours(24 * 365)};
  // Null: events go straight into the store (`herald run`: no triggers).
  EventSink events;
};

// A request to a plugin's webhook route and the answer it filled.
struct WebhookRequest {
  std::string method;
  std::string path;   // decoded, without the query
  std::string query;  // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;
};
struct WebhookAnswer {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Register an engine built-in step type (no library behind it).
  void addBuiltin(StepTypeInfo info);

  // Load every *.so in `dir` (non-recursive, sorted by name). Refusals are
  // recorded (see refused()) and loading goes on. A directory that does not
  // exist is skipped with an error line on the log and recorded (see
  // missingDirectories()).
  void loadDirectory(const std::filesystem::path& dir);
  // Load one file; false (and a recorded refusal) when refused. A file
  // tried before (same canonical path) is not tried again: the result of
  // the first attempt is returned and nothing new is recorded.
  bool loadFile(const std::filesystem::path& file);

  const StepTypeInfo* find(const std::string& name) const;
  std::vector<const StepTypeInfo*> stepTypes() const;  // sorted by name
  const std::vector<PluginInfo>& plugins() const;
  const std::vector<RefusedPlugin>& refused() const;
  // Plugin directories given to loadDirectory() that do not exist.
  const std::vector<std::filesystem::path>& missingDirectories() const;

  // Lets plugins reach the store (kv, segment_match) through the host API.
  // Optional: without a store, those calls return HERALD_ERR_UNSUPPORTED.
  void setStore(store::Store* store);

  // The daemon config's `plugins:` section ({NAME: {...}}) and state
  // directory, served to each plugin through host->plugin_settings_json as
  // its own object plus "state_dir". Call before instantiating steps.
  void setPluginSettings(const nlohmann::json& plugins_section,
                         const std::filesystem::path& state_dir);

  // The settings object of plugin `name` from setPluginSettings() (null
  // when herald.yaml has none): where x-secret step fields not named in a
  // workflow file come from (workflow/secret_sources.hpp).
  nlohmann::json pluginSettings(const std::string& name) const;

  // Counters and gauges the plugins report (core/plugin/metrics.hpp), for
  // the /metrics endpoint.
  Metrics& metrics();

  // Semantic check of a config that already passed the schema: create() then
  // destroy() the instance, collecting the plugin's diagnostics. Empty when
  // all is well. Built-ins always return empty here. Both this and
  // instantiate() fill in the schema's defaults before the plugin sees the
  // config. A plugin that refuses without a diagnostic, or throws, yields a
  // problem at "" that says so. Fields the schema marks "x-segment" are
  // parsed as segment rules first (with `setup`'s positions, named segments
  // and time zone); their mistakes come back with `pos` set.
  std::vector<ConfigProblem> checkConfig(const std::string& type, const std::string& step_id,
                                         const nlohmann::json& config, const StepSetup& setup = {});

  // Create a live instance for the engine; nullptr plus `problems` when the
  // plugin refuses the config. The instance keeps its x-segment rules, which
  // host->segment_match evaluates against the store (setStore).
  std::unique_ptr<StepInstance> instantiate(const std::string& type, const std::string& step_id,
                                            const nlohmann::json& config,
                                            std::vector<ConfigProblem>& problems,
                                            const StepSetup& setup = {});

  // ABI 1.3: the plugin's own section of herald.yaml (`plugins: NAME:`)
  // checked against its descriptor's config_schema (and `rate_limits:`),
  // one "plugins.NAME: ..." line per problem. `herald validate` uses it;
  // startPlugins too.
  std::vector<std::string> checkPluginSettings() const;

  // ABI 1.3: starts the loop services (HTTP, SMTP, timers, permits, link
  // signing, events) on `runtime.loop` and calls each plugin's init() with
  // its validated settings. Call on the loop's thread (or before it runs),
  // before any batch. Returns the problems; a plugin with problems (or whose
  // init() refused) is not started and its services answer
  // HERALD_ERR_UNSUPPORTED. Without this call (`herald validate`) every loop
  // service answers HERALD_ERR_UNSUPPORTED.
  std::vector<std::string> startPlugins(PluginRuntime runtime);
  // Drops every pending timer, permit and network callback, then calls each
  // started plugin's shutdown(). Call on the loop's thread (or after it
  // stopped) once no batch is in flight. Idempotent.
  void stopPlugins();

  // The path prefixes plugins serve (herald_plugin.webhooks), sorted.
  std::vector<std::string> webhookPrefixes() const;
  // Hands `request` to the plugin whose prefix matches its path (the
  // longest), on the loop thread; false when none does. A plugin not
  // started answers 503; one that throws, 500.
  bool serveWebhook(const WebhookRequest& request, WebhookAnswer& answer);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::plugin
