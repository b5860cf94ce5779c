#include "http/admin_routes.hpp"

#include <fmt/format.h>

#include "http/json_body.hpp"

namespace herald::http {

void addAdminRoutes(Router& router, daemon::Control& control, HttpMetrics& metrics) {
  addEventRoutes(router, control, metrics);
  addContactRoutes(router, control, metrics);
  addWorkflowRoutes(router, control, metrics);
  addRunRoutes(router, control, metrics);
  addSendRoutes(router, control);
  addExperimentRoutes(router, control);
  addObserveRoutes(router, control);
}

std::optional<nlohmann::json> jsonBodyOrRefuse(const Exchange& ex, const Respond& respond,
                                               HttpMetrics& metrics) {
  auto parsed = parseJsonBody(std::string_view(ex.request.body()));
  if (!parsed.value) {
    metrics.refusal("invalid_body");
    respond(problemResponse(ex.request, bhttp::status::bad_request, parsed.error,
                            {{"", parsed.error}}));
    return std::nullopt;
  }
  return std::move(parsed.value);
}

Response invalidBody(const Request& req, HttpMetrics& metrics, std::vector<FieldError> errors) {
  metrics.refusal("invalid_body");
  // A batch of bad events would list thousands; the first ones show the way.
  constexpr size_t kShown = 50;
  const size_t total = errors.size();
  if (errors.size() > kShown) errors.resize(kShown);
  std::string detail =
      total == 1 ? "1 field is not valid"
                 : fmt::format("{} fields are not valid{}", total,
                               total > kShown ? fmt::format(" (the first {} are listed)", kShown)
                                              : std::string());
  // One problem: the detail says it, after its field when it has one (a
  // pointer "" is the whole body: no prefix).
  if (total == 1)
    detail =
        errors[0].pointer.empty() ? errors[0].detail : errors[0].pointer + ": " + errors[0].detail;
  return problemResponse(req, bhttp::status::unprocessable_entity, detail, errors);
}

std::optional<int64_t> wholeNumberParam(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(text);
}

}  // namespace herald::http
