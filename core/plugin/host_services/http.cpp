// host->http_request (ABI 1.3): the plugin's request goes to the shared
// HttpClient (core/net) on the loop; its answer comes back on the loop.
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "plugin/host_services/host_api_13.hpp"
#include "plugin/host_state.hpp"

namespace herald::plugin {

namespace {

constexpr size_t kRequestSizeAbi13 = offsetof(herald_http_request, timeout_ms) + sizeof(uint32_t);

}  // namespace

herald_status hostHttpRequest(herald_plugin_ctx* plugin, const herald_http_request* request,
                              herald_http_callback done, void* user) {
  if (!plugin || !request || !done || request->struct_size < kRequestSizeAbi13 || !request->url ||
      (request->header_count > 0 && !request->headers) || (request->body_len > 0 && !request->body))
    return HERALD_ERR_INVALID;
  if (!loopServices(*plugin->host)) {
    logUnsupportedOnce(plugin, "http",
                       "http_request is not available here (no engine loop: `herald validate`)");
    return HERALD_ERR_UNSUPPORTED;
  }
  try {
    net::HttpRequest req;
    req.method = request->method ? request->method : "GET";
    req.url = request->url;
    for (size_t i = 0; i < request->header_count; ++i) {
      const char* name = request->headers[2 * i];
      const char* value = request->headers[2 * i + 1];
      if (!name) return HERALD_ERR_INVALID;
      req.headers.emplace_back(name, value ? value : "");
    }
    if (request->body_len > 0) req.body.assign(request->body, request->body_len);
    if (request->timeout_ms > 0) req.timeout = std::chrono::milliseconds(request->timeout_ms);
    onLoop(plugin, [plugin, req = std::move(req), done, user](LoopServices& s) mutable {
      auto keep = plugin->plugin.lock();
      s.http->start(plugin->name, std::move(req), [plugin, keep, done, user](net::HttpResult&& r) {
        if (plugin->stopped.load()) return;
        std::vector<const char*> headers;
        headers.reserve(r.headers.size() * 2);
        for (const auto& [n, v] : r.headers) {
          headers.push_back(n.c_str());
          headers.push_back(v.c_str());
        }
        herald_http_response res{};
        res.struct_size = sizeof res;
        res.status = static_cast<int32_t>(r.status);
        res.headers = headers.data();
        res.header_count = r.headers.size();
        res.body = r.body.data();
        res.body_len = r.body.size();
        res.transport_error = r.transport_error ? 1 : 0;
        res.retryable = r.retryable ? 1 : 0;
        res.error = r.transport_error ? r.error.c_str() : nullptr;
        try {
          done(user, &res);
        } catch (...) {
          hostPluginLog(plugin, HERALD_LOG_ERROR,
                        "the plugin's http_request callback threw (plugin bug)");
        }
      });
    });
    return HERALD_OK;
  } catch (...) {
    return HERALD_ERR_INTERNAL;
  }
}

}  // namespace herald::plugin
