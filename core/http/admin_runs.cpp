// /api/v1/runs: list, show (as `herald runs show --json`), start (an
// audience or a contact list, trigger `api`), cancel.
#include <fmt/format.h>

#include "engine/report.hpp"
#include "http/admin_routes.hpp"

namespace herald::http {
namespace {

// The body of POST /api/v1/runs into a StartRequest; field errors by pointer.
std::vector<FieldError> decodeStart(const nlohmann::json& body, daemon::StartRequest& r) {
  std::vector<FieldError> errors;
  if (!body.is_object()) {
    errors.push_back(
        {"", "must be a JSON object {\"workflow\": NAME, \"audience\" or \"contacts\"}"});
    return errors;
  }
  for (const auto& [k, v] : body.items()) {
    const std::string ptr = "/" + pointerToken(k);
    if (k == "workflow") {
      if (!v.is_string() || v.get_ref<const std::string&>().empty())
        errors.push_back({ptr, "must be the name of a served workflow"});
      else
        r.workflow = v.get<std::string>();
    } else if (k == "audience") {
      if (!v.is_string() || v.get_ref<const std::string&>().empty())
        errors.push_back({ptr, "must be a segment name or a segment rule as text"});
      else
        r.audience = v.get<std::string>();
    } else if (k == "contacts") {
      if (!v.is_array()) {
        errors.push_back({ptr, "must be an array of contact ids, e.g. [12, 13]"});
        continue;
      }
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number_integer() || v[i].get<int64_t>() <= 0)
          errors.push_back({ptr + "/" + std::to_string(i), "must be a positive contact id"});
        else
          r.contact_ids.push_back(v[i].get<int64_t>());
      }
    } else if (k == "variables") {
      if (!v.is_object())
        errors.push_back({ptr, "must be a JSON object of run variables"});
      else
        r.variables = v;
    } else if (k == "contact_variables") {
      if (!v.is_object()) {
        errors.push_back({ptr, "must map contact ids to objects of variables"});
        continue;
      }
      for (const auto& [id, vars] : v.items()) {
        auto n = wholeNumberParam(id);
        if (!n || *n == 0 || !vars.is_object())
          errors.push_back({ptr + "/" + pointerToken(id),
                            "must be an object of variables under a contact id key (\"12\")"});
        else
          r.contact_variables[*n] = vars;
      }
    } else if (k == "dry_run") {
      if (!v.is_boolean())
        errors.push_back({ptr, "must be true or false"});
      else
        r.dry_run = v.get<bool>();
    } else {
      errors.push_back({ptr,
                        "is not a field; the fields are workflow, audience, contacts, "
                        "variables, contact_variables, dry_run"});
    }
  }
  if (!body.contains("workflow")) errors.push_back({"/workflow", "is required"});
  if (r.audience && !r.contact_ids.empty())
    errors.push_back({"/contacts", "give either an audience or a contact list, not both"});
  return errors;
}

}  // namespace

void addRunRoutes(Router& router, daemon::Control& control, HttpMetrics& metrics) {
  router.add(bhttp::verb::get, "/api/v1/runs", [&control](const Exchange& ex, Respond respond) {
    int limit = 50;
    if (auto it = ex.query.find("limit"); it != ex.query.end()) {
      auto n = wholeNumberParam(it->second);
      if (!n || *n < 1 || *n > 1000) {
        return respond(problemResponse(ex.request, bhttp::status::bad_request,
                                       "limit must be a whole number from 1 to 1000"));
      }
      limit = static_cast<int>(*n);
    }
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : control.store().listRuns(limit)) runs.push_back(engine::toJson(r));
    respond(jsonResponse(ex.request, bhttp::status::ok, {{"runs", runs}}));
  });
  router.add(bhttp::verb::get, "/api/v1/runs/{id}",
             [&control](const Exchange& ex, Respond respond) {
               const auto id = wholeNumberParam(ex.params.at("id"));
               const auto run = id ? control.store().runById(*id) : std::nullopt;
               if (!run) {
                 return respond(problemResponse(ex.request, bhttp::status::not_found,
                                                "no such run; GET /api/v1/runs lists them"));
               }
               respond(jsonResponse(ex.request, bhttp::status::ok,
                                    engine::runDetailsJson(control.store(), *run, 1000)));
             });
  router.add(bhttp::verb::post, "/api/v1/runs",
             [&control, &metrics](const Exchange& ex, Respond respond) {
               auto json = jsonBodyOrRefuse(ex, respond, metrics);
               if (!json) return;
               daemon::StartRequest request;
               auto errors = decodeStart(*json, request);
               if (!errors.empty()) return respond(invalidBody(ex.request, metrics, errors));
               const auto result = control.startRun(request);
               if (!result.run_id) {
                 std::vector<FieldError> problems;
                 for (const auto& d : result.problems.items()) {
                   problems.push_back({"", formatDiagnostic(d), d.pos.line, d.pos.column});
                 }
                 if (problems.empty()) problems.push_back({"", "the run was not started"});
                 return respond(invalidBody(ex.request, metrics, problems));
               }
               respond(jsonResponse(ex.request, bhttp::status::created,
                                    {{"run_id", *result.run_id}, {"enrolled", result.enrolled}}));
             });
  router.add(bhttp::verb::post, "/api/v1/runs/{id}/cancel",
             [&control](const Exchange& ex, Respond respond) {
               const auto id = wholeNumberParam(ex.params.at("id"));
               if (!id || !control.store().runById(*id)) {
                 return respond(problemResponse(ex.request, bhttp::status::not_found,
                                                "no such run; GET /api/v1/runs lists them"));
               }
               if (!control.cancelRun(*id)) {
                 return respond(problemResponse(ex.request, bhttp::status::conflict,
                                                fmt::format("run {} has already finished", *id)));
               }
               respond(jsonResponse(ex.request, bhttp::status::ok,
                                    {{"run_id", *id}, {"cancelled", true}}));
             });
}

}  // namespace herald::http
