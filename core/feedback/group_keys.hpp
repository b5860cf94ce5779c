#pragma once
// The group an answer falls in, for the groupings that read it off the
// answer itself (segments are looked up separately).
#include <cstdint>
#include <string>

#include "feedback/report.hpp"

namespace herald::feedback {

// "2026-11" (UTC).
std::string monthOf(int64_t at_ms);
// ISO 8601 week, "2026-W47" (UTC, weeks start on Monday).
std::string weekOf(int64_t at_ms);
// kVariant: the variant or "(none)"; kStep: "workflow/step"; kNone: "all".
std::string groupKey(Grouping by, const store::SurveyResponse& r);

}  // namespace herald::feedback
