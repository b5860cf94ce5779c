#include "feedback/report_json.hpp"

#include "util/clock.hpp"

namespace herald::feedback {
namespace {

// NaN (an undefined figure) is not JSON: null instead.
nlohmann::json number(bool defined, double v) {
  return defined ? nlohmann::json(v) : nlohmann::json();
}

nlohmann::json npsJson(const stats::Nps& n) {
  return {{"score", number(n.defined, n.score)},
          {"low", number(n.defined, n.ci.low)},
          {"high", number(n.defined, n.ci.high)}};
}

nlohmann::json optTime(const std::optional<int64_t>& ms) {
  return ms ? nlohmann::json(formatIsoTime(*ms)) : nlohmann::json();
}

}  // namespace

nlohmann::json toJson(const Report& r) {
  const auto& o = r.options;
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups) {
    nlohmann::json nps = npsJson(g.nps);
    nps["n"] = g.nps.n;
    nps["promoters"] = g.promoters;
    nps["passives"] = g.passives;
    nps["detractors"] = g.detractors;
    groups.push_back(
        {{"group", g.name},
         {"n", g.n},
         {"nps", nps},
         {"csat",
          {{"n", g.csat.n},
           {"satisfied", g.satisfied},
           {"percent", number(g.csat.defined, g.csat.percent)},
           {"low", number(g.csat.defined, g.csat.ci.low)},
           {"high", number(g.csat.defined, g.csat.ci.high)}}},
         {"sent", g.sent ? nlohmann::json(*g.sent) : nlohmann::json()},
         {"response_rate", g.response_rate ? nlohmann::json(*g.response_rate) : nlohmann::json()},
         {"nps_difference", g.nps_vs_first ? npsJson(*g.nps_vs_first) : nlohmann::json()}});
  }
  nlohmann::json comments = nlohmann::json::array();
  for (const auto& c : r.detractor_comments) {
    comments.push_back({{"at", formatIsoTime(c.at_ms)},
                        {"contact", c.contact},
                        {"score", c.score},
                        {"survey", c.survey},
                        {"variant", c.variant},
                        {"comment", c.comment}});
  }
  nlohmann::json out = {
      {"survey", o.filter.survey},
      {"workflow", o.filter.workflow},
      {"since", optTime(o.filter.since_ms)},
      {"until", optTime(o.filter.until_ms)},
      {"by", toString(o.by)},
      {"confidence", o.confidence},
      {"responses", r.responses},
      {"replaced", r.replaced},
      {"invalid", r.invalid},
      {"groups", groups},
      {"difference_from", r.groups.empty() ? nlohmann::json() : nlohmann::json(r.groups[0].name)},
      {"detractor_comments", comments},
      {"comments_left_out", r.comments_left_out},
  };
  if (!r.note.empty()) out["note"] = r.note;
  return out;
}

}  // namespace herald::feedback
