#pragma once
// Internal to core/plugin: what the host keeps behind herald_plugin_ctx (one
// per loaded plugin) and the loop services of ABI 1.3 that every plugin
// shares (HTTP, SMTP, timers, permits, link signing, events). The services
// exist only while a loop serves them (Registry::startPlugins); without one
// (`herald validate`) each call answers HERALD_ERR_UNSUPPORTED.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "herald/abi.h"
#include "links/signer.hpp"
#include "net/smtp_client.hpp"
#include "plugin/host_services/permit_limiter.hpp"
#include "plugin/registry.hpp"

namespace herald::net {
class HttpClient;
class SmtpClient;
}  // namespace herald::net

namespace herald::plugin {

struct HostShared;
struct LoadedPlugin;

// Shared by every plugin while the loop runs; set by startPlugins, dropped
// by stopPlugins. Members are used on the loop thread only.
struct LoopServices {
  boost::asio::io_context* loop = nullptr;
  std::unique_ptr<net::HttpClient> http;
  std::unique_ptr<net::SmtpClient> smtp;
  std::optional<links::Signer> signer;  // none without links.keys
  std::string public_base_url;
  int64_t link_lifetime_ms = 0;
  EventSink events;  // record_event
  PermitLimiter permits;
  const Clock* clock = nullptr;

  LoopServices();
  ~LoopServices();
};

// The loop services, or nullptr (validate, or the plugins stopped).
std::shared_ptr<LoopServices> loopServices(HostShared& host);

// Posts `fn` to the loop (even from the loop), keeping the plugin's
// library mapped meanwhile; dropped when the plugin stopped.
void onLoop(herald_plugin_ctx* plugin, std::function<void(LoopServices&)> fn);

// Logs `message` once per plugin and `what` (a service that cannot work here).
void logUnsupportedOnce(herald_plugin_ctx* plugin, const std::string& what,
                        const std::string& message);

}  // namespace herald::plugin

// Completes the ABI's opaque type.
struct herald_plugin_ctx {
  std::shared_ptr<herald::plugin::HostShared> host;
  std::weak_ptr<herald::plugin::LoadedPlugin> plugin;  // for callbacks: keeps the library mapped
  std::string name;
  std::atomic<void*> state{nullptr};                   // what init() returned
  std::atomic<bool> started{false};                    // init() succeeded (or there is none)
  std::atomic<bool> stopped{false};                    // shutdown began: no callback runs any more
  nlohmann::json settings = nlohmann::json::object();  // validated, with defaults and state_dir
  std::optional<herald::net::SmtpServer> smtp;         // its `smtp:` settings; loop thread only

  std::mutex mu;
  uint64_t next_timer = 1;
  std::unordered_map<uint64_t, std::shared_ptr<boost::asio::steady_timer>> timers;
  std::set<std::string> unsupported_logged;
};
