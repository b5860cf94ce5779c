#pragma once
// A feedback report as JSON, shaped for a chart: one object per group.
// `herald feedback report --json` and GET /api/v1/feedback/report print it.
#include <nlohmann/json.hpp>

#include "feedback/report.hpp"

namespace herald::feedback {

nlohmann::json toJson(const Report& report);

}  // namespace herald::feedback
