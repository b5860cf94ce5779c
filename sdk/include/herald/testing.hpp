// herald/testing.hpp — a fake Herald host for plugin unit tests (header-only).
//
// Runs a plugin's steps in-process on hand-made contacts, without the daemon:
//
//   herald::testing::Host host;
//   auto& step = host.create<Greet>({{"greeting", "Hi"}});      // from the class
//   // or: auto plugin = herald::testing::Plugin::load("hello.so");
//   //     auto& step = host.create(plugin, "hello.greet", config);
//   ASSERT_TRUE(step.ok()) << step.diagnosticsText();
//   auto result = step.run({{.id = 1, .email = "ann@example.com", .first_name = "Ann"}});
//   EXPECT_EQ(result.outcomes[0].vars["greeting"], "Hi");
//
// It implements herald_host_api like the daemon does, and checks the step
// contract while it runs: exactly one complete() per batch, before the
// deadline, with one well-formed outcome per contact; previews before
// completion. Violations are recorded in Host::bugs() (and fail the batch
// where the daemon would). Framework-agnostic: no test library is required.
//
// Like the daemon, it validates each config against the step type's schema
// with the same validator and messages (herald/config_schema.hpp) before the
// step sees it, checks branch labels against the declared ones, and records
// a second complete() in bugs(). Differences from the daemon, on purpose: it
// does not render x-templated fields and does not read x-secret fields from
// files or the environment (a test passes the value itself); give each TestContact the rendered
// `config` it should see, as the daemon would. It does not parse x-segment rules either: each
// TestContact says which x-segment fields it matches (`segments`), and
// host->segment_match() answers from that. Nor does it compute
// recommendations: each TestContact carries the products host->recommend()
// returns for it (`recommendations`, cut to the count asked for).
#pragma once

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "herald/abi.h"
#include "herald/config_schema.hpp"
#include "herald/sdk.hpp"
#include "herald/testing_services.hpp"

namespace herald::testing {

/// A hand-made contact. Absent optionals are passed to the step as NULL.
/// Designated initializers read well: {.id = 7, .email = "ann@example.com"}.
struct TestContact {
  int64_t id = 1;
  std::optional<std::string> external_id{};
  std::optional<std::string> email{};
  std::optional<std::string> phone{};
  std::optional<std::string> timezone{};
  std::optional<std::string> locale{};
  std::optional<std::string> first_name{};
  std::optional<std::string> last_name{};
  nlohmann::json attributes = nlohmann::json::object();
  nlohmann::json tags = nlohmann::json::array();
  nlohmann::json vars = nlohmann::json::object();
  /// The step config as rendered for this contact (herald_contact.config_json);
  /// default: the config the step was created with.
  std::optional<nlohmann::json> config{};
  /// The send-ledger key; default for delivery steps outside a dry run:
  /// "<workflow>/<step_id>/<id>" (as unique and stable as the daemon's).
  std::optional<std::string> delivery_key{};
  /// What host->segment_match() answers for this contact, by the JSON
  /// pointer of the x-segment field (e.g. {{"/rule", true}}); a field not
  /// listed here does not match.
  std::map<std::string, bool> segments{};
  /// What host->recommend() answers for this contact (ABI 1.2): a JSON array
  /// of product objects ({"id", "name", "url", "image", "price", "currency",
  /// "score", "reason"}), of which the first `count` asked for are returned.
  nlohmann::json recommendations = nlohmann::json::array();
};

/// One log line a step wrote.
struct LogRecord {
  herald_log_level level = HERALD_LOG_INFO;
  std::string step{};  ///< the step type name
  std::string message{};
};

/// One problem a step reported against its config.
struct DiagnosticRecord {
  std::string pointer{};
  std::string message{};
};

/// One contact's outcome as the host received it (strings copied).
struct OutcomeRecord {
  herald_outcome_kind kind = HERALD_OUTCOME_CONTINUE;
  std::string branch{};
  int64_t wait_until_ms = 0;
  int64_t retry_after_ms = 0;  ///< HERALD_OUTCOME_RETRY_AFTER (ABI 1.3)
  std::string reason{};
  nlohmann::json vars = nlohmann::json::object();
};

/// What became of one batch.
struct BatchResult {
  /// complete() was called (once) before the deadline.
  bool completed = false;
  /// complete() was called before run_batch() returned.
  bool completed_during_run = false;
  /// The status passed to complete(); HERALD_ERR_INVALID when the outcomes
  /// were malformed (the daemon fails such a batch too).
  herald_status status = HERALD_ERR_INTERNAL;
  /// The error text passed to complete() (or why the outcomes were refused).
  std::string error{};
  /// One per contact, in batch order, when status == HERALD_OK.
  std::vector<OutcomeRecord> outcomes{};
  /// Dry-run previews by contact index (the last one per contact wins).
  std::map<size_t, std::string> previews{};
  /// How many times complete() was called (more than 1 is a plugin bug).
  int complete_calls = 0;

  /// Completed with HERALD_OK.
  bool ok() const noexcept { return completed && status == HERALD_OK; }
};

/// Options of one batch.
struct RunOptions {
  bool dry_run = false;
  int64_t now_ms = 1700000000000;  ///< 2023-11-14T22:13:20Z
  std::string run_id = "run-1";
  std::string workflow = "test";
  std::string revision = "rev-1";
  /// How long the step has to complete; wait() gives up then, and a later
  /// complete() is recorded as a bug and ignored.
  std::chrono::milliseconds deadline{10000};
};

/// Problems with a plugin descriptor that would make the daemon refuse it,
/// mirroring the loader's own checks (all but those that need the other
/// plugins, like a step type another plugin already provides, and the
/// keyword-by-keyword check of the schemas). Empty when it looks right.
inline std::vector<std::string> checkDescriptor(const herald_plugin* plugin) {
  std::vector<std::string> problems;
  if (plugin == nullptr) return {"the entry function returned NULL"};
  if (plugin->struct_size < sizeof(herald_plugin)) problems.push_back("struct_size is too small");
  if (plugin->abi_major != HERALD_ABI_MAJOR || plugin->abi_minor > HERALD_ABI_MINOR) {
    problems.push_back("ABI " + std::to_string(plugin->abi_major) + "." +
                       std::to_string(plugin->abi_minor) + " is not loadable by ABI " +
                       std::to_string(HERALD_ABI_MAJOR) + "." + std::to_string(HERALD_ABI_MINOR));
  }
  if (plugin->name == nullptr || !std::regex_match(plugin->name, std::regex("[a-z0-9_-]+"))) {
    problems.push_back("plugin name must match [a-z0-9_-]+");
  }
  static const std::regex semver(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
      R"((?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?)"
      R"((?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
  if (plugin->version == nullptr || !std::regex_match(plugin->version, semver)) {
    problems.push_back("plugin version must be a semantic version like 1.2.0");
  }
  if (plugin->step_type_count > 0 && plugin->step_types == nullptr) {
    problems.push_back("step_types is NULL");
    return problems;
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < plugin->step_type_count; ++i) {
    const herald_step_type* t = plugin->step_types[i];
    const std::string where = "step type #" + std::to_string(i);
    if (t == nullptr) {
      problems.push_back(where + " is NULL");
      continue;
    }
    const std::string name = t->name ? t->name : "";
    const std::string label = name.empty() ? where : "step type '" + name + "'";
    if (t->struct_size < sizeof(herald_step_type))
      problems.push_back(label + ": struct_size is too small");
    if (name.empty()) {
      problems.push_back(where + " has no name");
    } else if (!std::regex_match(name, std::regex("[a-z0-9][a-z0-9_.-]*"))) {
      problems.push_back(label + ": names use lowercase letters, digits, '.', '-' and '_'");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      problems.push_back(label + " is declared twice");
    }
    names.push_back(name);
    if (t->summary == nullptr || *t->summary == '\0') problems.push_back(label + " has no summary");
    const auto schema =
        nlohmann::json::parse(t->config_schema ? t->config_schema : "", nullptr, false);
    if (schema.is_discarded() || !schema.is_object()) {
      problems.push_back(label + ": config_schema is not a JSON object");
    } else if (schema.value("type", "") != "object") {
      problems.push_back(label + ": config_schema must have \"type\": \"object\"");
    }
    if ((t->flags & HERALD_STEP_DELIVERY) && (t->channel == nullptr || *t->channel == '\0')) {
      problems.push_back(label + ": a delivery step needs a channel");
    }
    if (!t->create || !t->destroy || !t->run_batch)
      problems.push_back(label + ": missing a function");
    if (t->struct_size >= sizeof(herald_step_type) && t->branches != nullptr) {
      std::vector<std::string> seen;
      for (size_t b = 0; t->branches[b] != nullptr; ++b) {
        const std::string branch = t->branches[b];
        if (b >= 64) {
          problems.push_back(label + ": more than 64 branch labels (missing NULL at the end?)");
          break;
        }
        if (!std::regex_match(branch, std::regex("[a-z0-9_][a-z0-9_-]*")))
          problems.push_back(label + ": branch label '" + branch +
                             "' must use lowercase letters, digits, '-' and '_'");
        if (std::find(seen.begin(), seen.end(), branch) != seen.end())
          problems.push_back(label + ": branch label '" + branch + "' is declared twice");
        seen.push_back(branch);
      }
    }
  }
  return problems;
}

/// A plugin under test: a descriptor, plus the library it lives in when it
/// was loaded from a file. Cheap to copy; the library stays loaded while any
/// copy, or any step created from it, exists.
class Plugin {
 public:
  /// Wraps a descriptor already in the process (e.g. herald_plugin_entry()
  /// of a plugin linked into the test). Borrowed; must stay valid.
  static Plugin fromDescriptor(const herald_plugin* descriptor) {
    if (descriptor == nullptr)
      throw std::invalid_argument("herald::testing::Plugin: NULL descriptor");
    return Plugin(descriptor, nullptr);
  }

  /// Loads a built plugin file the way the daemon does (RTLD_NOW |
  /// RTLD_LOCAL, entry symbol HERALD_ENTRY_SYMBOL). Throws std::runtime_error
  /// naming the file and the reason when it cannot be loaded.
  static Plugin load(const std::filesystem::path& file) {
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* err = ::dlerror();
      throw std::runtime_error("cannot load " + file.string() + ": " +
                               (err ? err : "dlopen failed"));
    }
    std::shared_ptr<void> library(handle, [](void* h) { ::dlclose(h); });
    void* symbol = ::dlsym(handle, HERALD_ENTRY_SYMBOL);
    if (symbol == nullptr) {
      throw std::runtime_error(file.string() + " has no " HERALD_ENTRY_SYMBOL " symbol");
    }
    herald_plugin_entry_fn entry = nullptr;
    static_assert(sizeof(entry) == sizeof(symbol));
    std::memcpy(&entry, &symbol, sizeof(entry));  // POSIX: data and function pointers agree
    const herald_plugin* descriptor = entry();
    if (descriptor == nullptr)
      throw std::runtime_error(file.string() + ": the entry returned NULL");
    return Plugin(descriptor, std::move(library));
  }

  const herald_plugin& descriptor() const noexcept { return *descriptor_; }
  std::string name() const { return descriptor_->name ? descriptor_->name : ""; }
  std::string version() const { return descriptor_->version ? descriptor_->version : ""; }
  /// The step types' names, in descriptor order.
  std::vector<std::string> stepTypeNames() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < descriptor_->step_type_count; ++i) {
      const herald_step_type* t = descriptor_->step_types[i];
      if (t != nullptr && t->name != nullptr) names.emplace_back(t->name);
    }
    return names;
  }
  /// The step type named `type`, or nullptr.
  const herald_step_type* find(std::string_view type) const noexcept {
    for (size_t i = 0; i < descriptor_->step_type_count; ++i) {
      const herald_step_type* t = descriptor_->step_types[i];
      if (t != nullptr && t->name != nullptr && type == t->name) return t;
    }
    return nullptr;
  }
  /// checkDescriptor() of this plugin.
  std::vector<std::string> problems() const { return checkDescriptor(descriptor_); }
  /// Keeps the library loaded (shared with every step created from it).
  const std::shared_ptr<void>& library() const noexcept { return library_; }

 private:
  Plugin(const herald_plugin* descriptor, std::shared_ptr<void> library)
      : descriptor_(descriptor), library_(std::move(library)) {}
  const herald_plugin* descriptor_;
  std::shared_ptr<void> library_;
};

/// Fills in the `default` of every absent property, recursively, as the
/// daemon does before create() (the daemon's own function).
inline nlohmann::json withDefaults(const nlohmann::json& schema, nlohmann::json value) {
  return config_schema::withDefaults(schema, value);
}

class Host;
class TestStep;

namespace detail {

// The concrete pointers of `config` a pattern matches ("*": every key/index).
inline void expandPattern(const nlohmann::json& node, const std::string& pattern, size_t from,
                          const std::string& prefix, std::vector<std::string>& out) {
  if (from >= pattern.size()) {
    out.push_back(prefix);
    return;
  }
  const size_t next = pattern.find('/', from + 1);
  const std::string token =
      pattern.substr(from + 1, next == std::string::npos ? std::string::npos : next - from - 1);
  const size_t rest = next == std::string::npos ? pattern.size() : next;
  if (token == "*") {
    if (node.is_object()) {
      for (const auto& [key, child] : node.items()) {
        std::string t;
        for (char ch : key) t += ch == '~' ? "~0" : ch == '/' ? "~1" : std::string(1, ch);
        expandPattern(child, pattern, rest, prefix + "/" + t, out);
      }
    } else if (node.is_array()) {
      for (size_t k = 0; k < node.size(); ++k)
        expandPattern(node[k], pattern, rest, prefix + "/" + std::to_string(k), out);
    }
    return;
  }
  const nlohmann::json::json_pointer ptr("/" + token);
  if (node.is_object() && node.contains(ptr))
    expandPattern(node.at(ptr), pattern, rest, prefix + "/" + token, out);
}

// What herald_step_ctx* points to in this host.
struct StepCtx {
  Host* host = nullptr;
  TestStep* step = nullptr;
  std::string plugin;
  std::string type;
  std::string settings_text;
  bool creating = false;
  std::vector<DiagnosticRecord> diagnostics;
  std::vector<std::string> segment_fields;  // x-segment pointers present in the config
  std::vector<std::string> branches;        // the labels the step type declared
};

// What herald_call* points to: everything the batch borrows to the step, kept
// alive until the Host dies so that a late or duplicate call is harmless.
struct Call {
  Host* host = nullptr;
  StepCtx* ctx = nullptr;
  std::vector<TestContact> contacts;
  std::vector<std::string> texts;  // JSON texts the herald_contacts point into
  std::vector<herald_contact> c_contacts;
  std::vector<const herald_contact*> pointers;
  RunOptions options;
  std::string step_id;
  herald_batch batch{};
  std::chrono::steady_clock::time_point deadline;
  bool in_run = false;
  BatchResult result;
  std::condition_variable done;
};

inline const char* cstr(const std::optional<std::string>& s) noexcept {
  return s ? s->c_str() : nullptr;
}

}  // namespace detail

/// A step instance living in the fake host, or the record of a failed
/// create(). Owned by the Host; references stay valid until the Host dies or
/// destroy() is called.
class TestStep {
 public:
  TestStep(const TestStep&) = delete;
  TestStep& operator=(const TestStep&) = delete;
  ~TestStep() { destroy(); }

  /// create() returned HERALD_OK.
  bool ok() const noexcept { return status_ == HERALD_OK && instance_ != nullptr; }
  /// What create() returned.
  herald_status status() const noexcept { return status_; }
  /// The problems the step reported during create().
  const std::vector<DiagnosticRecord>& diagnostics() const noexcept { return ctx_.diagnostics; }
  /// The diagnostics as "POINTER: MESSAGE" lines, for assertion messages.
  std::string diagnosticsText() const {
    std::string text;
    for (const auto& d : ctx_.diagnostics)
      text += (d.pointer.empty() ? "(config)" : d.pointer) + ": " + d.message + "\n";
    return text;
  }
  /// The config create() received (after defaults were filled in).
  const nlohmann::json& config() const noexcept { return config_; }
  const herald_step_type& type() const noexcept { return *type_; }
  const std::string& typeName() const noexcept { return ctx_.type; }
  const std::string& stepId() const noexcept { return step_id_; }

  /// Runs one batch and waits for its completion (see Host::run).
  BatchResult run(std::vector<TestContact> contacts, RunOptions options = {});

  /// Destroys the plugin instance now (no batch may be in flight).
  void destroy() noexcept {
    if (instance_ != nullptr) {
      type_->destroy(instance_);
      instance_ = nullptr;
    }
  }

 private:
  friend class Host;
  TestStep(Host* host, const herald_step_type* type, std::shared_ptr<void> library,
           std::string plugin, std::string step_id, nlohmann::json config)
      : host_(host),
        type_(type),
        library_(std::move(library)),
        step_id_(std::move(step_id)),
        config_(std::move(config)) {
    ctx_.plugin = std::move(plugin);
    ctx_.type = type_->name ? type_->name : "";
    ctx_.step = this;
  }

  Host* host_;
  const herald_step_type* type_;
  std::shared_ptr<void> library_;  // declared before instance_: unloaded last
  std::string step_id_;
  nlohmann::json config_;
  detail::StepCtx ctx_;
  herald_status status_ = HERALD_ERR_INTERNAL;
  void* instance_ = nullptr;
};

/// A batch that is running; wait() for it.
class PendingBatch {
 public:
  /// Blocks until the step completed the batch or its deadline passed, and
  /// returns the result so far (completed == false after the deadline).
  BatchResult wait();

 private:
  friend class Host;
  PendingBatch(Host* host, detail::Call* call) : host_(host), call_(call) {}
  Host* host_;
  detail::Call* call_;
};

/// The fake host. Not copyable or movable (plugins hold pointers into it).
/// All of its inspection methods are thread-safe. Destroy every thread a
/// step started before the Host.
class Host {
 public:
  /// Plugin settings: {"state_dir": <a fresh temporary directory>}, removed
  /// again when the Host is destroyed.
  Host() : Host(nlohmann::json::object()) {}
  /// Plugin settings as given (`plugins: NAME:` in herald.yaml); a missing
  /// "state_dir" gets a fresh temporary directory, removed with the Host.
  explicit Host(nlohmann::json settings) : settings_(std::move(settings)) {
    if (!settings_.is_object())
      throw std::invalid_argument("plugin settings must be a JSON object");
    if (!settings_.contains("state_dir")) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "herald-test-XXXXXX").string();
      if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
      owned_state_dir_ = tmpl;
      settings_["state_dir"] = tmpl;
    }
    api_.struct_size = sizeof(herald_host_api);
    api_.abi_major = HERALD_ABI_MAJOR;
    api_.abi_minor = HERALD_ABI_MINOR;
    api_.log = &Host::hostLog;
    api_.diagnostic = &Host::hostDiagnostic;
    api_.kv_get = &Host::hostKvGet;
    api_.kv_put = &Host::hostKvPut;
    api_.kv_delete = &Host::hostKvDelete;
    api_.free = &Host::hostFree;
    api_.counter_add = &Host::hostCounter;
    api_.gauge_set = &Host::hostGauge;
    api_.complete = &Host::hostComplete;
    api_.preview = &Host::hostPreview;
    api_.call_step = &Host::hostCallStep;
    api_.plugin_settings_json = &Host::hostSettings;
    api_.segment_match = &Host::hostSegmentMatch;
    api_.recommend = &Host::hostRecommend;
    services_.install(api_);
    api_.sign_link = &Host::hostSignLink;
    services_.on_log = [this](herald_log_level level, const std::string& message) {
      std::lock_guard<std::mutex> lock(mu_);
      if (echo_logs_) std::fprintf(stderr, "[plugin] %s\n", message.c_str());
      logs_.push_back({level, "plugin", message});
    };
    services_.on_bug = [this](const std::string& what) { bug(what); };
  }
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  ~Host() {
    steps_.clear();  // destroys instances before their libraries and calls go
    stopPlugin();
    if (!owned_state_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(owned_state_dir_, ec);
    }
  }

  /// The host API table handed to plugins. Valid while the Host lives.
  const herald_host_api* api() const noexcept { return &api_; }
  /// The settings steps see (state_dir filled in).
  const nlohmann::json& settings() const noexcept { return settings_; }
  /// settings()["state_dir"].
  std::filesystem::path stateDir() const { return settings_.at("state_dir").get<std::string>(); }
  /// Replaces the settings for steps created from now on.
  void setSettings(nlohmann::json settings) {
    if (!settings.contains("state_dir")) settings["state_dir"] = settings_["state_dir"];
    settings_ = std::move(settings);
  }
  /// Without a store (like `herald validate`), kv calls return
  /// HERALD_ERR_UNSUPPORTED. Default: available.
  void setKvAvailable(bool available) {
    std::lock_guard<std::mutex> lock(mu_);
    kv_available_ = available;
  }
  /// What host->segment_match() returns from now on instead of answering
  /// from TestContact::segments: HERALD_ERR_UNSUPPORTED (no store, like
  /// `herald validate`) or HERALD_ERR_INTERNAL (the store failed). HERALD_OK
  /// (the default) answers normally.
  void setSegmentStatus(herald_status status) {
    std::lock_guard<std::mutex> lock(mu_);
    segment_status_ = status;
  }
  /// How many times steps called host->segment_match().
  int segmentMatchCalls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return segment_calls_;
  }
  /// What host->recommend() returns from now on instead of answering from
  /// TestContact::recommendations: HERALD_ERR_UNSUPPORTED (no
  /// recommendations, like `herald validate`) or HERALD_ERR_INTERNAL (the
  /// store failed). HERALD_OK (the default) answers normally.
  void setRecommendStatus(herald_status status) {
    std::lock_guard<std::mutex> lock(mu_);
    recommend_status_ = status;
  }
  /// The `count` of every host->recommend() call so far, in call order.
  std::vector<uint32_t> recommendCalls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return recommend_calls_;
  }
  /// The fake ABI 1.3 services: scripted HTTP/SMTP answers, a manual clock
  /// for timers, captured events, suppressions and permits
  /// (testing_services.hpp).
  FakeServices& services() noexcept { return services_; }

  /// Starts `plugin` as the daemon does (ABI 1.3): its init() with `config`
  /// (the `plugins: NAME:` section; schema defaults filled in, "state_dir"
  /// added). Returns init()'s status; a plugin without init() is HERALD_OK.
  herald_status startPlugin(const Plugin& plugin,
                            nlohmann::json config = nlohmann::json::object()) {
    const herald_plugin& d = plugin.descriptor();
    if (d.abi_minor < 3 || d.init == nullptr) return HERALD_OK;
    if (d.config_schema != nullptr)
      config = withDefaults(nlohmann::json::parse(d.config_schema, nullptr, false), config);
    if (!config.contains("state_dir")) config["state_dir"] = settings_["state_dir"];
    const std::string text = config.dump();
    void* state = nullptr;
    const herald_status status = d.init(&api_, services_.handle(), text.c_str(), &state);
    services_.setState(status == HERALD_OK ? state : nullptr);
    if (status == HERALD_OK) started_ = &d;
    return status;
  }
  /// Calls the started plugin's shutdown() (also done by ~Host).
  void stopPlugin() {
    const herald_plugin* d = started_;
    started_ = nullptr;
    if (d == nullptr) return;
    void* state = api_.plugin_state(services_.handle());
    services_.setState(nullptr);
    if (d->shutdown != nullptr) d->shutdown(state);
  }
  /// Hands `request` to the started plugin's webhook route matching its path
  /// (as the daemon's public listener does) and returns the filled response;
  /// 404 when no route matches, 503 when no plugin was started. A `target`
  /// with '?' hands the rest to the route as the raw query.
  WebhookResponse webhook(const std::string& method, const std::string& target,
                          const Headers& headers, const std::string& body,
                          const std::string& remote_address = "127.0.0.1") {
    WebhookResponse res;
    const size_t question = target.find('?');
    const std::string path = target.substr(0, question);
    const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
    if (started_ == nullptr) return WebhookResponse{503, "text/plain", {}, "not started\n"};
    const herald_webhook_route* route = nullptr;
    for (size_t i = 0; i < started_->webhook_count; ++i) {
      const herald_webhook_route* r = started_->webhooks[i];
      if (r != nullptr && r->path_prefix != nullptr && path.rfind(r->path_prefix, 0) == 0)
        route = r;
    }
    if (route == nullptr) return WebhookResponse{404, "text/plain", {}, "no route\n"};
    const auto pairs = herald::detail::writeHeaders(headers);
    herald_webhook_request req{};
    req.struct_size = sizeof req;
    req.method = method.c_str();
    req.path = path.c_str();
    req.query = query.c_str();
    req.headers = pairs.data();
    req.header_count = headers.size();
    req.body = body.data();
    req.body_len = body.size();
    req.remote_address = remote_address.c_str();
    route->handle(api_.plugin_state(services_.handle()), &req,
                  reinterpret_cast<herald_webhook_reply*>(&res));
    services_.runLoop();
    return res;
  }

  /// Serves the host table of an older Herald: ABI 1.`minor` (0, 1 or 2), whose
  /// table ends before the functions added later, so a step sees what it
  /// would see there (the SDK's segmentMatch()/recommend() then return
  /// HERALD_ERR_UNSUPPORTED). Any other minor restores this SDK's table.
  void emulateAbiMinor(uint32_t minor) {
    std::lock_guard<std::mutex> lock(mu_);
    api_.abi_minor = minor < HERALD_ABI_MINOR ? minor : HERALD_ABI_MINOR;
    api_.struct_size = minor == 0   ? offsetof(herald_host_api, segment_match)
                       : minor == 1 ? offsetof(herald_host_api, recommend)
                       : minor == 2 ? offsetof(herald_host_api, plugin_ctx)
                                    : sizeof(herald_host_api);
  }
  /// Also print every log line to stderr (handy while debugging a test).
  void echoLogs(bool echo) {
    std::lock_guard<std::mutex> lock(mu_);
    echo_logs_ = echo;
  }

  /// Creates an instance of `type` with `config` (defaults filled in from
  /// the schema first). Check ok()/diagnostics() of the result. `plugin`
  /// names the kv namespace; `library` keeps the code loaded.
  TestStep& create(const herald_step_type& type, const nlohmann::json& config,
                   std::string plugin = "test", std::string step_id = "step",
                   std::shared_ptr<void> library = nullptr) {
    nlohmann::json schema =
        nlohmann::json::parse(type.config_schema ? type.config_schema : "{}", nullptr, false);
    // As the daemon does with a workflow's `with:`: the config against the
    // schema first, with its messages; the step is not asked when it fails.
    const std::string type_name = type.name ? type.name : "";
    // No config (a default-constructed json) is the daemon's missing `with:`.
    const nlohmann::json given = config.is_null() ? nlohmann::json::object() : config;
    const auto problems = config_schema::validate(schema, given, "'with' of " + type_name);
    nlohmann::json filled = withDefaults(schema, given);
    std::unique_ptr<TestStep> step(new TestStep(this, &type, std::move(library), std::move(plugin),
                                                std::move(step_id), std::move(filled)));
    step->ctx_.host = this;
    step->ctx_.settings_text = settings_.dump();
    if (const auto labels = branchesOf(type)) step->ctx_.branches = *labels;
    if (!problems.empty()) {
      for (const auto& p : problems) step->ctx_.diagnostics.push_back({p.pointer, p.message});
      step->status_ = HERALD_ERR_INVALID;
      std::lock_guard<std::mutex> lock(mu_);
      steps_.push_back(std::move(step));
      return *steps_.back();
    }
    for (const auto& pattern : config_schema::segmentPaths(schema))
      detail::expandPattern(step->config_, pattern, 0, "", step->ctx_.segment_fields);
    const std::string text = step->config_.dump();
    step->ctx_.creating = true;
    void* instance = nullptr;
    step->status_ = type.create(&api_, asCtx(&step->ctx_), text.c_str(), &instance);
    step->ctx_.creating = false;
    if (step->status_ == HERALD_OK && instance == nullptr) {
      bug("create() of " + step->ctx_.type + " returned HERALD_OK but no instance");
      step->status_ = HERALD_ERR_INTERNAL;
    }
    if (step->status_ != HERALD_OK && instance != nullptr) {
      bug("create() of " + step->ctx_.type + " failed but returned an instance");
      type.destroy(instance);
      instance = nullptr;
    }
    if (step->status_ != HERALD_OK && step->ctx_.diagnostics.empty()) {
      bug("create() of " + step->ctx_.type + " failed without a diagnostic saying why");
    }
    step->instance_ = instance;
    std::lock_guard<std::mutex> lock(mu_);
    steps_.push_back(std::move(step));
    return *steps_.back();
  }

  /// Creates an instance of the step type named `type` of `plugin`. Throws
  /// std::invalid_argument, listing the known types, when there is none.
  TestStep& create(const Plugin& plugin, std::string_view type, const nlohmann::json& config,
                   std::string step_id = "step") {
    const herald_step_type* t = plugin.find(type);
    if (t == nullptr) {
      std::string known;
      for (const auto& n : plugin.stepTypeNames()) known += (known.empty() ? "" : ", ") + n;
      throw std::invalid_argument("plugin " + plugin.name() + " has no step type '" +
                                  std::string(type) + "'; it has: " + known);
    }
    return create(*t, config, plugin.name(), std::move(step_id), plugin.library());
  }

  /// Creates an instance straight from a step class, without a plugin
  /// descriptor. The kv namespace is the part of S::kName before the dot.
  template <StepClass S>
  TestStep& create(const nlohmann::json& config, std::string step_id = "step") {
    const std::string name = S::kName;
    return create(herald::detail::stepType<S>(), config, name.substr(0, name.find('.')),
                  std::move(step_id));
  }

  /// Starts a batch of `contacts` on `step` and returns at once (the step
  /// may already have completed it).
  PendingBatch start(TestStep& step, std::vector<TestContact> contacts, RunOptions options = {}) {
    if (!step.ok()) {
      throw std::logic_error("cannot run " + step.typeName() + ": create() failed:\n" +
                             step.diagnosticsText());
    }
    auto owned = std::make_unique<detail::Call>();
    detail::Call* call = owned.get();
    call->host = this;
    call->ctx = &step.ctx_;
    call->contacts = std::move(contacts);
    call->options = std::move(options);
    call->step_id = step.stepId();
    const bool delivery = (step.type().flags & HERALD_STEP_DELIVERY) != 0;
    const size_t n = call->contacts.size();
    call->texts.reserve(n * 4);
    call->c_contacts.resize(n);
    for (size_t i = 0; i < n; ++i) {
      TestContact& tc = call->contacts[i];
      if (!tc.delivery_key && delivery && !call->options.dry_run) {
        tc.delivery_key =
            call->options.workflow + "/" + call->step_id + "/" + std::to_string(tc.id);
      }
      call->texts.push_back(tc.attributes.dump());
      call->texts.push_back(tc.tags.dump());
      call->texts.push_back(tc.vars.dump());
      call->texts.push_back(tc.config ? tc.config->dump() : step.config().dump());
    }
    for (size_t i = 0; i < n; ++i) {
      const TestContact& tc = call->contacts[i];
      herald_contact& c = call->c_contacts[i];
      c.struct_size = sizeof(herald_contact);
      c.id = tc.id;
      c.external_id = detail::cstr(tc.external_id);
      c.email = detail::cstr(tc.email);
      c.phone = detail::cstr(tc.phone);
      c.timezone = detail::cstr(tc.timezone);
      c.locale = detail::cstr(tc.locale);
      c.first_name = detail::cstr(tc.first_name);
      c.last_name = detail::cstr(tc.last_name);
      c.attributes_json = call->texts[i * 4].c_str();
      c.tags_json = call->texts[i * 4 + 1].c_str();
      c.vars_json = call->texts[i * 4 + 2].c_str();
      c.config_json = call->texts[i * 4 + 3].c_str();
      c.delivery_key = detail::cstr(tc.delivery_key);
      call->pointers.push_back(&c);
    }
    call->batch.struct_size = sizeof(herald_batch);
    call->batch.run_id = call->options.run_id.c_str();
    call->batch.workflow = call->options.workflow.c_str();
    call->batch.revision = call->options.revision.c_str();
    call->batch.step_id = call->step_id.c_str();
    call->batch.now_ms = call->options.now_ms;
    call->batch.dry_run = call->options.dry_run ? 1 : 0;
    call->batch.count = n;
    call->batch.contacts = call->pointers.data();
    {
      std::lock_guard<std::mutex> lock(mu_);
      call->deadline = std::chrono::steady_clock::now() + call->options.deadline;
      call->in_run = true;
      calls_.push_back(std::move(owned));
    }
    step.type().run_batch(step.instance_, &call->batch, asCall(call));
    {
      std::lock_guard<std::mutex> lock(mu_);
      call->in_run = false;
    }
    return PendingBatch(this, call);
  }

  /// start() then wait(): runs one batch to completion or its deadline.
  BatchResult run(TestStep& step, std::vector<TestContact> contacts, RunOptions options = {}) {
    return start(step, std::move(contacts), std::move(options)).wait();
  }

  /// Every log line so far.
  std::vector<LogRecord> logs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {logs_.begin(), logs_.end()};
  }
  /// True when some log line contains `needle`.
  bool logged(std::string_view needle) const {
    std::lock_guard<std::mutex> lock(mu_);
    return std::any_of(logs_.begin(), logs_.end(), [&](const LogRecord& r) {
      return r.message.find(needle) != std::string::npos;
    });
  }
  /// Step-contract violations seen so far (complete() twice or late,
  /// malformed outcomes, preview after completion, ...). Empty is good.
  std::vector<std::string> bugs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bugs_;
  }
  /// The value of `key` in the kv namespace `plugin`, if any.
  std::optional<std::string> kv(const std::string& plugin, const std::string& key) const {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = kv_.find(plugin + '\0' + key);
    if (it == kv_.end()) return std::nullopt;
    return it->second;
  }
  /// Seeds the kv namespace `plugin`.
  void putKv(const std::string& plugin, const std::string& key, const std::string& value) {
    std::lock_guard<std::mutex> lock(mu_);
    kv_[plugin + '\0' + key] = value;
  }
  /// The sum of counter `name` over all steps (0 when never touched).
  double counter(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = counters_.find(name);
    return it == counters_.end() ? 0.0 : it->second;
  }
  /// The last value of gauge `name`, if set.
  std::optional<double> gauge(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = gauges_.find(name);
    if (it == gauges_.end()) return std::nullopt;
    return it->second;
  }

 private:
  friend class PendingBatch;

  // The labels a step type declared (ABI 1.1); none for an older struct.
  static std::optional<std::vector<std::string>> branchesOf(const herald_step_type& type) {
    if (type.struct_size < offsetof(herald_step_type, branches) + sizeof(void*) ||
        type.branches == nullptr)
      return std::nullopt;
    std::vector<std::string> labels;
    for (size_t i = 0; type.branches[i] != nullptr && i < 64; ++i)
      labels.emplace_back(type.branches[i]);
    return labels;
  }

  static herald_step_ctx* asCtx(detail::StepCtx* c) noexcept {
    return reinterpret_cast<herald_step_ctx*>(c);
  }
  static detail::StepCtx* fromCtx(herald_step_ctx* c) noexcept {
    return reinterpret_cast<detail::StepCtx*>(c);
  }
  static herald_call* asCall(detail::Call* c) noexcept { return reinterpret_cast<herald_call*>(c); }
  static detail::Call* fromCall(herald_call* c) noexcept {
    return reinterpret_cast<detail::Call*>(c);
  }

  // Caller holds no lock.
  void bug(std::string message) {
    std::lock_guard<std::mutex> lock(mu_);
    bugLocked(std::move(message));
  }
  void bugLocked(std::string message) {
    if (echo_logs_) std::fprintf(stderr, "[herald test host] plugin bug: %s\n", message.c_str());
    bugs_.push_back(std::move(message));
  }

  static void hostLog(herald_step_ctx* c, int32_t level, const char* message) {
    detail::StepCtx* ctx = fromCtx(c);
    std::lock_guard<std::mutex> lock(ctx->host->mu_);
    if (message == nullptr) {
      ctx->host->bugLocked("log() with a NULL message");
      return;
    }
    if (level < HERALD_LOG_DEBUG || level > HERALD_LOG_ERROR) level = HERALD_LOG_ERROR;
    if (ctx->host->echo_logs_) std::fprintf(stderr, "[%s] %s\n", ctx->type.c_str(), message);
    ctx->host->logs_.push_back({static_cast<herald_log_level>(level), ctx->type, message});
    // The SDK reports what it caught itself (a second complete() of a
    // Batch, which never reaches the host) as "plugin bug: ..." lines.
    if (std::string_view(message).rfind("plugin bug: ", 0) == 0) ctx->host->bugLocked(message);
  }

  static void hostDiagnostic(herald_step_ctx* c, const char* pointer, const char* message) {
    detail::StepCtx* ctx = fromCtx(c);
    std::lock_guard<std::mutex> lock(ctx->host->mu_);
    if (!ctx->creating) ctx->host->bugLocked("diagnostic() outside create() from " + ctx->type);
    if (!isJsonPointer(pointer ? pointer : ""))
      ctx->host->bugLocked("plugin '" + ctx->plugin + "' (step type '" + ctx->type +
                           "') reported a problem at '" + pointer +
                           "', which is not a JSON pointer (RFC 6901: \"\" or \"/field/0\")");
    ctx->diagnostics.push_back({pointer ? pointer : "", message ? message : ""});
  }

  // RFC 6901: "" or "/"-separated tokens, each '~' escaped as "~0" or "~1".
  static bool isJsonPointer(std::string_view p) {
    if (p.empty()) return true;
    if (p.front() != '/') return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (p[i] == '~' && (i + 1 == p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))) return false;
    return true;
  }

  static herald_status hostKvGet(herald_step_ctx* c, const char* key, char** out) {
    detail::StepCtx* ctx = fromCtx(c);
    Host* host = ctx->host;
    std::lock_guard<std::mutex> lock(host->mu_);
    if (out == nullptr || key == nullptr) return HERALD_ERR_INVALID;
    *out = nullptr;
    if (!host->kv_available_) return HERALD_ERR_UNSUPPORTED;
    const auto it = host->kv_.find(ctx->plugin + '\0' + key);
    if (it == host->kv_.end()) return HERALD_ERR_NOT_FOUND;
    char* copy = static_cast<char*>(std::malloc(it->second.size() + 1));
    if (copy == nullptr) return HERALD_ERR_INTERNAL;
    std::memcpy(copy, it->second.c_str(), it->second.size() + 1);
    *out = copy;
    return HERALD_OK;
  }
  static herald_status hostKvPut(herald_step_ctx* c, const char* key, const char* value) {
    detail::StepCtx* ctx = fromCtx(c);
    std::lock_guard<std::mutex> lock(ctx->host->mu_);
    if (key == nullptr || value == nullptr) return HERALD_ERR_INVALID;
    if (!ctx->host->kv_available_) return HERALD_ERR_UNSUPPORTED;
    ctx->host->kv_[ctx->plugin + '\0' + key] = value;
    return HERALD_OK;
  }
  static herald_status hostKvDelete(herald_step_ctx* c, const char* key) {
    detail::StepCtx* ctx = fromCtx(c);
    std::lock_guard<std::mutex> lock(ctx->host->mu_);
    if (key == nullptr) return HERALD_ERR_INVALID;
    if (!ctx->host->kv_available_) return HERALD_ERR_UNSUPPORTED;
    return ctx->host->kv_.erase(ctx->plugin + '\0' + key) ? HERALD_OK : HERALD_ERR_NOT_FOUND;
  }
  static void hostFree(void* p) { std::free(p); }

  static bool metricName(const char* name) {
    if (name == nullptr || *name == '\0') return false;
    for (const char* p = name; *p; ++p) {
      const bool ok =
          (*p >= 'a' && *p <= 'z') || *p == '_' || (p != name && *p >= '0' && *p <= '9');
      if (!ok) return false;
    }
    return true;
  }
  static void hostCounter(herald_step_ctx* c, const char* name, double delta) {
    detail::StepCtx* ctx = fromCtx(c);
    std::lock_guard<std::mutex> lock(ctx->host->mu_);
    if (!metricName(name)) {
      ctx->host->logs_.push_back({HERALD_LOG_WARN, ctx->type,
                                  std::string("metric name '") + (name ? name : "") +
                                      "' dropped: names match [a-z_][a-z0-9_]*"});
      return;
    }
    ctx->host->counters_[name] += delta;
  }
  static void hostGauge(herald_step_ctx* c, const char* name, double value) {
    detail::StepCtx* ctx = fromCtx(c);
    std::lock_guard<std::mutex> lock(ctx->host->mu_);
    if (!metricName(name)) {
      ctx->host->logs_.push_back({HERALD_LOG_WARN, ctx->type,
                                  std::string("metric name '") + (name ? name : "") +
                                      "' dropped: names match [a-z_][a-z0-9_]*"});
      return;
    }
    ctx->host->gauges_[name] = value;
  }

  static void hostComplete(herald_call* c, herald_status status, const char* error,
                           const herald_outcome* outcomes, size_t count) {
    detail::Call* call = fromCall(c);
    Host* host = call->host;
    std::lock_guard<std::mutex> lock(host->mu_);
    BatchResult& r = call->result;
    ++r.complete_calls;
    const std::string who = call->ctx->type + " (step '" + call->step_id + "')";
    if (r.complete_calls > 1) {
      host->bugLocked("complete() called " + std::to_string(r.complete_calls) +
                      " times for one batch of " + who + "; extra calls ignored");
      return;
    }
    if (std::chrono::steady_clock::now() > call->deadline) {
      host->bugLocked("complete() after the deadline of " +
                      std::to_string(call->options.deadline.count()) + " ms for " + who +
                      "; ignored");
      return;
    }
    r.completed = true;
    r.completed_during_run = call->in_run;
    r.status = status;
    r.error = error ? error : "";
    if (status == HERALD_OK) {
      std::string garbage = readOutcomes(outcomes, count, call->batch.count, r.outcomes);
      if (!garbage.empty()) {
        host->bugLocked(who + " returned malformed outcomes: " + garbage);
        r.status = HERALD_ERR_INVALID;
        r.error = "malformed outcomes: " + garbage;
        r.outcomes.clear();
      }
      failUndeclaredBranches(*host, *call->ctx, r.outcomes);
    } else if (r.error.empty()) {
      host->bugLocked(who + " failed a batch without an error message");
    }
    call->done.notify_all();
  }

  // As the daemon does: a label the type never declared is the plugin's
  // bug (the workflow maps every declared one), and that contact fails.
  static void failUndeclaredBranches(Host& host, const detail::StepCtx& ctx,
                                     std::vector<OutcomeRecord>& outcomes) {
    const auto& declared = ctx.branches;
    for (auto& o : outcomes) {
      if (o.kind != HERALD_OUTCOME_BRANCH ||
          std::find(declared.begin(), declared.end(), o.branch) != declared.end())
        continue;
      std::string labels;
      for (size_t i = 0; i < declared.size(); ++i)
        labels += (i == 0 ? "'" : i + 1 == declared.size() ? " and '" : ", '") + declared[i] + "'";
      o.reason =
          "plugin '" + ctx.plugin + "' (step type '" + ctx.type + "') returned the branch '" +
          o.branch + "', which it never declared (" +
          (declared.empty() ? std::string("it declares no branches") : "it declares " + labels) +
          "); a bug in the plugin, not in the workflow";
      host.bugLocked(o.reason);
      o.kind = HERALD_OUTCOME_FAIL;
      o.branch.clear();
    }
  }

  // Copies the outcomes; returns what is wrong with them, or "".
  static std::string readOutcomes(const herald_outcome* outcomes, size_t count, size_t expected,
                                  std::vector<OutcomeRecord>& out) {
    if (count != expected) {
      return std::to_string(count) + " outcomes for a batch of " + std::to_string(expected);
    }
    if (count == 0) return "";
    if (outcomes == nullptr) return "NULL outcomes";
    const size_t stride = outcomes[0].struct_size;
    if (stride < sizeof(herald_outcome)) return "outcome struct_size " + std::to_string(stride);
    for (size_t i = 0; i < count; ++i) {
      const auto* o = reinterpret_cast<const herald_outcome*>(
          reinterpret_cast<const char*>(outcomes) + i * stride);
      const std::string where = "outcome #" + std::to_string(i) + ": ";
      if (o->struct_size != stride) return where + "struct_size differs from outcome #0";
      if (o->kind < HERALD_OUTCOME_CONTINUE || o->kind > HERALD_OUTCOME_RETRY_AFTER) {
        return where + "unknown kind " + std::to_string(o->kind);
      }
      OutcomeRecord rec;
      rec.kind = static_cast<herald_outcome_kind>(o->kind);
      if (rec.kind == HERALD_OUTCOME_BRANCH) {
        if (o->branch == nullptr || *o->branch == '\0') return where + "BRANCH without a label";
        rec.branch = o->branch;
      }
      rec.wait_until_ms = o->wait_until_ms;
      if (rec.kind == HERALD_OUTCOME_RETRY_AFTER) {
        if (o->retry_after_ms < 0) return where + "RETRY_AFTER with a negative delay";
        rec.retry_after_ms = o->retry_after_ms;
      }
      if (o->reason != nullptr) rec.reason = o->reason;
      if ((rec.kind == HERALD_OUTCOME_FAIL || rec.kind == HERALD_OUTCOME_FAIL_RETRYABLE) &&
          rec.reason.empty()) {
        return where + "FAIL without a reason";
      }
      if (o->vars_json != nullptr) {
        rec.vars = nlohmann::json::parse(o->vars_json, nullptr, false);
        if (rec.vars.is_discarded() || !rec.vars.is_object()) {
          return where + "vars_json is not a JSON object";
        }
      }
      out.push_back(std::move(rec));
    }
    return "";
  }

  static void hostPreview(herald_call* c, size_t index, const char* text) {
    detail::Call* call = fromCall(c);
    std::lock_guard<std::mutex> lock(call->host->mu_);
    if (call->result.complete_calls > 0) {
      call->host->bugLocked("preview() after complete() from " + call->ctx->type);
      return;
    }
    if (index >= call->batch.count || text == nullptr) {
      call->host->bugLocked("preview() with a bad index or NULL text from " + call->ctx->type);
      return;
    }
    call->result.previews[index] = text;
  }

  static herald_step_ctx* hostCallStep(herald_call* c) { return asCtx(fromCall(c)->ctx); }

  static herald_status hostSegmentMatch(herald_call* c, const char* pointer, uint8_t* out) {
    detail::Call* call = fromCall(c);
    Host* host = call->host;
    std::lock_guard<std::mutex> lock(host->mu_);
    ++host->segment_calls_;
    const std::string who = call->ctx->type + " (step '" + call->step_id + "')";
    if (call->result.complete_calls > 0) {
      host->bugLocked("segment_match() after complete() from " + who);
      return HERALD_ERR_INVALID;
    }
    if (pointer == nullptr || (out == nullptr && call->batch.count > 0)) {
      host->bugLocked("segment_match() with a NULL pointer or output from " + who);
      return HERALD_ERR_INVALID;
    }
    const auto& fields = call->ctx->segment_fields;
    if (std::find(fields.begin(), fields.end(), pointer) == fields.end()) {
      std::string known;
      for (const auto& f : fields) known += (known.empty() ? "'" : ", '") + f + "'";
      host->bugLocked("segment_match('" + std::string(pointer) + "') from " + who +
                      ": not an x-segment field of its config (" +
                      (known.empty() ? std::string("it has none") : "it has " + known) + ")");
      return HERALD_ERR_INVALID;
    }
    if (host->segment_status_ != HERALD_OK) return host->segment_status_;
    for (size_t i = 0; i < call->batch.count; ++i) {
      const auto& segs = call->contacts[i].segments;
      const auto it = segs.find(pointer);
      out[i] = it != segs.end() && it->second ? 1 : 0;
    }
    return HERALD_OK;
  }

  static herald_status hostRecommend(herald_call* c, uint32_t count, char** out_json) {
    detail::Call* call = fromCall(c);
    Host* host = call->host;
    std::lock_guard<std::mutex> lock(host->mu_);
    if (out_json != nullptr) *out_json = nullptr;
    const std::string who = call->ctx->type + " (step '" + call->step_id + "')";
    if (call->result.complete_calls > 0) {
      host->bugLocked("recommend() after complete() from " + who);
      return HERALD_ERR_INVALID;
    }
    if (out_json == nullptr) {
      host->bugLocked("recommend() with out_json = NULL from " + who);
      return HERALD_ERR_INVALID;
    }
    if (count == 0 || count > 50) {
      host->bugLocked("recommend(" + std::to_string(count) + ") from " + who +
                      ": ask for 1 to 50 products per contact");
      return HERALD_ERR_INVALID;
    }
    host->recommend_calls_.push_back(count);
    if (host->recommend_status_ != HERALD_OK) return host->recommend_status_;
    nlohmann::json all = nlohmann::json::array();
    for (const auto& tc : call->contacts) {
      nlohmann::json list = nlohmann::json::array();
      if (tc.recommendations.is_array()) {
        for (const auto& p : tc.recommendations) {
          if (list.size() >= count) break;
          list.push_back(p);
        }
      }
      all.push_back(std::move(list));
    }
    const std::string text = all.dump();
    char* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (copy == nullptr) return HERALD_ERR_INTERNAL;
    std::memcpy(copy, text.c_str(), text.size() + 1);
    *out_json = copy;
    return HERALD_OK;
  }

  static const char* hostSettings(herald_step_ctx* c) { return fromCtx(c)->settings_text.c_str(); }

  static herald_status hostSignLink(herald_call* c, size_t index, int32_t purpose,
                                    const char* target, char** out_url) {
    if (out_url == nullptr) return HERALD_ERR_INVALID;
    *out_url = nullptr;
    detail::Call* call = fromCall(c);
    {
      std::lock_guard<std::mutex> lock(call->host->mu_);
      if (call->result.complete_calls > 0) {
        call->host->bugLocked("sign_link() after complete() from " + call->ctx->type);
        return HERALD_ERR_INVALID;
      }
      if (index >= call->batch.count) return HERALD_ERR_INVALID;
    }
    std::string url;
    const herald_status status = call->host->services_.fakeLink(
        call->contacts[index].id, call->step_id, purpose, target, url);
    if (status != HERALD_OK) return status;
    char* copy = static_cast<char*>(std::malloc(url.size() + 1));
    if (copy == nullptr) return HERALD_ERR_INTERNAL;
    std::memcpy(copy, url.c_str(), url.size() + 1);
    *out_url = copy;
    return HERALD_OK;
  }

  FakeServices services_;
  const herald_plugin* started_ = nullptr;

  herald_host_api api_{};
  nlohmann::json settings_;
  std::filesystem::path owned_state_dir_;
  mutable std::mutex mu_;
  bool kv_available_ = true;
  herald_status segment_status_ = HERALD_OK;
  int segment_calls_ = 0;
  herald_status recommend_status_ = HERALD_OK;
  std::vector<uint32_t> recommend_calls_;
  bool echo_logs_ = false;
  std::deque<LogRecord> logs_;
  std::vector<std::string> bugs_;
  std::map<std::string, std::string> kv_;
  std::map<std::string, double> counters_;
  std::map<std::string, double> gauges_;
  std::vector<std::unique_ptr<detail::Call>> calls_;  // declared before steps_: outlive them
  std::vector<std::unique_ptr<TestStep>> steps_;
};

inline BatchResult PendingBatch::wait() {
  // The fake loop first: answers and granted permits may complete the batch.
  for (;;) {
    const size_t ran = host_->services_.runLoop();
    std::lock_guard<std::mutex> lock(host_->mu_);
    if (ran == 0 || call_->result.complete_calls > 0) break;
  }
  std::unique_lock<std::mutex> lock(host_->mu_);
  call_->done.wait_until(lock, call_->deadline, [&] { return call_->result.complete_calls > 0; });
  if (call_->result.complete_calls == 0) {
    host_->bugLocked(call_->ctx->type + " (step '" + call_->step_id +
                     "') did not complete its batch within " +
                     std::to_string(call_->options.deadline.count()) + " ms");
  }
  return call_->result;
}

inline BatchResult TestStep::run(std::vector<TestContact> contacts, RunOptions options) {
  return host_->run(*this, std::move(contacts), std::move(options));
}

inline herald_plugin_ctx* FakeServices::pluginCtx(herald_step_ctx* c) {
  return c == nullptr ? nullptr : reinterpret_cast<detail::StepCtx*>(c)->host->services().handle();
}

}  // namespace herald::testing
