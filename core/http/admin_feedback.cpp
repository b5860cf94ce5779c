// /api/v1/feedback/report: a feedback report as `herald feedback report
// --json` prints it (the same feedback::buildReport and toJson), one object
// per group for a chart. Segments come from the workflows folder's segments/.
#include <fmt/format.h>

#include <algorithm>

#include "feedback/report.hpp"
#include "feedback/report_json.hpp"
#include "feedback/segments.hpp"
#include "http/admin_routes.hpp"

namespace herald::http {

void addFeedbackRoutes(Router& router, daemon::Control& control) {
  router.add(bhttp::verb::get, "/api/v1/feedback/report",
             [&control](const Exchange& ex, Respond respond) {
               feedback::ReportOptions options;
               std::vector<std::string> segments;
               try {
                 for (const auto& [name, value] : ex.query) {
                   if (name == "survey") {
                     options.filter.survey = value;
                   } else if (name == "workflow") {
                     options.filter.workflow = value;
                   } else if (name == "since" || name == "until") {
                     (name == "since" ? options.filter.since_ms : options.filter.until_ms) =
                         feedback::parseReportTime(name, value);
                   } else if (name == "by") {
                     options.by = feedback::parseGrouping(value);
                   } else if (name == "segment") {
                     // The query is a map: several segments come comma-separated.
                     for (size_t start = 0; start <= value.size();) {
                       const size_t comma = std::min(value.find(',', start), value.size());
                       if (comma > start) segments.push_back(value.substr(start, comma - start));
                       start = comma + 1;
                     }
                   } else {
                     throw feedback::BadParameter(
                         name,
                         "not a parameter; the parameters are survey, workflow, since, "
                         "until, by, segment");
                   }
                 }
                 if (options.by == feedback::Grouping::kSegment) {
                   options.segments = feedback::resolveSegments(
                       control.store(), (control.config().workflows_dir / "segments").string(),
                       segments, control.clock().nowMs());
                 } else if (!segments.empty()) {
                   throw feedback::BadParameter("segment", "segment needs by=segment");
                 }
               } catch (const feedback::BadParameter& e) {
                 return respond(problemResponse(ex.request, bhttp::status::bad_request,
                                                fmt::format("{}: {}", e.parameter, e.what())));
               }
               const auto report = feedback::buildReport(control.store(), options);
               respond(jsonResponse(ex.request, bhttp::status::ok, feedback::toJson(report)));
             });
}

}  // namespace herald::http
