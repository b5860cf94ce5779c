#include "feedback/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "feedback/group_keys.hpp"
#include "feedback/responses.hpp"
#include "util/clock.hpp"

namespace herald::feedback {
namespace {

constexpr std::pair<Grouping, const char*> kGroupings[] = {
    {Grouping::kVariant, "variant"}, {Grouping::kSegment, "segment"},
    {Grouping::kMonth, "month"},     {Grouping::kWeek, "week"},
    {Grouping::kStep, "step"},       {Grouping::kWorkflow, "workflow"},
};

struct Tally {
  Group group;
  std::set<std::pair<std::string, std::string>> asking_steps;  // (workflow, step)
};

void count(Tally& t, const store::SurveyResponse& r) {
  ++t.group.n;
  const int64_t s = *r.score;
  if (r.scale == "nps") {
    if (s >= 9) {
      ++t.group.promoters;
    } else if (s >= 7) {
      ++t.group.passives;
    } else {
      ++t.group.detractors;
    }
  } else if (s >= 4) {
    ++t.group.satisfied;
  }
  if (!r.workflow.empty() && !r.step.empty()) t.asking_steps.insert({r.workflow, r.step});
}

// Only these groupings split the messages sent: a variant or a segment is
// not recorded on the ledger row, and a month's answers may reply to the
// previous month's messages.
bool splitsSends(Grouping by) {
  return by == Grouping::kNone || by == Grouping::kStep || by == Grouping::kWorkflow;
}

std::vector<Tally> tally(const std::vector<store::SurveyResponse>& responses,
                         const ReportOptions& options) {
  std::vector<Tally> out;
  if (options.by == Grouping::kSegment) {
    for (const auto& seg : options.segments) {
      Tally t;
      t.group.name = seg.name;
      for (const auto& r : responses) {
        if (std::binary_search(seg.contact_ids.begin(), seg.contact_ids.end(), r.contact_id))
          count(t, r);
      }
      out.push_back(std::move(t));
    }
    return out;
  }
  std::map<std::string, Tally> by_key;  // sorted: months and weeks in time order
  for (const auto& r : responses) {
    const std::string key = groupKey(options.by, r);
    auto& t = by_key[key];
    t.group.name = key;
    count(t, r);
  }
  for (auto& [key, t] : by_key) out.push_back(std::move(t));
  // Answers without a variant go last: the first group is the one the
  // others are compared with, and that should be a variant.
  if (options.by == Grouping::kVariant && !out.empty() && out.front().group.name == "(none)")
    std::rotate(out.begin(), out.begin() + 1, out.end());
  return out;
}

std::string contactLabel(const store::SurveyResponse& r) {
  return r.contact_external_id.empty() ? fmt::format("#{}", r.contact_id) : r.contact_external_id;
}

}  // namespace

Grouping parseGrouping(const std::string& text) {
  if (text.empty()) return Grouping::kNone;
  std::string valid;
  for (const auto& [g, name] : kGroupings) {
    if (text == name) return g;
    valid += (valid.empty() ? "" : ", ") + std::string(name);
  }
  throw BadParameter("by", fmt::format("unknown grouping '{}': use one of {}", text, valid));
}

std::string toString(Grouping g) {
  for (const auto& [k, name] : kGroupings) {
    if (k == g) return name;
  }
  return "";
}

int64_t parseReportTime(const std::string& parameter, const std::string& text) {
  if (auto ms = parseIsoTime(text)) return *ms;
  throw BadParameter(
      parameter, fmt::format("'{}' is not a date: use 2026-11-01 or 2026-11-01T09:00:00Z", text));
}

Report buildReport(store::Store& store, const ReportOptions& options) {
  Report report;
  report.options = options;
  auto kept = keptResponses(store, options.filter);
  report.responses = static_cast<int64_t>(kept.responses.size());
  report.replaced = kept.replaced;
  report.invalid = kept.invalid;

  for (auto& t : tally(kept.responses, options)) {
    Group& g = t.group;
    g.nps = stats::nps(g.promoters, g.passives, g.detractors, options.confidence);
    const int64_t csat_n = g.n - g.promoters - g.passives - g.detractors;
    g.csat = stats::csat(g.satisfied, csat_n, options.confidence);
    if (splitsSends(options.by) && !t.asking_steps.empty()) {
      int64_t sent = 0;
      for (const auto& [workflow, step] : t.asking_steps) sent += store.sentByStep(workflow, step);
      g.sent = sent;
      if (sent > 0) g.response_rate = static_cast<double>(g.n) / static_cast<double>(sent);
    }
    if (!report.groups.empty()) {
      g.nps_vs_first = stats::npsDifference(report.groups.front().nps, g.nps, options.confidence);
    }
    report.groups.push_back(std::move(g));
  }

  for (auto it = kept.responses.rbegin(); it != kept.responses.rend(); ++it) {
    if (it->scale != "nps" || *it->score > 6 || it->comment.empty()) continue;
    if (report.detractor_comments.size() >= options.max_comments) {
      ++report.comments_left_out;
      continue;
    }
    report.detractor_comments.push_back(
        {it->at_ms, contactLabel(*it), *it->score, it->survey, it->variant, it->comment});
  }

  if (report.responses == 0) {
    report.note = options.filter.survey.empty()
                      ? "no survey answers match (no survey_response events with a valid score)"
                      : fmt::format("no answers to survey '{}' match", options.filter.survey);
  }
  return report;
}

}  // namespace herald::feedback
