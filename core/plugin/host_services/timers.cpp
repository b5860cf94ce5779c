// host->timer_start / timer_cancel and host->permit_acquire (ABI 1.3):
// steady timers and the rate limiter's grants, both on the loop.
#include <boost/asio/steady_timer.hpp>

#include "plugin/host_services/host_api_13.hpp"
#include "plugin/host_state.hpp"

namespace herald::plugin {

herald_status hostTimerStart(herald_plugin_ctx* plugin, uint64_t delay_ms,
                             herald_timer_callback fire, void* user, uint64_t* out_timer) {
  if (out_timer) *out_timer = 0;
  if (!plugin || !fire) return HERALD_ERR_INVALID;
  auto services = loopServices(*plugin->host);
  if (!services) {
    logUnsupportedOnce(plugin, "timer",
                       "timer_start is not available here (no engine loop: `herald validate`)");
    return HERALD_ERR_UNSUPPORTED;
  }
  try {
    // Created here so the id is known at once; armed on the loop.
    auto timer = std::make_shared<boost::asio::steady_timer>(*services->loop);
    uint64_t id = 0;
    {
      std::lock_guard lock(plugin->mu);
      id = plugin->next_timer++;
      plugin->timers.emplace(id, timer);
    }
    if (out_timer) *out_timer = id;
    onLoop(plugin, [plugin, timer, id, delay_ms, fire, user](LoopServices&) {
      auto keep = plugin->plugin.lock();
      timer->expires_after(std::chrono::milliseconds(delay_ms));
      timer->async_wait([plugin, keep, id, fire, user](const boost::system::error_code& ec) {
        {
          std::lock_guard lock(plugin->mu);
          // Cancelled (erased) or the plugin stopped: not called.
          if (ec || plugin->timers.erase(id) == 0) return;
        }
        if (plugin->stopped.load()) return;
        try {
          fire(user);
        } catch (...) {
          hostPluginLog(plugin, HERALD_LOG_ERROR, "the plugin's timer callback threw (plugin bug)");
        }
      });
    });
    return HERALD_OK;
  } catch (...) {
    return HERALD_ERR_INTERNAL;
  }
}

herald_status hostTimerCancel(herald_plugin_ctx* plugin, uint64_t timer) {
  if (!plugin) return HERALD_ERR_INVALID;
  std::shared_ptr<boost::asio::steady_timer> t;
  {
    std::lock_guard lock(plugin->mu);
    auto it = plugin->timers.find(timer);
    if (it == plugin->timers.end()) return HERALD_ERR_NOT_FOUND;
    t = std::move(it->second);
    plugin->timers.erase(it);
  }
  // Erased above, so the handler will not call the plugin even if it fires
  // before this cancel reaches the loop.
  onLoop(plugin, [t](LoopServices&) { t->cancel(); });
  return HERALD_OK;
}

herald_status hostPermitAcquire(herald_plugin_ctx* plugin, const char* key,
                                herald_permit_callback granted, void* user) {
  if (!plugin || !key || !*key || !granted) return HERALD_ERR_INVALID;
  if (!loopServices(*plugin->host)) {
    logUnsupportedOnce(plugin, "permit",
                       "permit_acquire is not available here (no engine loop: `herald validate`)");
    return HERALD_ERR_UNSUPPORTED;
  }
  try {
    onLoop(plugin, [plugin, k = std::string(key), granted, user](LoopServices& s) {
      auto keep = plugin->plugin.lock();
      s.permits.acquire(*s.loop, plugin->name, k, [plugin, keep, granted, user] {
        if (plugin->stopped.load()) return;
        try {
          granted(user);
        } catch (...) {
          hostPluginLog(plugin, HERALD_LOG_ERROR,
                        "the plugin's permit callback threw (plugin bug)");
        }
      });
    });
    return HERALD_OK;
  } catch (...) {
    return HERALD_ERR_INTERNAL;
  }
}

}  // namespace herald::plugin
