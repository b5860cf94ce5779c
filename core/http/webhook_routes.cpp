#include "http/webhook_routes.hpp"

#include <memory>

#include "util/token_bucket.hpp"

namespace herald::http {

void addWebhookRoutes(Router& router, plugin::Registry& plugins, const config::HttpLimits& limits,
                      HttpMetrics& metrics) {
  for (const auto& prefix : plugins.webhookPrefixes()) {
    // Per prefix, not per peer: a provider sends from many addresses.
    auto bucket = std::make_shared<TokenBucket>(limits.webhook_per_second, limits.webhook_burst,
                                                TokenBucket::Clock::now());
    router.addPrefix(prefix, [&plugins, &metrics, bucket](const Exchange& ex, Respond respond) {
      const auto now = TokenBucket::Clock::now();
      if (!bucket->tryTake(now)) {
        metrics.refusal("webhook_rate");
        const auto wait = std::chrono::ceil<std::chrono::seconds>(bucket->untilNextToken(now));
        Response res = makeResponse(ex.request, bhttp::status::too_many_requests, "text/plain",
                                    "too many webhook requests; retry later\n");
        res.set(bhttp::field::retry_after, std::to_string(std::max<int64_t>(1, wait.count())));
        respond(std::move(res));
        return;
      }
      plugin::WebhookRequest req;
      req.method = std::string(sv(ex.request.method_string()));
      req.path = ex.path;
      const std::string_view target = sv(ex.request.target());
      if (auto q = target.find('?'); q != std::string_view::npos)
        req.query = std::string(target.substr(q + 1));
      for (const auto& field : ex.request)
        req.headers.emplace_back(std::string(sv(field.name_string())),
                                 std::string(sv(field.value())));
      req.body = ex.request.body();
      req.remote_address = ex.remote;
      plugin::WebhookAnswer answer;
      if (!plugins.serveWebhook(req, answer)) {
        answer.status = 404;
        answer.content_type = "text/plain";
        answer.body = "no such webhook\n";
      }
      Response res = makeResponse(ex.request, static_cast<bhttp::status>(answer.status),
                                  answer.content_type, std::move(answer.body));
      if (answer.content_type.empty()) res.erase(bhttp::field::content_type);
      for (const auto& [name, value] : answer.headers) res.insert(name, value);
      respond(std::move(res));
    });
  }
}

}  // namespace herald::http
