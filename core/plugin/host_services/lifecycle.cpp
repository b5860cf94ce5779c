// ABI 1.3 plugin lifecycle: the plugin's own settings checked against its
// schema, init() on the loop before any batch, and shutdown() after the
// loop services dropped every pending callback.
#include <fmt/format.h>

#include <boost/asio/post.hpp>

#include "net/http_client.hpp"
#include "net/smtp_client.hpp"
#include "plugin/host_services/host_api_13.hpp"
#include "plugin/host_services/http_settings.hpp"
#include "plugin/host_services/smtp_settings.hpp"
#include "plugin/registry_impl.hpp"
#include "schema/schema.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

// Keys of a plugin's section the host reads itself; the plugin's schema
// does not see them.
constexpr const char* kHostKeys[] = {"http", "rate_limits", "smtp"};

constexpr size_t kPluginSizeAbi13 = offsetof(herald_plugin, webhooks) + sizeof(void*);

nlohmann::json sectionOf(HostShared& host, const std::string& name) {
  std::lock_guard lock(host.settings_mu);
  auto it = host.plugin_settings.find(name);
  return it != host.plugin_settings.end() && it->is_object() ? *it : nlohmann::json::object();
}

// The section as the plugin's schema sees it, and its problems.
nlohmann::json pluginPart(const LoadedPlugin& p, const nlohmann::json& section,
                          std::vector<std::string>& problems) {
  nlohmann::json own = section;
  for (const char* k : kHostKeys) own.erase(k);
  if (!p.settings_schema.is_object() || p.settings_schema.empty()) return own;
  Diagnostics diags;
  schema::validate(p.settings_schema, own, {}, SourcePos{}, "plugins." + p.name, diags);
  for (const auto& d : diags.items()) problems.push_back(d.message);
  return schema::withDefaults(p.settings_schema, own);
}

std::vector<std::string> checkOne(HostShared& host, const LoadedPlugin& p,
                                  nlohmann::json* validated) {
  std::vector<std::string> problems;
  const nlohmann::json section = sectionOf(host, p.name);
  nlohmann::json own = pluginPart(p, section, problems);
  parseRateLimits(section.value("rate_limits", nlohmann::json()), problems);
  parseSmtpSettings(section, problems);
  parseHttpSettings(section, problems);
  for (auto& line : problems) line = "plugins." + p.name + ": " + line;
  if (validated) *validated = std::move(own);
  return problems;
}

}  // namespace

LoopServices::LoopServices() = default;
LoopServices::~LoopServices() = default;

decltype(herald_plugin::init) LoadedPlugin::initFn() const {
  if (!descriptor || descriptor->abi_minor < 3 || descriptor->struct_size < kPluginSizeAbi13)
    return nullptr;
  return descriptor->init;
}

decltype(herald_plugin::shutdown) LoadedPlugin::shutdownFn() const {
  if (!descriptor || descriptor->abi_minor < 3 || descriptor->struct_size < kPluginSizeAbi13)
    return nullptr;
  return descriptor->shutdown;
}

std::shared_ptr<LoopServices> loopServices(HostShared& host) {
  std::lock_guard lock(host.services_mu);
  return host.services;
}

void onLoop(herald_plugin_ctx* plugin, std::function<void(LoopServices&)> fn) {
  auto services = loopServices(*plugin->host);
  if (!services) return;
  auto keep = plugin->plugin.lock();
  // Weak: a handler still queued when the plugins stop must not keep the
  // clients (and their sockets on this loop) alive past stopPlugins().
  std::weak_ptr<LoopServices> weak = services;
  auto run = [weak, keep, plugin, fn = std::move(fn)] {
    auto live = weak.lock();
    if (!live || plugin->stopped.load()) return;
    try {
      fn(*live);
    } catch (const std::exception& e) {
      log::error(plugin->name, std::string("a host service failed: ") + e.what());
    }
  };
  // Always posted, even from the loop: a callback never runs inside the
  // host call that registered it.
  boost::asio::post(*services->loop, std::move(run));
}

void logUnsupportedOnce(herald_plugin_ctx* plugin, const std::string& what,
                        const std::string& message) {
  {
    std::lock_guard lock(plugin->mu);
    if (!plugin->unsupported_logged.insert(what).second) return;
  }
  log::warn(plugin->name, message);
}

std::vector<std::string> Registry::checkPluginSettings() const {
  std::vector<std::string> out;
  for (const auto& p : impl_->loaded) {
    auto problems = checkOne(*impl_->host, *p, nullptr);
    out.insert(out.end(), problems.begin(), problems.end());
  }
  return out;
}

std::vector<std::string> Registry::startPlugins(PluginRuntime runtime) {
  std::vector<std::string> out;
  HostShared& host = *impl_->host;
  auto services = std::make_shared<LoopServices>();
  services->loop = runtime.loop;
  services->clock = runtime.clock;
  services->http = std::make_unique<net::HttpClient>(*runtime.loop);
  services->smtp = std::make_unique<net::SmtpClient>(*runtime.loop);
  if (!runtime.link_keys.empty()) {
    try {
      services->signer.emplace(runtime.link_keys);
    } catch (const std::exception& e) {
      out.push_back(std::string("links.keys: ") + e.what());
    }
  }
  services->public_base_url = runtime.public_base_url;
  services->link_lifetime_ms = runtime.link_lifetime.count();
  services->events = std::move(runtime.events);
  {
    std::lock_guard lock(host.services_mu);
    host.services = services;
  }
  for (const auto& p : impl_->loaded) {
    herald_plugin_ctx& ctx = *p->ctx;
    if (ctx.started.load()) continue;
    nlohmann::json own;
    auto problems = checkOne(host, *p, &own);
    const nlohmann::json section = sectionOf(host, p->name);
    std::vector<std::string> ignored;
    services->permits.configure(
        p->name, parseRateLimits(section.value("rate_limits", nlohmann::json()), ignored));
    ctx.smtp = parseSmtpSettings(section, ignored);
    if (auto max = parseHttpSettings(section, ignored))
      services->http->setOwnerLimit(p->name, *max);
    own["state_dir"] = nlohmann::json::parse(host.settingsFor(p->name))["state_dir"];
    ctx.settings = own;
    ctx.stopped = false;
    if (!problems.empty()) {
      for (auto& line : problems) {
        line += fmt::format(" (plugin '{}' is not started)", p->name);
        out.push_back(line);
      }
      continue;
    }
    if (auto init = p->initFn()) {
      const std::string text = own.dump();
      void* state = nullptr;
      herald_status status = HERALD_ERR_INTERNAL;
      std::string thrown;
      try {
        status = init(hostApi(), &ctx, text.c_str(), &state);
      } catch (const std::exception& e) {
        thrown = e.what();
      } catch (...) {
        thrown = "an exception that is not a std::exception";
      }
      if (!thrown.empty() || status != HERALD_OK) {
        out.push_back(
            fmt::format("plugins.{}: plugin '{}' refused to start: init() {}; its steps cannot run",
                        p->name, p->name,
                        thrown.empty() ? fmt::format("returned status {}", static_cast<int>(status))
                                       : "threw " + thrown + " (plugin bug)"));
        continue;
      }
      ctx.state = state;
    }
    ctx.started = true;
  }
  return out;  // the caller prints them: they stop the run or the daemon
}

void Registry::stopPlugins() {
  HostShared& host = *impl_->host;
  std::shared_ptr<LoopServices> services;
  {
    std::lock_guard lock(host.services_mu);
    services = std::move(host.services);
  }
  for (const auto& p : impl_->loaded) {
    herald_plugin_ctx& ctx = *p->ctx;
    ctx.stopped = true;
    {
      std::lock_guard lock(ctx.mu);
      for (auto& [id, timer] : ctx.timers) timer->cancel();
      ctx.timers.clear();
    }
    if (services) {
      services->permits.drop(p->name);
      services->http->cancel(p->name);
    }
  }
  for (const auto& p : impl_->loaded) {
    herald_plugin_ctx& ctx = *p->ctx;
    if (!ctx.started.exchange(false)) continue;
    if (auto shutdown = p->shutdownFn()) {
      try {
        shutdown(ctx.state.load());
      } catch (...) {
        log::error(p->name, "plugin threw an exception from shutdown() (plugin bug)");
      }
    }
    ctx.state = nullptr;
  }
}

// ---- host API entries ----

herald_plugin_ctx* hostPluginCtx(herald_step_ctx* ctx) {
  return ctx && ctx->plugin ? ctx->plugin->ctx.get() : nullptr;
}

void* hostPluginState(herald_plugin_ctx* plugin) { return plugin ? plugin->state.load() : nullptr; }

void hostPluginLog(herald_plugin_ctx* plugin, int32_t level, const char* message) {
  try {
    const std::string text = message ? message : "(null)";
    const std::string source = plugin ? plugin->name : "plugin";
    switch (level) {
      case HERALD_LOG_DEBUG:
        log::debug(source, text);
        break;
      case HERALD_LOG_INFO:
        log::info(source, text);
        break;
      case HERALD_LOG_WARN:
        log::warn(source, text);
        break;
      default:
        log::error(source, text);
        break;
    }
  } catch (...) {
  }
}

}  // namespace herald::plugin
