#include "segment/rule.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace herald::segment {
namespace {

const std::array<std::pair<Op, const char*>, 20> kOps = {{
    {Op::kEquals, "equals"},
    {Op::kNotEquals, "not_equals"},
    {Op::kLess, "less_than"},
    {Op::kLessEq, "at_most"},
    {Op::kGreater, "greater_than"},
    {Op::kGreaterEq, "at_least"},
    {Op::kBetween, "between"},
    {Op::kIn, "in"},
    {Op::kNotIn, "not_in"},
    {Op::kExists, "exists"},
    {Op::kStartsWith, "starts_with"},
    {Op::kContains, "contains"},
    {Op::kOlderThan, "older_than"},
    {Op::kWithin, "within"},
    {Op::kBefore, "before"},
    {Op::kAfter, "after"},
    {Op::kHas, "has"},
    {Op::kHasAny, "has_any"},
    {Op::kHasAll, "has_all"},
    {Op::kHasNone, "has_none"},
}};

}  // namespace

const char* opName(Op op) {
  for (const auto& [o, name] : kOps)
    if (o == op) return name;
  return "?";
}

std::optional<Op> opFromName(const std::string& name) {
  for (const auto& [o, n] : kOps)
    if (name == n) return o;
  return std::nullopt;
}

const std::vector<std::string>& rfmSegmentNames() {
  static const std::vector<std::string> kNames = {"champions",
                                                  "loyal",
                                                  "potential_loyalists",
                                                  "new",
                                                  "promising",
                                                  "need_attention",
                                                  "about_to_sleep",
                                                  "at_risk",
                                                  "cannot_lose",
                                                  "hibernating",
                                                  "lost"};
  return kNames;
}

const std::string& rfmSegmentOf(int r, int f, int m) {
  // Indexes into rfmSegmentNames().
  enum : int {
    kChampions,
    kLoyal,
    kPotential,
    kNew,
    kPromising,
    kNeedAttention,
    kAboutToSleep,
    kAtRisk,
    kCannotLose,
    kHibernating,
    kLost
  };
  // Rows: R = 5..1; columns: FM = 1..5, FM = (F + M + 1) / 2 (docs/workflows.md).
  static const int kGrid[5][5] = {
      {kNew, kPotential, kPotential, kChampions, kChampions},          // R=5
      {kPromising, kPotential, kPotential, kLoyal, kLoyal},            // R=4
      {kAboutToSleep, kAboutToSleep, kNeedAttention, kLoyal, kLoyal},  // R=3
      {kHibernating, kHibernating, kAtRisk, kAtRisk, kCannotLose},     // R=2
      {kLost, kLost, kAtRisk, kAtRisk, kCannotLose},                   // R=1
  };
  const auto clamp = [](int v) { return std::clamp(v, 1, 5); };
  const int fm = (clamp(f) + clamp(m) + 1) / 2;
  return rfmSegmentNames()[static_cast<size_t>(kGrid[5 - clamp(r)][fm - 1])];
}

}  // namespace herald::segment
