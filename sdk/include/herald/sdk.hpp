// herald/sdk.hpp — the C++ layer over herald/abi.h (header-only).
//
// A plugin author writes one class per step type and one registration macro:
//
//   class Greet : public herald::Step {
//    public:
//     static constexpr const char* kName = "hello.greet";
//     static constexpr const char* kSummary = "Sets a greeting variable";
//     static constexpr const char* kSchema = R"({"type": "object", ...})";
//     Greet(herald::StepContext& ctx, const nlohmann::json& config);
//     void run(herald::Batch batch) override;
//   };
//   HERALD_PLUGIN("hello", "1.0.0", "Greets contacts", Greet)
//
// Everything that crosses into the host goes through noexcept trampolines
// defined here: an exception thrown by plugin code becomes a status (create)
// or a failed batch (run), never an exception in the host. No STL type,
// exception or vtable crosses the boundary; only the C structs of abi.h do.
// See docs/plugins.md for the tutorial and the step contract.
#pragma once

#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "herald/abi.h"
#include "herald/services.hpp"

namespace herald {

/// Severity of StepContext::log(); mirrors herald_log_level.
enum class LogLevel : int32_t {
  kDebug = HERALD_LOG_DEBUG,
  kInfo = HERALD_LOG_INFO,
  kWarn = HERALD_LOG_WARN,
  kError = HERALD_LOG_ERROR,
};

/// Thrown by a step's constructor for a problem in its config. The SDK catches
/// it, reports `message` at `pointer` (RFC 6901 into the step's `with`, "" for
/// the whole config) through the host's diagnostics, and create() returns
/// HERALD_ERR_INVALID. To report several problems at once, call
/// StepContext::diagnostic() for each instead; the SDK then refuses the config
/// when the constructor returns. Never crosses the plugin boundary.
class ConfigError : public std::exception {
 public:
  /// Both strings are copied.
  ConfigError(std::string pointer, std::string message)
      : pointer_(std::move(pointer)), message_(std::move(message)) {}

  /// The JSON pointer of the offending value.
  const std::string& pointer() const noexcept { return pointer_; }
  /// What is wrong and what would be valid.
  const std::string& message() const noexcept { return message_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string pointer_;
  std::string message_;
};

/// The services the host offers one step instance: logging, config
/// diagnostics, a durable key/value store namespaced by plugin, metrics and
/// the plugin's settings from herald.yaml.
///
/// Owned by the SDK; one per step instance, created before the step's
/// constructor runs and destroyed after its destructor, so a step may keep a
/// reference for its whole life. Every member is thread-safe (the host API
/// is), but a plugin must not create threads of its own (docs/plugins.md).
class StepContext {
 public:
  /// Wraps the host's table and handle. Both are borrowed and must outlive
  /// this object (the host guarantees it until destroy()). `type_name` is
  /// copied. Parses the plugin settings once (an unparsable text yields {}).
  StepContext(const herald_host_api* host, herald_step_ctx* ctx, std::string_view type_name)
      : host_(host), ctx_(ctx), type_name_(type_name) {
    const char* text = host_->plugin_settings_json ? host_->plugin_settings_json(ctx_) : nullptr;
    settings_ = nlohmann::json::parse(text ? text : "{}", nullptr, false);
    if (!settings_.is_object()) settings_ = nlohmann::json::object();
  }
  StepContext(const StepContext&) = delete;
  StepContext& operator=(const StepContext&) = delete;

  /// The step type's name, e.g. "hello.greet".
  const std::string& typeName() const noexcept { return type_name_; }

  /// Writes a log line attributed to this step. Secrets (x-secret fields)
  /// must never be passed here. Never throws; a line that cannot be built
  /// (out of memory) is dropped.
  void log(LogLevel level, std::string_view message) const noexcept {
    try {
      const std::string text(message);
      host_->log(ctx_, static_cast<int32_t>(level), text.c_str());
    } catch (...) {
    }
  }
  void debug(std::string_view message) const noexcept { log(LogLevel::kDebug, message); }
  void info(std::string_view message) const noexcept { log(LogLevel::kInfo, message); }
  void warn(std::string_view message) const noexcept { log(LogLevel::kWarn, message); }
  void error(std::string_view message) const noexcept { log(LogLevel::kError, message); }

  /// Reports a semantic problem in the step's config at `json_pointer`
  /// (RFC 6901, "" for the whole config); the host shows it at the matching
  /// FILE:LINE:COL. Meaningful only while the constructor runs: when any was
  /// reported, the SDK destroys the new step and create() fails with
  /// HERALD_ERR_INVALID. Never throws.
  void diagnostic(std::string_view json_pointer, std::string_view message) noexcept {
    diagnostics_.fetch_add(1, std::memory_order_relaxed);
    try {
      const std::string pointer(json_pointer);
      const std::string text(message);
      host_->diagnostic(ctx_, pointer.c_str(), text.c_str());
    } catch (...) {
    }
  }
  /// How many diagnostics this context reported.
  int diagnosticCount() const noexcept { return diagnostics_.load(std::memory_order_relaxed); }

  /// Reads `key` of the plugin's durable key/value namespace into `value`.
  /// HERALD_OK, HERALD_ERR_NOT_FOUND (value untouched), or an error such as
  /// HERALD_ERR_UNSUPPORTED when the host has no store (e.g. `herald
  /// validate`). Blocks on the store: use it sparingly in run().
  herald_status kvGet(std::string_view key, std::string& value) const noexcept {
    try {
      const std::string k(key);
      char* out = nullptr;
      const herald_status status = host_->kv_get(ctx_, k.c_str(), &out);
      if (status == HERALD_OK && out != nullptr) {
        try {
          value.assign(out);
        } catch (...) {
          host_->free(out);
          return HERALD_ERR_INTERNAL;
        }
      }
      host_->free(out);
      return status;
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }
  /// Convenience: the value of `key`, or nullopt when absent or on error.
  std::optional<std::string> kvGet(std::string_view key) const noexcept {
    std::string value;
    if (kvGet(key, value) != HERALD_OK) return std::nullopt;
    return value;
  }
  /// Stores `value` (UTF-8 text) under `key`, durably, replacing any old value.
  herald_status kvPut(std::string_view key, std::string_view value) const noexcept {
    try {
      const std::string k(key);
      const std::string v(value);
      return host_->kv_put(ctx_, k.c_str(), v.c_str());
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }
  /// Removes `key`; HERALD_ERR_NOT_FOUND when it was absent.
  herald_status kvDelete(std::string_view key) const noexcept {
    try {
      const std::string k(key);
      return host_->kv_delete(ctx_, k.c_str());
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }

  /// Adds `delta` to the counter `name` ([a-z_][a-z0-9_]*), labelled with the
  /// plugin and the step by the host.
  void counter(std::string_view name, double delta = 1.0) const noexcept {
    try {
      const std::string n(name);
      host_->counter_add(ctx_, n.c_str(), delta);
    } catch (...) {
    }
  }
  /// Sets the gauge `name` to `value`.
  void gauge(std::string_view name, double value) const noexcept {
    try {
      const std::string n(name);
      host_->gauge_set(ctx_, n.c_str(), value);
    } catch (...) {
    }
  }

  /// The plugin's settings (`plugins: NAME: {...}` in herald.yaml) as a JSON
  /// object; "state_dir" is always present. Parsed once; read-only.
  const nlohmann::json& settings() const noexcept { return settings_; }
  /// settings()["state_dir"]: the daemon's state directory, where a plugin
  /// may keep files. Empty when the host did not say.
  std::string stateDir() const {
    const auto it = settings_.find("state_dir");
    return it != settings_.end() && it->is_string() ? it->get<std::string>() : std::string();
  }

  /// The plugin-wide services of ABI 1.3 (services.hpp). On an older host
  /// (or without a plugin handle) every call answers HERALD_ERR_UNSUPPORTED.
  PluginContext plugin() const noexcept {
    herald_plugin_ctx* p = detail::hostOffers13(host_) ? host_->plugin_ctx(ctx_) : nullptr;
    return PluginContext(host_, p);
  }
  Http http() const noexcept { return Http(host_, plugin().handle()); }
  Smtp smtp() const noexcept { return Smtp(host_, plugin().handle()); }
  Timers timers() const noexcept { return Timers(host_, plugin().handle()); }
  Permits permits() const noexcept { return Permits(host_, plugin().handle()); }
  Events events() const noexcept { return Events(host_, plugin().handle()); }
  /// The object of the plugin class given to HERALD_PLUGIN_WITH, once the
  /// host started the plugin; nullptr before (e.g. under `herald validate`,
  /// which never starts plugins) or on an older host.
  template <class P>
  P* pluginState() const noexcept {
    const PluginContext p = plugin();
    return p.available() ? static_cast<P*>(host_->plugin_state(p.handle())) : nullptr;
  }

  /// The raw host table and handle, for host functions newer than this SDK
  /// layer. Borrowed; valid as long as this context.
  const herald_host_api& host() const noexcept { return *host_; }
  herald_step_ctx* handle() const noexcept { return ctx_; }

 private:
  const herald_host_api* host_;
  herald_step_ctx* ctx_;
  std::string type_name_;
  nlohmann::json settings_;
  std::atomic<int> diagnostics_{0};
};

/// Outcome: go to the step's `next`, merging `vars` (a JSON object) into the
/// journey's variables.
struct Continue {
  nlohmann::json vars = nlohmann::json::object();
  /// Optional: what a delivery step's provider said (its message id, say),
  /// recorded with the delivery in the send ledger.
  std::string reason{};
};
/// Outcome: take the step's branch named `label`, merging `vars`.
struct Branch {
  std::string label{};
  nlohmann::json vars = nlohmann::json::object();
};
/// Outcome: call this step again for the contact at `at_ms` (Unix ms).
struct WaitUntil {
  int64_t at_ms = 0;
  nlohmann::json vars = nlohmann::json::object();
};
/// Outcome: end the contact's journey successfully here, optionally saying
/// why (shown in run reports and the journey's history).
struct Exit {
  nlohmann::json vars = nlohmann::json::object();
  std::string reason{};
};
/// Outcome: the step failed for this contact. `retryable` failures are retried
/// per the step's retry policy; the others end the journey with `reason`.
struct Fail {
  std::string reason{};
  bool retryable = false;
};
/// Outcome (ABI 1.3): nothing was done for this contact yet (the provider
/// said 429 with Retry-After, or the rate limit is exhausted); the engine
/// calls the step again for it after `delay_ms`. Not a failure: no retry
/// attempt is used and the run report counts it as a retry. On an older host
/// it becomes a retryable Fail with `reason`.
struct RetryAfter {
  int64_t delay_ms = 0;
  std::string reason{};
  nlohmann::json vars = nlohmann::json::object();
};
/// What a step decided for one contact. A contact whose outcome was never set
/// gets Continue{}.
using Outcome = std::variant<Continue, Branch, WaitUntil, Exit, Fail, RetryAfter>;

class Batch;

namespace detail {

// Lazily parsed JSON fields of one contact (see Contact).
struct ContactCache {
  std::optional<nlohmann::json> attributes;
  std::optional<nlohmann::json> tags;
  std::optional<nlohmann::json> vars;
  std::optional<nlohmann::json> config;
};

inline std::string_view view(const char* s) noexcept {
  return s ? std::string_view(s) : std::string_view();
}

inline const nlohmann::json& parseCached(std::optional<nlohmann::json>& slot, const char* text,
                                         const char* fallback) {
  if (!slot) slot = nlohmann::json::parse(text ? text : fallback);
  return *slot;
}

class BatchState;

inline std::string_view trimmedView(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A finite number from a JSON number or a string holding one (whole text).
inline std::optional<double> numberFrom(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  std::string_view text = trimmedView(v.get_ref<const std::string&>());
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d))
    return std::nullopt;
  return d;
}

template <class T>
std::optional<T> attributeAs(const nlohmann::json& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return std::nullopt;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (v.is_boolean()) return v.get<bool>();
    if (!v.is_string()) return std::nullopt;
    std::string text(trimmedView(v.get_ref<const std::string&>()));
    for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (text == "true" || text == "yes" || text == "1") return true;
    if (text == "false" || text == "no" || text == "0") return false;
    return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    if (v.is_number_integer()) {
      // Exact for every stored integer, not only those a double holds.
      if (v.is_number_unsigned()) {
        const auto u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
        return static_cast<T>(u);
      }
      const auto i = v.get<int64_t>();
      if (!std::in_range<T>(i)) return std::nullopt;
      return static_cast<T>(i);
    }
    if (v.is_string()) {
      const std::string_view text = trimmedView(v.get_ref<const std::string&>());
      T out{};
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
      if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return out;
    }
    const auto d = numberFrom(v);  // 42.0, "42.0", "4e1"
    // 2^digits is exact in a double, unlike max(), which rounds up to it.
    const double limit = std::ldexp(1.0, std::numeric_limits<T>::digits);
    const double low = std::is_signed_v<T> ? -limit : 0.0;
    if (!d || std::floor(*d) != *d || *d < low || *d >= limit) return std::nullopt;
    return static_cast<T>(*d);
  } else {
    static_assert(std::is_floating_point_v<T>,
                  "attribute<T>: T is bool, an integer type, a floating-point type or std::string");
    const auto d = numberFrom(v);
    if (!d) return std::nullopt;
    return static_cast<T>(*d);
  }
}

}  // namespace detail

/// A read-only view of one contact of a batch. Cheap to copy. Valid until the
/// batch completes (the host owns the data). The JSON accessors parse on
/// first use and cache the result in the batch; like the Batch itself, use
/// them from one thread at a time. They throw nlohmann::json::parse_error if
/// the host sent malformed JSON (a host bug; run() turns it into a failed
/// batch).
class Contact {
 public:
  Contact(const herald_contact* contact, detail::ContactCache* cache) noexcept
      : c_(contact), cache_(cache) {}

  /// Herald's stable contact id.
  int64_t id() const noexcept { return c_->id; }
  /// The absent ones are empty.
  std::string_view externalId() const noexcept { return detail::view(c_->external_id); }
  std::string_view email() const noexcept { return detail::view(c_->email); }
  /// E.164, e.g. "+14155550100".
  std::string_view phone() const noexcept { return detail::view(c_->phone); }
  /// IANA time zone name, e.g. "Europe/Paris".
  std::string_view timezone() const noexcept { return detail::view(c_->timezone); }
  /// BCP 47 tag, e.g. "fr-FR".
  std::string_view locale() const noexcept { return detail::view(c_->locale); }
  std::string_view firstName() const noexcept { return detail::view(c_->first_name); }
  std::string_view lastName() const noexcept { return detail::view(c_->last_name); }
  /// "First Last", or whichever of the two exists; empty when neither.
  std::string fullName() const {
    std::string name(firstName());
    if (!lastName().empty()) {
      if (!name.empty()) name += ' ';
      name += lastName();
    }
    return name;
  }
  /// The send-ledger key of this delivery (delivery steps outside a dry run);
  /// empty otherwise. Use it to make a delivery idempotent.
  std::string_view deliveryKey() const noexcept { return detail::view(c_->delivery_key); }

  /// Custom attributes (JSON object).
  const nlohmann::json& attributes() const {
    return detail::parseCached(cache_->attributes, c_->attributes_json, "{}");
  }
  /// The custom attribute `name` as a T, whether the store holds it as a
  /// JSON number/boolean or as text (a CSV import stores what it cannot type
  /// as strings: "12.50"). T is bool, an integer type, a floating-point type
  /// or std::string:
  ///   - numbers: a JSON number, or a string holding one in plain decimal
  ///     notation ("12.50", " 42 ", "-3e2"); for an integer type, a whole
  ///     number in range ("42", 42.0; not "4.5", not "1e99");
  ///   - bool: true/false, or the strings "true"/"false", "yes"/"no", "1"/"0"
  ///     (any case);
  ///   - std::string: a string as is; a number or boolean as its JSON text.
  /// nullopt when the attribute is absent, null, or not convertible (a
  /// "n/a" where a number was expected): never throws for a bad value, so
  ///   double spend = contact.attribute<double>("total_spend").value_or(0);
  /// reads well. Throws like attributes() on malformed JSON from the host.
  template <class T>
  std::optional<T> attribute(std::string_view name) const {
    const nlohmann::json& all = attributes();
    if (!all.is_object()) return std::nullopt;
    const auto it = all.find(std::string(name));
    if (it == all.end()) return std::nullopt;
    return detail::attributeAs<T>(*it);
  }
  /// Tags (JSON array of strings).
  const nlohmann::json& tags() const {
    return detail::parseCached(cache_->tags, c_->tags_json, "[]");
  }
  /// The journey's variables so far (JSON object).
  const nlohmann::json& vars() const {
    return detail::parseCached(cache_->vars, c_->vars_json, "{}");
  }
  /// The step's config with every x-templated field rendered for this
  /// contact. Read templated fields from here, never from the config the
  /// constructor received (that one holds the unrendered templates).
  const nlohmann::json& config() const {
    return detail::parseCached(cache_->config, c_->config_json, "{}");
  }

  /// The raw C struct, for fields newer than this SDK layer.
  const herald_contact& raw() const noexcept { return *c_; }

 private:
  const herald_contact* c_;
  detail::ContactCache* cache_;
};

namespace detail {

// Shared by the Batch handed to run() and by the trampoline that called run(),
// so that a Batch dropped or leaked during run(), or an exception out of
// run(), still completes the host call exactly once with a useful error.
class BatchState {
 public:
  BatchState(const herald_host_api* host, herald_call* call, const herald_batch* batch,
             StepContext* ctx)
      : host_(host),
        call_(call),
        batch_(batch),
        ctx_(ctx),
        outcomes_(batch->count),
        caches_(batch->count) {}

  const herald_batch& batch() const noexcept { return *batch_; }

  // host->segment_match for this call (ABI 1.1); UNSUPPORTED on an older host.
  herald_status segmentMatch(std::string_view json_pointer,
                             std::vector<uint8_t>& out) const noexcept {
    try {
      out.assign(batch_->count, 0);
      if (completed()) return HERALD_ERR_INVALID;  // the call is over
      if (host_->struct_size < offsetof(herald_host_api, segment_match) + sizeof(void*) ||
          host_->segment_match == nullptr) {
        return HERALD_ERR_UNSUPPORTED;
      }
      const std::string pointer(json_pointer);
      return host_->segment_match(call_, pointer.c_str(), out.data());
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }
  // host->recommend for this call (ABI 1.2); UNSUPPORTED on an older host.
  // On HERALD_OK, out[i] is contact i's array of products.
  herald_status recommend(uint32_t count, std::vector<nlohmann::json>& out) const noexcept {
    try {
      out.clear();
      if (completed()) return HERALD_ERR_INVALID;  // the call is over
      if (host_->struct_size < offsetof(herald_host_api, recommend) + sizeof(void*) ||
          host_->recommend == nullptr) {
        return HERALD_ERR_UNSUPPORTED;
      }
      char* text = nullptr;
      const herald_status status = host_->recommend(call_, count, &text);
      if (status != HERALD_OK) {
        host_->free(text);
        return status;
      }
      nlohmann::json all = nlohmann::json::parse(text ? text : "", nullptr, false);
      host_->free(text);
      if (!all.is_array() || all.size() != batch_->count) return HERALD_ERR_INTERNAL;
      out.reserve(all.size());
      for (auto& list : all) {
        if (!list.is_array()) {
          out.clear();
          return HERALD_ERR_INTERNAL;
        }
        out.push_back(std::move(list));
      }
      return HERALD_OK;
    } catch (...) {
      out.clear();
      return HERALD_ERR_INTERNAL;
    }
  }
  // host->sign_link for contact i (ABI 1.3).
  herald_status signLink(size_t i, herald_link_purpose purpose, std::string_view target,
                         std::string& out) const noexcept {
    try {
      out.clear();
      if (completed() || i >= batch_->count) return HERALD_ERR_INVALID;
      if (!hostOffers13(host_)) return HERALD_ERR_UNSUPPORTED;
      const std::string t(target);
      char* url = nullptr;
      const herald_status status =
          host_->sign_link(call_, i, purpose, t.empty() ? nullptr : t.c_str(), &url);
      if (status == HERALD_OK && url != nullptr) out = url;
      host_->free(url);
      return status;
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }
  // The host's handle of this call, as cancel() names it.
  const void* id() const noexcept { return call_; }
  StepContext& context() const noexcept { return *ctx_; }
  size_t size() const noexcept { return batch_->count; }

  bool completed() const noexcept {
    std::lock_guard<std::mutex> lock(mu_);
    return completed_;
  }
  void requireOpen(const char* what) const {
    if (completed()) {
      throw std::logic_error(std::string("herald::Batch::") + what +
                             " used after the batch was completed");
    }
  }

  Contact contact(size_t i) {
    requireOpen("contact()");
    if (i >= batch_->count) throw std::out_of_range("herald::Batch::contact(): index out of range");
    return Contact(batch_->contacts[i], &caches_[i]);
  }

  void set(size_t i, Outcome outcome) {
    requireOpen("set()");
    if (i >= outcomes_.size()) throw std::out_of_range("herald::Batch::set(): index out of range");
    outcomes_[i] = std::move(outcome);
  }

  void preview(size_t i, std::string_view text) noexcept {
    if (completed() || i >= batch_->count) return;
    try {
      const std::string t(text);
      host_->preview(call_, i, t.c_str());
    } catch (...) {
    }
  }

  // Completes with the outcomes set so far. False when already completed.
  bool complete() noexcept {
    if (!claim("complete()")) return false;
    deliverOutcomes();
    return true;
  }

  // Completes the whole batch as failed (retryable by the engine).
  bool fail(std::string_view error) noexcept {
    if (!claim("fail()")) return false;
    finishWithError(error);
    return true;
  }

  // A Batch handle is being destroyed while still pending.
  void dropped() noexcept {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (completed_) return;
      if (in_run_) {
        abandoned_ = true;  // the trampoline completes when run() is over
        return;
      }
      completed_ = true;
    }
    finishWithError("the step dropped the batch without completing it (plugin bug)");
  }

  // run() threw: the batch fails with the exception's message, unless the
  // step completed it first (then the exception is only logged).
  void threw(std::string_view what) noexcept {
    bool already = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      already = completed_;
      completed_ = true;
    }
    try {
      std::string message = "step threw: ";
      message += what;
      if (already) {
        ctx_->error(message + " (after completing the batch)");
      } else {
        finishWithError(message);
      }
    } catch (...) {
      if (!already) finishWithError("step threw an exception");
    }
  }

  // run() returned (or threw). Completes a batch that was dropped meanwhile.
  void endRun() noexcept {
    bool finish = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      in_run_ = false;
      if (abandoned_ && !completed_) {
        completed_ = true;
        finish = true;
      }
    }
    if (finish) {
      finishWithError("run() returned without completing the batch or keeping it (plugin bug)");
    }
  }

 private:
  bool claim(const char* what) noexcept {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!completed_) {
        completed_ = true;
        return true;
      }
    }
    try {
      ctx_->error(std::string("plugin bug: herald::Batch::") + what +
                  " called on a batch that was already completed; ignored");
    } catch (...) {
    }
    return false;
  }

  void finishWithError(std::string_view error) noexcept {
    try {
      const std::string text(error);
      host_->complete(call_, HERALD_ERR_INTERNAL, text.c_str(), nullptr, 0);
    } catch (...) {
      host_->complete(call_, HERALD_ERR_INTERNAL, "step failed", nullptr, 0);
    }
  }

  static std::string encodeVars(const nlohmann::json& vars, size_t index, bool& ok) {
    if (vars.is_null() || (vars.is_object() && vars.empty())) return {};
    if (!vars.is_object()) {
      ok = false;
      return "outcome vars for contact #" + std::to_string(index) + " must be a JSON object, got " +
             vars.type_name();
    }
    // Invalid UTF-8 in a string becomes U+FFFD instead of an exception.
    return vars.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  void deliverOutcomes() noexcept {
    try {
      const size_t n = outcomes_.size();
      std::vector<herald_outcome> out(n);
      std::vector<std::string> vars(n);
      for (size_t i = 0; i < n; ++i) {
        herald_outcome& o = out[i];
        o.struct_size = sizeof(herald_outcome);
        bool ok = true;
        const char* bad = nullptr;
        std::visit(
            [&](const auto& v) {
              using T = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<T, Continue>) {
                o.kind = HERALD_OUTCOME_CONTINUE;
                o.reason = v.reason.empty() ? nullptr : v.reason.c_str();
                vars[i] = encodeVars(v.vars, i, ok);
              } else if constexpr (std::is_same_v<T, Branch>) {
                o.kind = HERALD_OUTCOME_BRANCH;
                o.branch = v.label.c_str();
                if (v.label.empty()) bad = "a Branch outcome needs a label";
                vars[i] = encodeVars(v.vars, i, ok);
              } else if constexpr (std::is_same_v<T, WaitUntil>) {
                o.kind = HERALD_OUTCOME_WAIT;
                o.wait_until_ms = v.at_ms;
                vars[i] = encodeVars(v.vars, i, ok);
              } else if constexpr (std::is_same_v<T, Exit>) {
                o.kind = HERALD_OUTCOME_EXIT;
                o.reason = v.reason.empty() ? nullptr : v.reason.c_str();
                vars[i] = encodeVars(v.vars, i, ok);
              } else if constexpr (std::is_same_v<T, RetryAfter>) {
                if (hostOffers13(host_)) {
                  o.kind = HERALD_OUTCOME_RETRY_AFTER;
                  o.retry_after_ms = v.delay_ms < 0 ? 0 : v.delay_ms;
                } else {
                  o.kind = HERALD_OUTCOME_FAIL_RETRYABLE;  // an older host has no such kind
                }
                o.reason = v.reason.empty() ? "retry later" : v.reason.c_str();
                vars[i] = encodeVars(v.vars, i, ok);
              } else {
                o.kind = v.retryable ? HERALD_OUTCOME_FAIL_RETRYABLE : HERALD_OUTCOME_FAIL;
                o.reason = v.reason.empty() ? "step failed (no reason given)" : v.reason.c_str();
              }
            },
            outcomes_[i]);
        if (!ok) {
          finishWithError(vars[i]);
          return;
        }
        if (bad != nullptr) {
          finishWithError(std::string(bad) + " (contact #" + std::to_string(i) + ")");
          return;
        }
        o.vars_json = vars[i].empty() ? nullptr : vars[i].c_str();
      }
      host_->complete(call_, HERALD_OK, nullptr, out.data(), n);
    } catch (const std::exception& e) {
      finishWithError(std::string("could not report outcomes: ") + e.what());
    } catch (...) {
      finishWithError("could not report outcomes");
    }
  }

  const herald_host_api* host_;
  herald_call* call_;
  const herald_batch* batch_;
  StepContext* ctx_;
  std::vector<Outcome> outcomes_;
  std::vector<ContactCache> caches_;
  mutable std::mutex mu_;
  bool completed_ = false;
  bool in_run_ = true;
  bool abandoned_ = false;
};

struct BatchAccess;

}  // namespace detail

/// One run_batch() call: the contacts, the per-contact outcomes the step sets,
/// and the obligation to complete exactly once.
///
/// Move-only. Complete it with complete() or fail() exactly once, before
/// run() returns or later from any thread (e.g. from a network callback), as
/// long as it is before the host's deadline for the batch. A Batch destroyed
/// (or dropped by run()) without completing completes the call with an
/// error; an exception out of run() fails the batch with its message. A
/// second complete()/fail() is ignored and logged as a plugin bug.
///
/// Not thread-safe: use it from one thread at a time (moving it to another
/// thread is fine). Contacts and host data are valid until it completes.
class Batch {
 public:
  Batch(Batch&& other) noexcept = default;
  Batch& operator=(Batch&& other) noexcept {
    if (this != &other) {
      if (state_) state_->dropped();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  ~Batch() {
    if (state_) state_->dropped();
  }

  /// Number of contacts.
  size_t size() const noexcept { return state_->size(); }
  bool empty() const noexcept { return size() == 0; }
  /// The i-th contact. Throws std::out_of_range, or std::logic_error once the
  /// batch has completed.
  Contact contact(size_t i) { return state_->contact(i); }

  /// Non-zero in a dry run: deliver nothing, call preview() instead.
  bool dryRun() const noexcept { return state_->batch().dry_run != 0; }
  /// The engine's clock for this batch, Unix milliseconds. Use it instead of
  /// the system clock so that tests and replays are deterministic.
  int64_t nowMs() const noexcept { return state_->batch().now_ms; }
  std::string_view runId() const noexcept { return detail::view(state_->batch().run_id); }
  std::string_view workflow() const noexcept { return detail::view(state_->batch().workflow); }
  std::string_view revision() const noexcept { return detail::view(state_->batch().revision); }
  /// The step's id in the workflow.
  std::string_view stepId() const noexcept { return detail::view(state_->batch().step_id); }
  /// The step's context (logging and metrics from a later callback).
  StepContext& context() const noexcept { return state_->context(); }

  /// Sets the outcome of contact `i` (default: Continue{}). The last call
  /// wins. Throws std::out_of_range, or std::logic_error once completed.
  void set(size_t i, Outcome outcome) { state_->set(i, std::move(outcome)); }

  /// Dry run: shows what would have been delivered to contact `i` (e.g. the
  /// full message). The text is copied. Ignored after completion.
  void preview(size_t i, std::string_view text) noexcept { state_->preview(i, text); }

  /// Evaluates the segment rule of the x-segment config field at
  /// `json_pointer` (e.g. "/rule") for every contact of the batch, as of
  /// nowMs(): out[i] is 1 when contact i matches. The host parsed the rule
  /// when the step was created and asks the store (ABI 1.1). Returns
  /// HERALD_OK; HERALD_ERR_INVALID when the field is not an x-segment field
  /// of this step; HERALD_ERR_UNSUPPORTED when the host has no store or
  /// predates ABI 1.1; HERALD_ERR_INTERNAL when the store failed. Blocks on
  /// the store (one query per call): call it once per field and batch.
  herald_status segmentMatch(std::string_view json_pointer,
                             std::vector<uint8_t>& out) const noexcept {
    return state_->segmentMatch(json_pointer, out);
  }
  /// The same, throwing std::runtime_error (which fails the batch when it
  /// leaves run()) instead of returning a status.
  std::vector<bool> segmentMatch(std::string_view json_pointer) const {
    std::vector<uint8_t> raw;
    const herald_status status = segmentMatch(json_pointer, raw);
    if (status != HERALD_OK) {
      const char* why = status == HERALD_ERR_INVALID       ? "not an x-segment field of this step"
                        : status == HERALD_ERR_UNSUPPORTED ? "the host cannot evaluate segments"
                                                           : "the store failed (see the log)";
      throw std::runtime_error("segment_match('" + std::string(json_pointer) + "'): " + why);
    }
    return std::vector<bool>(raw.begin(), raw.end());
  }

  /// Product recommendations for every contact of the batch (ABI 1.2):
  /// out[i] is a JSON array of up to `count` (1 to 50) product objects for
  /// contact i, best first, each {"id", "name", "url", "image", "price",
  /// "currency", "score", "reason"} ("also-bought" or "best-seller"). The
  /// host builds its model once per run, on the first call (which may block
  /// for seconds), and answers later calls from memory: call it once per
  /// batch. Returns HERALD_OK; HERALD_ERR_INVALID for a count out of range;
  /// HERALD_ERR_UNSUPPORTED when the host has no recommendations (`herald
  /// validate`) or predates ABI 1.2; HERALD_ERR_INTERNAL when the store
  /// failed or the answer was malformed.
  herald_status recommend(uint32_t count, std::vector<nlohmann::json>& out) const noexcept {
    return state_->recommend(count, out);
  }
  /// The same, throwing std::runtime_error (which fails the batch when it
  /// leaves run()) with a reason naming what went wrong.
  std::vector<nlohmann::json> recommend(uint32_t count) const {
    std::vector<nlohmann::json> out;
    const herald_status status = recommend(count, out);
    if (status != HERALD_OK) throw std::runtime_error(recommendError(status, count));
    return out;
  }
  /// Why recommend(count) returned `status`, for a failure reason.
  static std::string recommendError(herald_status status, uint32_t count) {
    const std::string call = "recommend(" + std::to_string(count) + "): ";
    switch (status) {
      case HERALD_ERR_INVALID:
        return call + "ask for 1 to 50 products per contact";
      case HERALD_ERR_UNSUPPORTED:
        return call +
               "this Herald cannot recommend products (it predates plugin ABI 1.2, or has no "
               "store here); upgrade Herald";
      default:
        return call + "the host could not compute recommendations (see its log)";
    }
  }

  /// A signed public link for contact `i` (ABI 1.3): unsubscribe (the page
  /// and RFC 8058 one-click), open pixel, or click (redirects to `target`).
  /// The link names this batch's workflow, step and the contact's delivery.
  /// HERALD_OK with `url` set; HERALD_ERR_UNSUPPORTED when the host has no
  /// link keys (links.keys) or predates ABI 1.3; HERALD_ERR_INVALID for a bad
  /// index or a click without a target. Call before complete().
  herald_status signLink(size_t i, herald_link_purpose purpose, std::string& url,
                         std::string_view target = {}) const noexcept {
    return state_->signLink(i, purpose, target, url);
  }
  /// Identifies this batch in Step::cancelled() (the host's deadline passed).
  const void* id() const noexcept { return state_->id(); }

  /// Reports the outcomes to the host. True the first time; a second call
  /// (or one after fail()) returns false and is logged as a plugin bug.
  bool complete() noexcept { return state_->complete(); }
  /// Fails the whole batch with `error` (the engine retries it); use Fail
  /// outcomes for per-contact failures instead. Same once-only rule.
  bool fail(std::string_view error) noexcept { return state_->fail(error); }
  /// True once complete() or fail() was called (or the SDK completed it).
  bool completed() const noexcept { return state_->completed(); }

  /// Iterates the contacts in batch order.
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Contact;
    using difference_type = std::ptrdiff_t;
    Iterator(Batch* batch, size_t i) noexcept : batch_(batch), i_(i) {}
    Contact operator*() const { return batch_->contact(i_); }
    Iterator& operator++() noexcept {
      ++i_;
      return *this;
    }
    bool operator==(const Iterator& other) const noexcept { return i_ == other.i_; }
    /// Index of the current contact (for set()/preview()).
    size_t index() const noexcept { return i_; }

   private:
    Batch* batch_;
    size_t i_;
  };
  Iterator begin() noexcept { return Iterator(this, 0); }
  Iterator end() noexcept { return Iterator(this, size()); }

 private:
  friend struct detail::BatchAccess;
  explicit Batch(std::shared_ptr<detail::BatchState> state) noexcept : state_(std::move(state)) {}
  std::shared_ptr<detail::BatchState> state_;
};

/// Base class of a step type. The SDK constructs one instance per workflow
/// step from its validated config and destroys it when the workflow is
/// unloaded; run() may be called many times in between, one batch at a time
/// per instance unless batches complete asynchronously.
///
/// A derived class provides:
///   static constexpr const char* kName;     // "plugin.step", unique
///   static constexpr const char* kSummary;  // one line
///   static constexpr const char* kSchema;   // JSON-Schema subset, as JSON text
///   static constexpr uint32_t kFlags;       // optional: HERALD_STEP_*
///   static constexpr const char* kChannel;  // required with HERALD_STEP_DELIVERY
///   static constexpr const char* kBranches[] = {"match", "else"};
///                                           // optional: the Branch labels run()
///                                           // may return (ABI 1.1)
///   Derived(herald::StepContext& ctx, const nlohmann::json& config);
///   void run(herald::Batch batch) override;
/// (Instead of kSchema, `static nlohmann::json schema()` may build it.)
///
/// The constructor runs on the engine thread; it may throw ConfigError or
/// report problems with ctx.diagnostic(). It must not deliver anything or
/// keep I/O open: `herald validate` constructs and destroys steps. run() is
/// called on one of the host's worker threads (never the engine thread; two
/// run() calls of a plugin may overlap) and must not block on I/O; the
/// step_deadline holds even while it runs.
class Step {
 public:
  /// `ctx` outlives the step.
  explicit Step(StepContext& ctx) noexcept : ctx_(&ctx) {}
  virtual ~Step() = default;
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

  /// Decide an outcome for each contact of `batch` and complete it.
  virtual void run(Batch batch) = 0;

  /// ABI 1.3: the host's step_deadline passed for the batch whose
  /// Batch::id() is `batch_id`; it has failed and a later complete() is
  /// ignored. Called on the loop thread: stop its work (timers, requests).
  virtual void cancelled(const void* batch_id) noexcept { (void)batch_id; }

 protected:
  /// The host services of this instance.
  StepContext& context() const noexcept { return *ctx_; }

 private:
  StepContext* ctx_;
};

namespace detail {

template <class S>
concept HasNames = requires {
  { S::kName } -> std::convertible_to<const char*>;
  { S::kSummary } -> std::convertible_to<const char*>;
};
template <class S>
concept HasSchemaText = requires {
  { S::kSchema } -> std::convertible_to<const char*>;
};
template <class S>
concept HasSchemaBuilder = requires {
  { S::schema() } -> std::convertible_to<nlohmann::json>;
};
template <class S>
concept RunsBatches = requires(S& step, Batch batch) {
  step.run(std::move(batch));
};
template <class S>
concept HasSchema = HasSchemaText<S> || HasSchemaBuilder<S>;
template <class S>
concept BuildsFromConfig = std::constructible_from<S, StepContext&, const nlohmann::json&>;

}  // namespace detail

/// What the SDK needs from a step class (see Step).
template <class S>
concept StepClass = detail::HasNames<S> && detail::HasSchema<S> && detail::BuildsFromConfig<S> &&
    detail::RunsBatches<S>;

namespace detail {

struct BatchAccess {
  static Batch make(std::shared_ptr<BatchState> state) noexcept { return Batch(std::move(state)); }
};

// The host functions of ABI 1.0; an older table cannot serve this SDK.
inline constexpr size_t kHostApiMinSize =
    offsetof(herald_host_api, plugin_settings_json) + sizeof(void*);

template <class S>
struct Instance {
  Instance(const herald_host_api* host, herald_step_ctx* ctx) : context(host, ctx, S::kName) {}
  StepContext context;  // outlives `step`, which may hold a reference to it
  std::unique_ptr<S> step;
};

template <class S>
constexpr uint32_t stepFlags() noexcept {
  if constexpr (requires { S::kFlags; }) {
    return static_cast<uint32_t>(S::kFlags);
  } else {
    return 0;
  }
}

template <class S>
constexpr const char* stepChannel() noexcept {
  if constexpr (requires { S::kChannel; }) {
    return S::kChannel;
  } else {
    return nullptr;
  }
}

template <class S>
const char* const* stepBranches() {
  if constexpr (requires { std::size(S::kBranches); }) {
    static const auto labels = [] {
      std::array<const char*, std::size(S::kBranches) + 1> a{};
      for (size_t i = 0; i < std::size(S::kBranches); ++i) a[i] = S::kBranches[i];
      a[std::size(S::kBranches)] = nullptr;
      return a;
    }();
    return labels.data();
  } else {
    return nullptr;
  }
}

template <class S>
const char* stepSchema() {
  if constexpr (requires { S::kSchema; }) {
    return S::kSchema;
  } else {
    static const std::string text = nlohmann::json(S::schema()).dump();
    return text.c_str();
  }
}

template <class S>
herald_status createStep(const herald_host_api* host, herald_step_ctx* ctx, const char* config_json,
                         void** out_instance) noexcept {
  if (out_instance == nullptr) return HERALD_ERR_INVALID;
  *out_instance = nullptr;
  if (host == nullptr || host->struct_size < kHostApiMinSize) return HERALD_ERR_UNSUPPORTED;
  std::unique_ptr<Instance<S>> instance;
  try {
    instance = std::make_unique<Instance<S>>(host, ctx);
  } catch (...) {
    return HERALD_ERR_INTERNAL;
  }
  StepContext& context = instance->context;
  try {
    const nlohmann::json config = nlohmann::json::parse(config_json ? config_json : "{}");
    instance->step = std::make_unique<S>(context, config);
  } catch (const ConfigError& e) {
    context.diagnostic(e.pointer(), e.message());
    return HERALD_ERR_INVALID;
  } catch (const nlohmann::json::exception& e) {
    // The schema let through something the step cannot read.
    context.diagnostic("", std::string("invalid config: ") + e.what());
    return HERALD_ERR_INVALID;
  } catch (const std::exception& e) {
    context.diagnostic("", std::string("could not create the step: ") + e.what());
    return HERALD_ERR_INTERNAL;
  } catch (...) {
    context.diagnostic("", "could not create the step: unknown exception");
    return HERALD_ERR_INTERNAL;
  }
  if (context.diagnosticCount() > 0) return HERALD_ERR_INVALID;
  *out_instance = instance.release();
  return HERALD_OK;
}

template <class S>
void destroyStep(void* instance) noexcept {
  delete static_cast<Instance<S>*>(instance);
}

template <class S>
void runStep(void* instance, const herald_batch* batch, herald_call* call) noexcept {
  auto* self = static_cast<Instance<S>*>(instance);
  const herald_host_api& host = self->context.host();
  if (batch == nullptr || (batch->count > 0 && batch->contacts == nullptr)) {
    host.complete(call, HERALD_ERR_INVALID, "run_batch() got no contacts array", nullptr, 0);
    return;
  }
  std::shared_ptr<BatchState> state;
  try {
    state = std::make_shared<BatchState>(&host, call, batch, &self->context);
  } catch (...) {
    host.complete(call, HERALD_ERR_INTERNAL, "out of memory preparing the batch", nullptr, 0);
    return;
  }
  try {
    self->step->run(BatchAccess::make(state));
  } catch (const std::exception& e) {
    state->threw(e.what());
  } catch (...) {
    state->threw("unknown exception");
  }
  state->endRun();
}

template <class S>
void cancelStep(void* instance, herald_call* call) noexcept {
  auto* self = static_cast<Instance<S>*>(instance);
  if constexpr (requires(S & s) { s.cancelled(static_cast<const void*>(call)); }) {
    if (self != nullptr && self->step) self->step->cancelled(call);
  }
}

template <StepClass S>
const herald_step_type& stepType() {
  static_assert(
      !(stepFlags<S>() & HERALD_STEP_DELIVERY) || requires { S::kChannel; },
      "a step with HERALD_STEP_DELIVERY must declare kChannel (\"email\", \"sms\", ...)");
  static const herald_step_type type = {
      sizeof(herald_step_type), S::kName,       S::kSummary,     stepSchema<S>(), stepFlags<S>(),
      stepChannel<S>(),         &createStep<S>, &destroyStep<S>, &runStep<S>,     stepBranches<S>(),
      &cancelStep<S>,
  };
  return type;
}

template <StepClass... S>
const herald_plugin* pluginDescriptor(const char* name, const char* version,
                                      const char* description) noexcept {
  try {
    static const std::array<const herald_step_type*, sizeof...(S)> types = {&stepType<S>()...};
    static const herald_plugin plugin = {
        sizeof(herald_plugin),
        HERALD_ABI_MAJOR,
        HERALD_ABI_MINOR,
        name,
        version,
        description,
        sizeof...(S),
        types.data(),
        nullptr,
        nullptr,
        nullptr,
        0,
        nullptr,
    };
    return &plugin;
  } catch (...) {
    return nullptr;
  }
}

// ---- ABI 1.3: the plugin class of HERALD_PLUGIN_WITH ----

template <class P>
herald_status initPlugin(const herald_host_api* host, herald_plugin_ctx* plugin,
                         const char* config_json, void** out_state) noexcept {
  if (out_state == nullptr) return HERALD_ERR_INVALID;
  *out_state = nullptr;
  const PluginContext ctx(host, plugin);
  try {
    const nlohmann::json config = nlohmann::json::parse(config_json ? config_json : "{}");
    *out_state = new P(ctx, config);
    return HERALD_OK;
  } catch (const std::exception& e) {
    ctx.log(HERALD_LOG_ERROR, std::string("could not start: ") + e.what());
  } catch (...) {
    ctx.log(HERALD_LOG_ERROR, "could not start: unknown exception");
  }
  return HERALD_ERR_INVALID;
}

template <class P>
void shutdownPlugin(void* state) noexcept {
  delete static_cast<P*>(state);
}

template <class P>
void handleWebhook(void* state, const herald_webhook_request* r,
                   herald_webhook_reply* reply) noexcept {
  auto* self = static_cast<P*>(state);
  // The host looked the plugin's host table up when it started it.
  const herald_host_api* host = self->context().host();
  WebhookResponse res;
  try {
    WebhookRequest req;
    req.method = view(r->method);
    req.path = view(r->path);
    req.query = view(r->query);
    req.headers = readHeaders(r->headers, r->header_count);
    req.body = std::string_view(r->body ? r->body : "", r->body ? r->body_len : 0);
    req.remote_address = view(r->remote_address);
    self->webhook(req, res);
  } catch (const std::exception& e) {
    self->context().log(HERALD_LOG_ERROR, std::string("webhook handler threw: ") + e.what());
    res = WebhookResponse{500, "text/plain", {}, "internal error\n"};
  } catch (...) {
    res = WebhookResponse{500, "text/plain", {}, "internal error\n"};
  }
  for (const auto& [n, v] : res.headers) host->webhook_reply_header(reply, n.c_str(), v.c_str());
  host->webhook_reply(reply, res.status,
                      res.content_type.empty() ? nullptr : res.content_type.c_str(),
                      res.body.data(), res.body.size());
}

template <class P>
const herald_webhook_route* const* pluginWebhooks(size_t& count) {
  if constexpr (requires { std::size(P::kWebhooks); }) {
    static const auto routes = [] {
      std::array<herald_webhook_route, std::size(P::kWebhooks)> a{};
      for (size_t i = 0; i < a.size(); ++i)
        a[i] =
            herald_webhook_route{sizeof(herald_webhook_route), P::kWebhooks[i], &handleWebhook<P>};
      return a;
    }();
    static const auto pointers = [] {
      std::array<const herald_webhook_route*, std::size(P::kWebhooks)> a{};
      for (size_t i = 0; i < a.size(); ++i) a[i] = &routes[i];
      return a;
    }();
    count = pointers.size();
    return pointers.data();
  } else {
    count = 0;
    return nullptr;
  }
}

template <class P>
const char* pluginSchema() {
  if constexpr (requires { P::kSchema; }) {
    return P::kSchema;
  } else {
    return nullptr;
  }
}

template <class P, StepClass... S>
const herald_plugin* pluginDescriptorWith(const char* name, const char* version,
                                          const char* description) noexcept {
  try {
    static const std::array<const herald_step_type*, sizeof...(S)> types = {&stepType<S>()...};
    static size_t webhook_count = 0;
    static const herald_webhook_route* const* webhooks = pluginWebhooks<P>(webhook_count);
    static const herald_plugin plugin = {
        sizeof(herald_plugin),
        HERALD_ABI_MAJOR,
        HERALD_ABI_MINOR,
        name,
        version,
        description,
        sizeof...(S),
        types.data(),
        pluginSchema<P>(),
        &initPlugin<P>,
        &shutdownPlugin<P>,
        webhook_count,
        webhooks,
    };
    return &plugin;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace detail

/// Base of the plugin-wide class given to HERALD_PLUGIN_WITH (ABI 1.3). The
/// host constructs it once, on the loop thread, before any batch, with the
/// plugin's own section of herald.yaml (`plugins: NAME: {...}`, validated
/// against `kSchema` when the class declares one, defaults filled in, plus
/// "state_dir"), and destroys it at shutdown, after every batch and
/// callback finished. A constructor that throws refuses the plugin (logged).
///   class Acme : public herald::PluginBase {
///    public:
///     static constexpr const char* kSchema = R"({"type": "object", ...})";
///     static constexpr const char* kWebhooks[] = {"/hooks/acme/"};  // optional
///     Acme(herald::PluginContext ctx, const nlohmann::json& config);
///     void webhook(const herald::WebhookRequest& req, herald::WebhookResponse& res);
///   };
/// Steps reach it with StepContext::pluginState<Acme>().
class PluginBase {
 public:
  explicit PluginBase(PluginContext ctx) noexcept : ctx_(ctx) {}
  virtual ~PluginBase() = default;
  PluginBase(const PluginBase&) = delete;
  PluginBase& operator=(const PluginBase&) = delete;

  const PluginContext& context() const noexcept { return ctx_; }
  Http http() const noexcept { return Http(ctx_.host(), ctx_.handle()); }
  Smtp smtp() const noexcept { return Smtp(ctx_.host(), ctx_.handle()); }
  Timers timers() const noexcept { return Timers(ctx_.host(), ctx_.handle()); }
  Permits permits() const noexcept { return Permits(ctx_.host(), ctx_.handle()); }
  Events events() const noexcept { return Events(ctx_.host(), ctx_.handle()); }

 private:
  PluginContext ctx_;
};

}  // namespace herald

/// HERALD_PLUGIN with a plugin-wide class (ABI 1.3): its settings schema,
/// init (constructor), shutdown (destructor) and webhook routes. Use instead
/// of HERALD_PLUGIN, exactly once:
///   HERALD_PLUGIN_WITH(Acme, "acme", "1.0.0", "Acme Mail channel", AcmeSend)
#define HERALD_PLUGIN_WITH(plugin_class, name, version, description, ...)                       \
  extern "C" HERALD_EXPORT const herald_plugin* herald_plugin_entry(void) noexcept {            \
    return ::herald::detail::pluginDescriptorWith<plugin_class, __VA_ARGS__>((name), (version), \
                                                                             (description));    \
  }

/// Defines the plugin's one exported symbol, herald_plugin_entry(), returning
/// a static descriptor with the plugin's `name` ([a-z0-9_-]+), semantic
/// `version`, one-line `description` and the step classes that follow.
/// Use it exactly once per plugin, at namespace scope in one source file:
///   HERALD_PLUGIN("hello", "1.0.0", "Greets contacts", Greet, Farewell)
#define HERALD_PLUGIN(name, version, description, ...)                                        \
  extern "C" HERALD_EXPORT const herald_plugin* herald_plugin_entry(void) noexcept {          \
    return ::herald::detail::pluginDescriptor<__VA_ARGS__>((name), (version), (description)); \
  }
