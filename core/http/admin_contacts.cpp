// /api/v1/contacts: upsert, get, export, erase, sends; /api/v1/suppressions.
// The same store calls and contact naming as `herald contacts ...`
// (import/contact_ref.hpp, import/contact_mapper.hpp).
#include <fmt/format.h>

#include "http/admin_routes.hpp"
#include "import/contact_mapper.hpp"
#include "import/contact_ref.hpp"
#include "util/clock.hpp"

namespace herald::http {
namespace {

// The contact named by {ref}, or answers 400 / 404 and returns nullopt.
std::optional<store::Contact> contactOrRefuse(daemon::Control& control, const Exchange& ex,
                                              const Respond& respond) {
  auto found = import::lookupContactRef(control.store(), ex.params.at("ref"));
  if (!found.error.empty()) {
    respond(problemResponse(ex.request, bhttp::status::bad_request, found.error));
    return std::nullopt;
  }
  if (!found.contact) {
    respond(problemResponse(ex.request, bhttp::status::not_found,
                            fmt::format("no contact with {} (or it was erased)", found.what)));
    return std::nullopt;
  }
  return found.contact;
}

// The contact mapper names a problem by the character column of its key in
// the line; the body's own keys give the JSON pointer back.
std::string pointerOfColumn(const nlohmann::json& obj, const std::string& line, int column) {
  for (const auto& [key, v] : obj.items()) {
    if (import::keyColumn(line, key) == column) return "/" + pointerToken(key);
  }
  return "";
}

void upsert(daemon::Control& control, HttpMetrics& metrics, const Exchange& ex,
            const Respond& respond) {
  auto json = jsonBodyOrRefuse(ex, respond, metrics);
  if (!json) return;
  if (!json->is_object()) {
    return respond(invalidBody(
        ex.request, metrics,
        {{"", fmt::format("must be a contact as a JSON object (email, external_id, first_name, "
                          "consent_email, attributes...), not {}",
                          json->type_name())}}));
  }
  import::TimeZones zones;
  import::ContactMapper mapper("api", control.clock().nowMs(), zones);
  const std::string line = json->dump();
  store::Contact c;
  import::Problems problems;
  mapper.mapObject(*json, line, c, problems);
  if (!problems.empty()) {
    std::vector<FieldError> errors;
    for (const auto& p : problems)
      errors.push_back({pointerOfColumn(*json, line, p.column), p.message});
    return respond(invalidBody(ex.request, metrics, std::move(errors)));
  }
  auto import = control.store().beginContactImport();
  int64_t id = 0;
  try {
    id = import->upsert(c);
  } catch (const store::ContactConflict& e) {
    return respond(problemResponse(ex.request, bhttp::status::conflict, e.what()));
  }
  if (id == 0) {
    return respond(invalidBody(
        ex.request, metrics,
        {{c.email ? "/email" : "/phone",
          "is on the suppression list (erased or suppressed): the contact is not stored"}}));
  }
  const bool created = import->createdCount() > 0;
  import->commit();
  respond(jsonResponse(ex.request, created ? bhttp::status::created : bhttp::status::ok,
                       {{"id", id}, {"created", created}}));
}

}  // namespace

void addContactRoutes(Router& router, daemon::Control& control, HttpMetrics& metrics) {
  router.add(bhttp::verb::post, "/api/v1/contacts",
             [&control, &metrics](const Exchange& ex, Respond respond) {
               upsert(control, metrics, ex, respond);
             });
  router.add(bhttp::verb::get, "/api/v1/contacts/{ref}",
             [&control](const Exchange& ex, Respond respond) {
               auto c = contactOrRefuse(control, ex, respond);
               if (!c) return;
               auto x = control.store().exportContact(c->id);
               if (!x)
                 return respond(problemResponse(ex.request, bhttp::status::not_found, "erased"));
               nlohmann::json out = {{"contact", (*x)["contact"]},
                                     {"attributes", (*x)["attributes"]},
                                     {"tags", (*x)["tags"]},
                                     {"consents", (*x)["consents"]}};
               respond(jsonResponse(ex.request, bhttp::status::ok, out));
             });
  router.add(bhttp::verb::get, "/api/v1/contacts/{ref}/export",
             [&control](const Exchange& ex, Respond respond) {
               auto c = contactOrRefuse(control, ex, respond);
               if (!c) return;
               auto x = control.store().exportContact(c->id);
               if (!x)
                 return respond(problemResponse(ex.request, bhttp::status::not_found, "erased"));
               respond(jsonResponse(ex.request, bhttp::status::ok, *x));
             });
  // The send ledger of the contact: every delivery claimed for them, with
  // the policy decision and the outcome (the export's "messages").
  router.add(bhttp::verb::get, "/api/v1/contacts/{ref}/sends",
             [&control](const Exchange& ex, Respond respond) {
               auto c = contactOrRefuse(control, ex, respond);
               if (!c) return;
               auto x = control.store().exportContact(c->id);
               if (!x)
                 return respond(problemResponse(ex.request, bhttp::status::not_found, "erased"));
               respond(jsonResponse(ex.request, bhttp::status::ok, {{"sends", (*x)["messages"]}}));
             });
  router.add(bhttp::verb::delete_, "/api/v1/contacts/{ref}",
             [&control](const Exchange& ex, Respond respond) {
               auto c = contactOrRefuse(control, ex, respond);
               if (!c) return;
               const auto report = control.store().eraseContact(
                   c->id, control.config().keep_event_properties, control.clock().nowMs());
               if (!report)
                 return respond(problemResponse(ex.request, bhttp::status::not_found, "erased"));
               nlohmann::json suppressed = nlohmann::json::array();
               for (const auto& s : report->suppressed) suppressed.push_back(s.kind);
               respond(jsonResponse(ex.request, bhttp::status::ok,
                                    {{"erased", report->contact_id},
                                     {"events_anonymised", report->events_anonymised},
                                     {"journeys_removed", report->journeys_removed},
                                     {"suppressed", suppressed}}));
             });
  router.add(
      bhttp::verb::post, "/api/v1/suppressions",
      [&control, &metrics](const Exchange& ex, Respond respond) {
        auto json = jsonBodyOrRefuse(ex, respond, metrics);
        if (!json) return;
        std::vector<FieldError> errors;
        std::optional<import::Address> address;
        std::string reason = "api";
        if (!json->is_object()) {
          errors.push_back({"", "must be a JSON object {\"address\": ..., \"reason\": ...}"});
        } else {
          for (const auto& [k, v] : json->items()) {
            if (k == "address") {
              std::string error =
                  "must be an email address or a phone number in "
                  "international form (+33612345678)";
              if (v.is_string()) address = import::parseAddress(v.get<std::string>(), error);
              if (!address) errors.push_back({"/address", error});
            } else if (k == "reason") {
              if (!v.is_string() || v.get_ref<const std::string&>().empty())
                errors.push_back({"/reason", "must be a non-empty string (why, for the record)"});
              else
                reason = v.get<std::string>();
            } else {
              errors.push_back(
                  {"/" + pointerToken(k), "is not a field; the fields are address and reason"});
            }
          }
          if (!json->contains("address"))
            errors.push_back({"/address", "is required: the email address or phone number"});
        }
        if (!errors.empty()) return respond(invalidBody(ex.request, metrics, errors));
        const int64_t now = control.clock().nowMs();
        // Asked before: two posts within one millisecond must still tell apart.
        const bool already = control.store().isSuppressed(address->kind, address->value);
        const auto s = control.store().suppressAddress(address->kind, address->value, reason, now);
        respond(jsonResponse(ex.request, already ? bhttp::status::ok : bhttp::status::created,
                             {{"kind", s.kind},
                              {"already_suppressed", already},
                              {"since", formatIsoTime(s.at_ms)},
                              {"reason", s.reason}}));
      });
}

}  // namespace herald::http
