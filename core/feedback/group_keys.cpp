#include "feedback/group_keys.hpp"

#include <date/date.h>
#include <date/iso_week.h>
#include <fmt/format.h>

#include <chrono>

namespace herald::feedback {
namespace {

date::sys_days dayOf(int64_t at_ms) {
  return date::floor<date::days>(
      date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(at_ms)));
}

}  // namespace

std::string monthOf(int64_t at_ms) {
  const date::year_month_day ymd(dayOf(at_ms));
  return fmt::format("{:04}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()));
}

std::string weekOf(int64_t at_ms) {
  const iso_week::year_weeknum_weekday w(dayOf(at_ms));
  return fmt::format("{:04}-W{:02}", static_cast<int>(w.year()),
                     static_cast<unsigned>(w.weeknum()));
}

std::string groupKey(Grouping by, const store::SurveyResponse& r) {
  switch (by) {
    case Grouping::kVariant:
      return r.variant.empty() ? "(none)" : r.variant;
    case Grouping::kMonth:
      return monthOf(r.at_ms);
    case Grouping::kWeek:
      return weekOf(r.at_ms);
    case Grouping::kStep:
      return r.workflow + "/" + r.step;
    case Grouping::kWorkflow:
      return r.workflow;
    case Grouping::kNone:
    case Grouping::kSegment:
      break;
  }
  return "all";
}

}  // namespace herald::feedback
