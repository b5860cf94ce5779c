#pragma once
// A feedback report: NPS, CSAT and the response rate of survey answers, per
// group (variant, segment, month, week, step or workflow), each group after
// the first with its NPS difference from the first, and the detractors'
// comments. The figures come from stats/nps.hpp; this file only counts.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "stats/nps.hpp"
#include "store/store.hpp"

namespace herald::feedback {

// A report option a user got wrong: `parameter` names it ("by", "since",
// "segment"...) so the CLI and the admin API can say which.
class BadParameter : public std::invalid_argument {
 public:
  BadParameter(std::string name, const std::string& message)
      : std::invalid_argument(message), parameter(std::move(name)) {}
  std::string parameter;
};

enum class Grouping { kNone, kVariant, kSegment, kMonth, kWeek, kStep, kWorkflow };

// "variant", "segment", "month", "week", "step", "workflow" ("" is kNone);
// throws BadParameter("by", ...) listing the valid ones.
Grouping parseGrouping(const std::string& text);
std::string toString(Grouping g);
// An ISO date or time (see parseIsoTime); throws BadParameter(parameter, ...).
int64_t parseReportTime(const std::string& parameter, const std::string& text);

// A named segment's contacts now (kSegment groups, in the order given).
struct SegmentMembers {
  std::string name;
  std::vector<int64_t> contact_ids;  // ascending
};

struct ReportOptions {
  store::SurveyResponseFilter filter;
  Grouping by = Grouping::kNone;
  std::vector<SegmentMembers> segments;  // kSegment only
  double confidence = 0.95;
  size_t max_comments = 20;
};

struct Group {
  std::string name;
  int64_t n = 0;  // answers kept, both scales
  int64_t promoters = 0, passives = 0, detractors = 0;
  stats::Nps nps;  // over the "nps" answers; undefined when none
  int64_t satisfied = 0;
  stats::Csat csat;  // over the "csat" answers; undefined when none
  // Messages the asking steps sent and the rate n / sent: only when the
  // groups split the sends (no grouping, by step, by workflow).
  std::optional<int64_t> sent;
  std::optional<double> response_rate;
  std::optional<stats::Nps> nps_vs_first;  // this.nps - first.nps
};

struct Comment {
  int64_t at_ms = 0;
  std::string contact;  // external id ("#<id>" when it has none)
  int64_t score = 0;
  std::string survey;
  std::string variant;
  std::string comment;
};

struct Report {
  ReportOptions options;
  int64_t responses = 0;  // kept
  int64_t replaced = 0;
  int64_t invalid = 0;
  std::vector<Group> groups;
  std::vector<Comment> detractor_comments;  // newest first, at most max_comments
  int64_t comments_left_out = 0;
  std::string note;  // why the report is empty, when it is
};

Report buildReport(store::Store& store, const ReportOptions& options);

}  // namespace herald::feedback
