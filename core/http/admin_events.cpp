// POST /api/v1/events: one event or a batch, answered 202 only once the
// events are durably committed (Control::ingestEvents' group commit).
#include <fmt/format.h>

#include "http/admin_routes.hpp"
#include "http/event_body.hpp"

namespace herald::http {
namespace {

const char* contactField(const daemon::IncomingEvent& e) {
  return e.contact_id ? "contact_id" : e.external_id ? "external_id" : "email";
}

std::string unknownContact(const daemon::IncomingEvent& e) {
  const std::string who = e.contact_id    ? fmt::format("id {}", *e.contact_id)
                          : e.external_id ? fmt::format("external id '{}'", *e.external_id)
                                          : fmt::format("email '{}'", e.email.value_or(""));
  return fmt::format(
      "no contact with {} (or it was erased); create it first with POST "
      "/api/v1/contacts",
      who);
}

}  // namespace

void addEventRoutes(Router& router, daemon::Control& control, HttpMetrics& metrics) {
  router.add(
      bhttp::verb::post, "/api/v1/events",
      [&control, &metrics](const Exchange& ex, Respond respond) {
        auto json = jsonBodyOrRefuse(ex, respond, metrics);
        if (!json) return;
        const int max = control.config().http.limits.max_batch_events;
        auto body = decodeEventBody(*json, control.clock().nowMs(), max);
        const Request& req = ex.request;  // the session keeps it until answered
        if (body.too_many) {
          metrics.refusal("batch_too_large");
          return respond(problemResponse(req, bhttp::status::payload_too_large,
                                         body.errors[0].detail, body.errors));
        }
        if (!body.errors.empty()) return respond(invalidBody(req, metrics, body.errors));
        // Who each event named, for the answer (the events move).
        std::vector<daemon::IncomingEvent> named;
        named.reserve(body.events.size());
        for (const auto& e : body.events) {
          daemon::IncomingEvent n;
          n.contact_id = e.contact_id;
          n.external_id = e.external_id;
          n.email = e.email;
          named.push_back(std::move(n));
        }
        control.ingestEvents(
            std::move(body.events), [&req, &metrics, respond, batch = body.batch,
                                     named = std::move(named)](daemon::IngestResult r) {
              if (r.error) {
                return respond(problemResponse(req, bhttp::status::service_unavailable,
                                               "the events could not be stored (" + *r.error +
                                                   "); nothing was stored, send them again"));
              }
              nlohmann::json results = nlohmann::json::array();
              int64_t stored = 0, duplicates = 0, unknown = 0;
              for (size_t i = 0; i < r.outcomes.size(); ++i) {
                const auto& o = r.outcomes[i];
                nlohmann::json one;
                switch (o.kind) {
                  case daemon::IngestOutcome::Kind::kStored:
                    ++stored;
                    one = {{"status", "stored"}, {"id", o.event_id}, {"enrolled", o.enrolled}};
                    break;
                  case daemon::IngestOutcome::Kind::kDuplicate:
                    ++duplicates;
                    one = {{"status", "duplicate"}};
                    break;
                  case daemon::IngestOutcome::Kind::kUnknownContact:
                    ++unknown;
                    one = {{"status", "unknown_contact"},
                           {"detail", i < named.size() ? unknownContact(named[i]) : ""}};
                    break;
                }
                results.push_back(std::move(one));
              }
              if (!batch && unknown == 1 && !named.empty()) {
                return respond(invalidBody(
                    req, metrics,
                    {{std::string("/") + contactField(named[0]), unknownContact(named[0])}}));
              }
              nlohmann::json out = {{"stored", stored},
                                    {"duplicates", duplicates},
                                    {"unknown_contacts", unknown},
                                    {"results", std::move(results)}};
              respond(jsonResponse(req, bhttp::status::accepted, out));
            });
      });
}

}  // namespace herald::http
