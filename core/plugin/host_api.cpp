// The host API table (herald_host_api): what plugins may call, from any
// thread. Every entry tolerates NULL arguments and never throws.
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

#include "plugin/call.hpp"
#include "plugin/host_recommend.hpp"
#include "plugin/host_services/host_api_13.hpp"
#include "plugin/host_state.hpp"
#include "plugin/segment_match.hpp"
#include "plugin/store_access.hpp"
#include "store/store.hpp"
#include "util/json_pointer.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

const std::string kNoSource = "plugin";

const std::string& sourceOf(herald_step_ctx* ctx) { return ctx ? ctx->log_source : kNoSource; }

void hostLog(herald_step_ctx* ctx, int32_t level, const char* message) {
  log::Level l = log::Level::kInfo;
  switch (level) {
    case HERALD_LOG_DEBUG:
      l = log::Level::kDebug;
      break;
    case HERALD_LOG_INFO:
      l = log::Level::kInfo;
      break;
    case HERALD_LOG_WARN:
      l = log::Level::kWarn;
      break;
    case HERALD_LOG_ERROR:
      l = log::Level::kError;
      break;
    default:
      l = log::Level::kError;
      break;
  }
  try {
    log::Context context;
    if (ctx) context = {ctx->workflow, ctx->step_id};
    log::write(l, sourceOf(ctx), message ? message : "(null)", context);
  } catch (...) {
    // Out of memory while logging: nothing sensible left to do.
  }
}

void hostDiagnostic(herald_step_ctx* ctx, const char* json_pointer, const char* message) {
  if (!ctx) return;
  try {
    std::string ptr = json_pointer ? json_pointer : "";
    // Shown by `herald validate`: a plugin that echoes a secret field's
    // value in its message shows "[secret]" there too.
    std::string msg = log::hideSecrets(message ? message : "(no message)");
    if (!isJsonPointer(ptr)) {
      // Blame where it belongs: the user's config is fine as far as the
      // place goes; the plugin named it wrongly. Shown at the `with:` block.
      const std::string bug = fmt::format(
          "{} reported this at '{}', which is not a JSON pointer (RFC 6901: \"\" or "
          "\"/field/0\"); a bug in the plugin, not in the workflow",
          describeStep(ctx->plugin_name, ctx->type), ptr);
      log::error(ctx->log_source, bug + " (plugin bug)");
      countBug(*ctx->host, ctx->plugin_name, ctx->step_id, "malformed_pointer");
      msg += " (" + bug + ")";
      ptr.clear();
    }
    {
      std::lock_guard lock(ctx->diag_mu);
      if (ctx->diagnostics) {
        ctx->diagnostics->push_back({std::move(ptr), std::move(msg)});
        return;
      }
    }
    log::warn(ctx->log_source,
              fmt::format("diagnostic outside create() ignored: {}: {}", ptr, msg));
  } catch (...) {
  }
}

// Runs `fn` with the store on the engine's thread (store_access.hpp); a
// store error becomes HERALD_ERR_INTERNAL with a log line, not an exception.
template <typename Fn>
herald_status withStore(herald_step_ctx* ctx, const char* key, const char* what, Fn fn) {
  if (!ctx || !key) return HERALD_ERR_INVALID;
  try {
    herald_status status = HERALD_ERR_INTERNAL;
    switch (onStoreThread(*ctx->host, callingEngine(), [&](store::Store& s) { status = fn(s); })) {
      case StoreAnswer::kDone:
        return status;
      case StoreAnswer::kNoStore:
        return HERALD_ERR_UNSUPPORTED;
      case StoreAnswer::kTimedOut:
        log::error(ctx->log_source,
                   fmt::format("kv {} '{}' failed: the engine did not answer within {} s", what,
                               key, kStoreWaitLimit.count()));
        return HERALD_ERR_INTERNAL;
    }
  } catch (const std::exception& e) {
    log::error(ctx->log_source, fmt::format("kv {} '{}' failed: {}", what, key, e.what()));
  } catch (...) {
    log::error(ctx->log_source, fmt::format("kv {} '{}' failed", what, key));
  }
  return HERALD_ERR_INTERNAL;
}

herald_status hostKvGet(herald_step_ctx* ctx, const char* key, char** out_value) {
  if (!out_value) return HERALD_ERR_INVALID;
  *out_value = nullptr;
  return withStore(ctx, key, "get", [&](store::Store& s) {
    auto v = s.kvGet(ctx->plugin_name, key);
    if (!v) return HERALD_ERR_NOT_FOUND;
    char* copy = static_cast<char*>(std::malloc(v->size() + 1));
    if (!copy) return HERALD_ERR_INTERNAL;
    std::memcpy(copy, v->c_str(), v->size() + 1);
    *out_value = copy;
    return HERALD_OK;
  });
}

herald_status hostKvPut(herald_step_ctx* ctx, const char* key, const char* value) {
  if (!value) return HERALD_ERR_INVALID;
  return withStore(ctx, key, "put", [&](store::Store& s) {
    s.kvPut(ctx->plugin_name, key, value);
    return HERALD_OK;
  });
}

herald_status hostKvDelete(herald_step_ctx* ctx, const char* key) {
  return withStore(ctx, key, "delete", [&](store::Store& s) {
    return s.kvDelete(ctx->plugin_name, key) ? HERALD_OK : HERALD_ERR_NOT_FOUND;
  });
}

void hostFree(void* ptr) { std::free(ptr); }

void hostMetric(herald_step_ctx* ctx, const char* name, double value, bool counter) {
  if (!ctx) return;
  try {
    std::string n = name ? name : "";
    // Prometheus' conventions, kept for the plugin: a counter's name ends in
    // _total, and every metric has a HELP line (promtool checks both).
    if (counter && observe::validMetricName(n) && !n.ends_with("_total")) n += "_total";
    observe::Labels labels{{"plugin", ctx->plugin_name}, {"step", ctx->step_id}};
    std::string why;
    auto& metrics = ctx->host->metrics;
    bool ok = counter ? metrics.counterAdd(n, labels, value, &why)
                      : metrics.gaugeSet(n, labels, value, &why);
    if (!ok) log::warn(ctx->log_source, "metric dropped: " + why);
  } catch (...) {
  }
}

void hostCounterAdd(herald_step_ctx* ctx, const char* name, double delta) {
  hostMetric(ctx, name, delta, true);
}

void hostGaugeSet(herald_step_ctx* ctx, const char* name, double value) {
  hostMetric(ctx, name, value, false);
}

void hostCompleteSafe(herald_call* call, herald_status status, const char* error,
                      const herald_outcome* outcomes, size_t count) {
  try {
    hostComplete(call, status, error, outcomes, count);
  } catch (const std::exception& e) {
    log::error("plugin", std::string("complete() failed inside the host: ") + e.what());
  } catch (...) {
    log::error("plugin", "complete() failed inside the host");
  }
}

void hostPreviewSafe(herald_call* call, size_t contact_index, const char* preview) {
  try {
    hostPreview(call, contact_index, preview);
  } catch (...) {
  }
}

herald_step_ctx* hostCallStepSafe(herald_call* call) {
  try {
    return hostCallStep(call);
  } catch (...) {
    return nullptr;
  }
}

const char* hostPluginSettings(herald_step_ctx* ctx) {
  return ctx ? ctx->settings_json.c_str() : "{}";
}

const herald_host_api kHostApi = {
    sizeof(herald_host_api),
    HERALD_ABI_MAJOR,
    HERALD_ABI_MINOR,
    hostLog,
    hostDiagnostic,
    hostKvGet,
    hostKvPut,
    hostKvDelete,
    hostFree,
    hostCounterAdd,
    hostGaugeSet,
    hostCompleteSafe,
    hostPreviewSafe,
    hostCallStepSafe,
    hostPluginSettings,
    hostSegmentMatch,
    hostRecommend,
    hostPluginCtx,
    hostPluginState,
    hostPluginLog,
    hostHttpRequest,
    hostSmtpSend,
    hostTimerStart,
    hostTimerCancel,
    hostPermitAcquire,
    hostSignLink,
    hostRecordEvent,
    hostSuppress,
    hostWebhookReply,
    hostWebhookReplyHeader,
    hostSetConsent,
};

}  // namespace

const herald_host_api* hostApi() { return &kHostApi; }

std::string HostShared::settingsFor(const std::string& plugin) {
  std::lock_guard lock(settings_mu);
  nlohmann::json out = nlohmann::json::object();
  if (auto it = plugin_settings.find(plugin); it != plugin_settings.end() && it->is_object())
    out = *it;
  std::filesystem::path dir = state_dir.empty() ? std::filesystem::path("var") : state_dir;
  std::error_code ec;
  auto abs = std::filesystem::absolute(dir, ec);
  out["state_dir"] = (ec ? dir : abs).lexically_normal().string();
  return out.dump();
}

std::string describeStep(const std::string& plugin, const std::string& type) {
  return fmt::format("plugin '{}' (step type '{}')", plugin, type);
}

void countBug(HostShared& host, const std::string& plugin, const std::string& step,
              const std::string& bug) {
  host.metrics.counterAdd("bugs_total", {{"plugin", plugin}, {"step", step}, {"bug", bug}}, 1);
}

}  // namespace herald::plugin
