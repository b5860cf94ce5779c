// /api/v1/sends: the send ledger, as `herald sends list|show --json` (the
// same store calls, filters and JSON).
#include <fmt/format.h>

#include "engine/report.hpp"
#include "http/admin_routes.hpp"
#include "import/contact_ref.hpp"

namespace herald::http {

void addSendRoutes(Router& router, daemon::Control& control) {
  router.add(bhttp::verb::get, "/api/v1/sends", [&control](const Exchange& ex, Respond respond) {
    store::LedgerFilter filter;
    auto bad = [&](const std::string& detail) {
      respond(problemResponse(ex.request, bhttp::status::bad_request, detail));
    };
    for (const auto& [name, value] : ex.query) {
      if (name == "workflow") {
        filter.workflow = value;
      } else if (name == "state") {
        filter.status = store::ledgerStatusFromString(value);
        if (!filter.status)
          return bad(fmt::format("state: unknown state '{}'; the states are {}", value,
                                 engine::ledgerStateNames()));
      } else if (name == "contact") {
        // A plain id names an erased contact's rows too (the ledger outlives it).
        if (auto id = wholeNumberParam(value)) {
          filter.contact_id = *id;
          continue;
        }
        auto found = import::lookupContactRef(control.store(), value);
        if (!found.error.empty()) return bad("contact: " + found.error);
        if (!found.contact)
          return respond(
              problemResponse(ex.request, bhttp::status::not_found,
                              fmt::format("no contact with {} (or it was erased)", found.what)));
        filter.contact_id = found.contact->id;
      } else if (name == "limit") {
        auto n = wholeNumberParam(value);
        if (!n || *n < 1 || *n > 1000) return bad("limit must be a whole number from 1 to 1000");
        filter.limit = static_cast<int>(*n);
      } else {
        return bad(
            fmt::format("'{}' is not a parameter; the parameters are workflow, contact, "
                        "state, limit",
                        name));
      }
    }
    nlohmann::json sends = nlohmann::json::array();
    for (const auto& e : control.store().listLedger(filter)) sends.push_back(engine::toJson(e));
    respond(jsonResponse(ex.request, bhttp::status::ok, {{"sends", sends}}));
  });
  router.add(bhttp::verb::get, "/api/v1/sends/{key}",
             [&control](const Exchange& ex, Respond respond) {
               const std::string& text = ex.params.at("key");
               const auto key = store::parseLedgerKey(text);
               if (!key) {
                 return respond(problemResponse(
                     ex.request, bhttp::status::bad_request,
                     "not a send key: a key reads WORKFLOW/REVISION/STEP/CONTACT/OCCURRENCE, "
                     "percent-encoded in the path (%2F for each '/')"));
               }
               const auto e = control.store().ledgerEntry(*key);
               if (!e) {
                 return respond(problemResponse(ex.request, bhttp::status::not_found,
                                                "no send has this key; GET /api/v1/sends lists "
                                                "them"));
               }
               respond(jsonResponse(ex.request, bhttp::status::ok, engine::toJson(*e)));
             });
}

}  // namespace herald::http
