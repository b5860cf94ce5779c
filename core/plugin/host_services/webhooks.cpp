// ABI 1.3 webhooks: the daemon's public listener hands requests under
// /hooks/ to the plugin whose route prefix matches (Registry::serveWebhook),
// on the loop; the plugin fills the reply through host->webhook_reply*().
#include <fmt/format.h>

#include <algorithm>

#include "plugin/host_services/host_api_13.hpp"
#include "plugin/registry_impl.hpp"
#include "util/log.hpp"

// Completes the ABI's opaque type: what the handler fills.
struct herald_webhook_reply {
  herald::plugin::WebhookAnswer* answer = nullptr;
};

namespace herald::plugin {

std::vector<std::string> Registry::webhookPrefixes() const {
  std::vector<std::string> out;
  for (const auto& p : impl_->loaded)
    for (const auto& [prefix, route] : p->webhooks) out.push_back(prefix);
  std::sort(out.begin(), out.end());
  return out;
}

bool Registry::serveWebhook(const WebhookRequest& request, WebhookAnswer& answer) {
  std::shared_ptr<LoadedPlugin> owner;
  const herald_webhook_route* route = nullptr;
  size_t best = 0;
  for (const auto& p : impl_->loaded) {
    for (const auto& [prefix, r] : p->webhooks) {
      if (request.path.compare(0, prefix.size(), prefix) == 0 && prefix.size() > best) {
        best = prefix.size();
        owner = p;
        route = r;
      }
    }
  }
  if (!route) return false;
  herald_plugin_ctx& ctx = *owner->ctx;
  answer = WebhookAnswer{};
  if (!ctx.started.load() || ctx.stopped.load()) {
    answer.status = 503;
    answer.content_type = "text/plain";
    answer.body = "plugin '" + owner->name + "' is not running\n";
    return true;
  }
  std::vector<const char*> headers;
  for (const auto& [n, v] : request.headers) {
    headers.push_back(n.c_str());
    headers.push_back(v.c_str());
  }
  herald_webhook_request req{};
  req.struct_size = sizeof req;
  req.method = request.method.c_str();
  req.path = request.path.c_str();
  req.query = request.query.c_str();
  req.headers = headers.data();
  req.header_count = request.headers.size();
  req.body = request.body.data();
  req.body_len = request.body.size();
  req.remote_address = request.remote_address.c_str();
  herald_webhook_reply reply{&answer};
  try {
    route->handle(ctx.state.load(), &req, &reply);
  } catch (...) {
    log::error(owner->name, fmt::format("plugin '{}' threw from its webhook {} (plugin bug)",
                                        owner->name, request.path));
    answer = WebhookAnswer{};
    answer.status = 500;
    answer.content_type = "text/plain";
    answer.body = "the plugin failed\n";
  }
  return true;
}

void hostWebhookReply(herald_webhook_reply* reply, int32_t status, const char* content_type,
                      const char* body, size_t body_len) {
  if (!reply || !reply->answer) return;
  try {
    reply->answer->status = status >= 100 && status <= 599 ? status : 500;
    reply->answer->content_type = content_type ? content_type : "";
    reply->answer->body.assign(body && body_len ? body : "", body ? body_len : 0);
  } catch (...) {
  }
}

void hostWebhookReplyHeader(herald_webhook_reply* reply, const char* name, const char* value) {
  if (!reply || !reply->answer || !name) return;
  try {
    reply->answer->headers.emplace_back(name, value ? value : "");
  } catch (...) {
  }
}

}  // namespace herald::plugin
