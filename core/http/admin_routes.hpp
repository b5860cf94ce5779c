#pragma once
// The admin listener's routes, one file per resource: each adds its routes
// to the router (docs/openapi.json describes them all; a test checks both
// agree). Handlers run on the io_context thread and call daemon::Control.
#include "daemon/control.hpp"
#include "http/http_metrics.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"

namespace herald::http {

void addEventRoutes(Router& router, daemon::Control& control,
                    HttpMetrics& metrics);  // admin_events.cpp
void addContactRoutes(Router& router, daemon::Control& control,
                      HttpMetrics& metrics);  // admin_contacts.cpp
void addWorkflowRoutes(Router& router, daemon::Control& control,
                       HttpMetrics& metrics);  // admin_workflows.cpp
void addRunRoutes(Router& router, daemon::Control& control,
                  HttpMetrics& metrics);                             // admin_runs.cpp
void addSendRoutes(Router& router, daemon::Control& control);        // admin_sends.cpp
void addExperimentRoutes(Router& router, daemon::Control& control);  // admin_experiments.cpp
// /metrics, /livez, /readyz, /api/v1/openapi.json (no token needed).
void addObserveRoutes(Router& router, daemon::Control& control);  // admin_observe.cpp

// All of the above: the admin listener's router.
void addAdminRoutes(Router& router, daemon::Control& control, HttpMetrics& metrics);

// A body that is not JSON (400) or not the JSON asked for (422), answered
// and counted as refusal "invalid_body"; nullopt then.
std::optional<nlohmann::json> jsonBodyOrRefuse(const Exchange& ex, const Respond& respond,
                                               HttpMetrics& metrics);
Response invalidBody(const Request& req, HttpMetrics& metrics, std::vector<FieldError> errors);

// A path or query value that must be a whole number (a run id, a limit):
// digits only, at most 18 of them; nullopt otherwise.
std::optional<int64_t> wholeNumberParam(const std::string& text);

}  // namespace herald::http
