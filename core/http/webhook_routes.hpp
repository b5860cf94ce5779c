#pragma once
// Plugin webhooks on the public listener (ABI 1.3): every path under a
// prefix a plugin declared (herald_plugin.webhooks, "/hooks/NAME/...") goes
// to that plugin, on the loop, with the raw request (method, headers, body
// up to http.limits.max_body_bytes, remote address); the plugin fills the
// answer. Providers verify nothing of ours: the plugin checks their
// signature. Each prefix has a token bucket (http.limits.webhook_per_second,
// webhook_burst): beyond it the host answers 429 with Retry-After, which
// providers honour, and the plugin is not called.
#include "config/http_config.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"
#include "plugin/registry.hpp"

namespace herald::http {

void addWebhookRoutes(Router& router, plugin::Registry& plugins, const config::HttpLimits& limits,
                      HttpMetrics& metrics);

}  // namespace herald::http
