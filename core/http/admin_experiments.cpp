// /api/v1/experiments: `herald experiments list|show --json` over HTTP (the
// same report and the same JSON, shaped for a chart: one object per arm).
#include "experiment/report.hpp"
#include "http/admin_routes.hpp"
#include "store/experiments.hpp"

namespace herald::http {

void addExperimentRoutes(Router& router, daemon::Control& control) {
  router.add(bhttp::verb::get, "/api/v1/experiments",
             [&control](const Exchange& ex, Respond respond) {
               if (!ex.query.empty())
                 return respond(problemResponse(ex.request, bhttp::status::bad_request,
                                                "/api/v1/experiments takes no parameters"));
               auto& xs = control.store().experiments();
               const int64_t now = control.clock().nowMs();
               nlohmann::json out = nlohmann::json::array();
               for (const auto& r : xs.listExperiments())
                 out.push_back(experiment::summaryJson(experiment::buildReport(xs, r, now)));

               respond(jsonResponse(ex.request, bhttp::status::ok, {{"experiments", out}}));
             });
  router.add(bhttp::verb::get, "/api/v1/experiments/{key}",
             [&control](const Exchange& ex, Respond respond) {
               auto& xs = control.store().experiments();
               const auto record = xs.experiment(ex.params.at("key"));
               if (!record) {
                 return respond(problemResponse(
                     ex.request, bhttp::status::not_found,
                     "no experiment has this key (percent-encode a '/' in it as %2F); GET "
                     "/api/v1/experiments lists them"));
               }
               respond(jsonResponse(ex.request, bhttp::status::ok,
                                    experiment::toJson(experiment::buildReport(
                                        xs, *record, control.clock().nowMs()))));
             });
}

}  // namespace herald::http
