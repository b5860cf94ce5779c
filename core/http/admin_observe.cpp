// /metrics (Prometheus text), /livez, /readyz and the OpenAPI document. No
// token: they say nothing about contacts, and scrapers and probes rarely
// carry one; the admin listener is loopback unless configured otherwise.
#include <fmt/format.h>

#include "http/admin_routes.hpp"
#include "http/openapi_document.hpp"
#include "observe/metrics.hpp"

namespace herald::http {

void addObserveRoutes(Router& router, daemon::Control& control) {
  router.add(
      bhttp::verb::get, "/metrics",
      [&control](const Exchange& ex, Respond respond) {
        std::string text = control.metrics().prometheusText("herald_");
        if (auto* plugins = control.pluginMetrics())
          text += plugins->prometheusText("herald_plugin_");
        respond(makeResponse(ex.request, bhttp::status::ok,
                             "text/plain; version=0.0.4; charset=utf-8", std::move(text)));
      },
      false);
  // Answered by the io_context thread itself: if the loop is wedged, no answer.
  router.add(
      bhttp::verb::get, "/livez",
      [](const Exchange& ex, Respond respond) {
        respond(makeResponse(ex.request, bhttp::status::ok, "text/plain; charset=utf-8", "ok\n"));
      },
      false);
  router.add(
      bhttp::verb::get, "/readyz",
      [&control](const Exchange& ex, Respond respond) {
        const auto h = control.health();
        nlohmann::json reasons = nlohmann::json::array();
        if (!h.store_ok) reasons.push_back("the store cannot be reached");
        if (!h.loaded) reasons.push_back("plugins and workflows are not loaded yet");
        if (h.draining) reasons.push_back("draining: the daemon is stopping");
        const bool ready = reasons.empty();
        nlohmann::json body = {{"ready", ready},
                               {"workflows", h.workflows},
                               {"journeys_waiting", h.journeys_waiting},
                               {"reasons", reasons}};
        if (!h.last_error.empty()) body["last_error"] = h.last_error;
        respond(jsonResponse(ex.request,
                             ready ? bhttp::status::ok : bhttp::status::service_unavailable, body));
      },
      false);
  router.add(
      bhttp::verb::get, "/api/v1/openapi.json",
      [](const Exchange& ex, Respond respond) {
        respond(makeResponse(ex.request, bhttp::status::ok, "application/json",
                             std::string(openApiDocument())));
      },
      false);
}

}  // namespace herald::http
