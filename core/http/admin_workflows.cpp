// /api/v1/workflows: what the daemon serves (list, show), pause/resume of
// enrolment, and validation of a posted workflow text as `herald validate`.
#include <fmt/format.h>

#include "http/admin_routes.hpp"

namespace herald::http {
namespace {

std::vector<FieldError> diagnosticErrors(const Diagnostics& diags, Severity severity) {
  std::vector<FieldError> out;
  for (const auto& d : diags.items()) {
    if (d.severity != severity) continue;
    out.push_back({"", d.message, d.pos.line, d.pos.column});
  }
  return out;
}

void pauseRoute(Router& router, daemon::Control& control, const char* pattern, bool paused) {
  router.add(bhttp::verb::post, pattern, [&control, paused](const Exchange& ex, Respond respond) {
    const auto& name = ex.params.at("name");
    if (!control.setPaused(name, paused)) {
      return respond(problemResponse(ex.request, bhttp::status::not_found,
                                     fmt::format("no workflow '{}' is served; GET "
                                                 "/api/v1/workflows lists them",
                                                 name)));
    }
    respond(jsonResponse(ex.request, bhttp::status::ok, {{"workflow", name}, {"paused", paused}}));
  });
}

}  // namespace

void addWorkflowRoutes(Router& router, daemon::Control& control, HttpMetrics& metrics) {
  router.add(
      bhttp::verb::get, "/api/v1/workflows", [&control](const Exchange& ex, Respond respond) {
        respond(
            jsonResponse(ex.request, bhttp::status::ok, {{"workflows", control.listWorkflows()}}));
      });
  router.add(
      bhttp::verb::get, "/api/v1/workflows/{name}",
      [&control](const Exchange& ex, Respond respond) {
        const auto& name = ex.params.at("name");
        auto wf = control.showWorkflow(name);
        if (!wf) {
          return respond(problemResponse(
              ex.request, bhttp::status::not_found,
              fmt::format("no workflow '{}' is served; GET /api/v1/workflows lists them", name)));
        }
        respond(jsonResponse(ex.request, bhttp::status::ok, *wf));
      });
  pauseRoute(router, control, "/api/v1/workflows/{name}/pause", true);
  pauseRoute(router, control, "/api/v1/workflows/{name}/resume", false);
  // The body is the workflow's YAML text; nothing is stored or served.
  router.add(
      bhttp::verb::post, "/api/v1/workflows/{name}/validate",
      [&control, &metrics](const Exchange& ex, Respond respond) {
        const auto& name = ex.params.at("name");
        const auto diags = control.validateWorkflowText(name, ex.request.body());
        const auto warnings = diagnosticErrors(diags, Severity::kWarning);
        nlohmann::json warning_list = nlohmann::json::array();
        for (const auto& w : warnings) {
          warning_list.push_back({{"line", w.line}, {"column", w.column}, {"detail", w.detail}});
        }
        if (diags.hasErrors()) {
          auto errors = diagnosticErrors(diags, Severity::kError);
          metrics.refusal("invalid_body");
          auto res = problemResponse(
              ex.request, bhttp::status::unprocessable_entity,
              fmt::format("the workflow is not valid: {}", formatDiagnostic(diags.items()[0])),
              errors);
          return respond(std::move(res));
        }
        respond(jsonResponse(ex.request, bhttp::status::ok,
                             {{"valid", true}, {"warnings", warning_list}}));
      });
}

}  // namespace herald::http
