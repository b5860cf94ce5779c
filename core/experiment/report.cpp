#include "experiment/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/holm.hpp"
#include "stats/mean.hpp"
#include "stats/sequential.hpp"
#include "stats/srm.hpp"
#include "util/clock.hpp"

namespace herald::experiment {
namespace {

using store::ExperimentPhase;

constexpr double kConfidence = 0.95;
constexpr double kGuardrailAlpha = 0.05;

bool randomized(ExperimentPhase p) {
  return p == ExperimentPhase::kSplit || p == ExperimentPhase::kTest ||
         p == ExperimentPhase::kHoldout;
}

store::GoalQuery queryFor(const Goal& goal, const std::string& workflow) {
  store::GoalQuery q;
  q.event_type = goal.event;
  q.window_ms = goal.window_ms;
  q.value_property = goal.value;
  q.skip_machine = goal.skipsMachines();
  q.workflow = workflow;
  return q;
}

stats::Rule ruleOf(const Spec& spec) {
  stats::Rule rule;
  if (spec.rollout) {
    rule.kind = spec.rollout->rule == RuleKind::kBayesian ? stats::Rule::Kind::kBayesian
                                                          : stats::Rule::Kind::kSequential;
    rule.alpha = spec.rollout->alpha;
    rule.threshold = spec.rollout->threshold;
    rule.min_sample = spec.rollout->min_sample;
  }
  return rule;
}

// The statistics arm of one report arm: values 0/1 for conversions.
stats::Arm armOf(const GoalFigures& g, bool value, double sum_sq) {
  stats::Arm a;
  a.n = g.n;
  a.sum = value ? g.value_sum : static_cast<double>(g.conversions);
  a.sum_sq = value ? sum_sq : static_cast<double>(g.conversions);
  return a;
}

}  // namespace

Report buildReport(store::ExperimentStore& store, const store::ExperimentRecord& record,
                   int64_t now_ms) {
  Report r;
  r.record = record;
  r.now_ms = now_ms;
  nlohmann::json with = nlohmann::json::parse(record.spec, nullptr, false);
  if (with.is_discarded() || !with.is_object())
    throw std::runtime_error("experiment '" + record.key + "': its stored definition is not JSON");
  std::vector<Problem> problems;
  r.spec = parseSpec(with, record.key, problems);
  const Spec& spec = r.spec;
  r.decision = store.decision(record.key);
  if (spec.rollout) r.decide_at = record.created_ms + spec.rollout->decide_after_ms;
  const bool value = spec.goal.isValue();

  // Arms: the variants, then the holdout.
  const double total_weight = [&] {
    double t = 0;
    for (const auto& v : spec.variants) t += v.weight;
    return t;
  }();
  const double test_share = spec.rollout ? spec.rollout->test_share : 1.0;
  for (const auto& v : spec.variants) {
    ArmReport arm;
    arm.name = v.name;
    arm.expected_share = (1 - spec.holdout) * test_share * v.weight / total_weight;
    r.arms.push_back(std::move(arm));
  }
  r.arms.front().control = true;
  if (spec.holdout > 0) {
    ArmReport arm;
    arm.name = kHoldout;
    arm.holdout = true;
    arm.expected_share = spec.holdout;
    r.arms.push_back(std::move(arm));
  }
  auto armIndex = [&](const std::string& name) -> int {
    for (size_t i = 0; i < r.arms.size(); ++i)
      if (r.arms[i].name == name) return static_cast<int>(i);
    return -1;
  };
  for (const auto& stop : store.stoppedVariants(record.key)) {
    if (int i = armIndex(stop.variant); i >= 0) {
      r.arms[i].stopped = true;
      r.arms[i].stop_reason = stop.reason;
    }
  }

  // Every count in one pass over the assignments: [0] the goal, [1 + i]
  // guardrail i (which need no `sent`: no workflow).
  std::vector<store::GoalQuery> queries{queryFor(spec.goal, record.workflow)};
  for (const auto& guard : spec.guardrails) queries.push_back(queryFor(guard, ""));
  const auto counts = store.goalCountsBatch(record.key, queries);

  // The primary goal's counts (randomized contacts only) and who got what.
  std::vector<double> sum_sq(r.arms.size(), 0);
  for (const auto& c : counts.at(0)) {
    if (c.phase == ExperimentPhase::kWaiting) {
      r.waiting += c.n;
      continue;
    }
    const int i = armIndex(c.variant);
    if (i < 0) continue;  // a variant a later revision removed
    ArmReport& arm = r.arms[i];
    arm.sent += c.sent;
    if (!randomized(c.phase)) {
      arm.rest += c.n;
      continue;
    }
    arm.assigned += c.n;
    arm.goal.n += c.n;
    arm.goal.conversions += c.conversions;
    arm.goal.value_sum += c.value_sum;
    sum_sq[i] += c.value_sum_sq;
  }

  // Rates, intervals, comparisons.
  std::vector<stats::Arm> arms;
  for (size_t i = 0; i < r.arms.size(); ++i)
    arms.push_back(armOf(r.arms[i].goal, value, sum_sq[i]));
  const stats::Arm& control = arms.front();
  const stats::Rule rule = ruleOf(spec);
  const auto goal_kind = value ? stats::GoalKind::kValue : stats::GoalKind::kConversion;
  const size_t treatments = spec.variants.size() - 1;
  std::vector<double> raw_p;
  for (size_t i = 0; i < r.arms.size(); ++i) {
    GoalFigures& g = r.arms[i].goal;
    const stats::Arm& a = arms[i];
    g.rate = a.n > 0 ? a.sum / static_cast<double>(a.n) : 0;
    g.ci = value ? stats::meanInterval(a, kConfidence)
                 : stats::wilsonInterval(g.conversions, g.n, kConfidence);
    if (i == 0) continue;
    const bool holdout = r.arms[i].holdout;
    // The holdout's row: the control against it.
    const stats::Arm& base = holdout ? arms[i] : control;
    const stats::Arm& test = holdout ? control : arms[i];
    g.vs_control = value ? stats::compareMeans(base, test, kConfidence)
                         : stats::compareConversions(base, test, kConfidence);
    g.bayes = value ? stats::normalChanceToBeat(base, test) : stats::betaChanceToBeat(base, test);
    if (!holdout) {
      const double diff = g.vs_control->abs_lift;
      g.sequential = stats::confidenceSequence(
          diff, stats::varianceOfDifference(goal_kind, base, test), base.n + test.n,
          rule.alpha / static_cast<double>(treatments), rule.tuning);
      raw_p.push_back(g.vs_control->p_value);
    }
  }
  const auto adjusted = stats::holm(raw_p);
  for (size_t i = 1, k = 0; i < r.arms.size() && k < adjusted.size(); ++i)
    if (!r.arms[i].holdout) r.arms[i].goal.p_adjusted = adjusted[k++];

  // Sample-ratio mismatch over the randomized arms.
  std::vector<int64_t> observed;
  std::vector<double> expected;
  int64_t randomized_total = 0;
  for (const auto& arm : r.arms) {
    observed.push_back(arm.assigned);
    expected.push_back(arm.expected_share);
    randomized_total += arm.assigned;
  }
  if (randomized_total > 0) {
    r.srm_p = stats::srmPValue(observed, expected);
    r.srm_mismatch = r.srm_p < kSrmAlpha;
  }

  // Guardrails: each treatment against the control.
  for (size_t k = 0; k < spec.guardrails.size(); ++k) {
    const Goal& guard = spec.guardrails[k];
    std::vector<stats::Arm> g(r.arms.size());
    for (const auto& c : counts.at(1 + k)) {
      const int i = armIndex(c.variant);
      if (i < 0 || !randomized(c.phase)) continue;
      g[i].n += c.n;
      g[i].sum += static_cast<double>(c.conversions);
      g[i].sum_sq += static_cast<double>(c.conversions);
    }
    for (size_t i = 0; i < r.arms.size(); ++i) {
      GuardrailFigures f;
      f.event = guard.event;
      f.count = static_cast<int64_t>(g[i].sum);
      f.rate = g[i].n > 0 ? g[i].sum / static_cast<double>(g[i].n) : 0;
      if (i > 0 && !r.arms[i].holdout) {
        f.sequential = stats::confidenceSequence(
            f.rate - (g[0].n ? g[0].sum / static_cast<double>(g[0].n) : 0),
            stats::varianceOfDifference(stats::GoalKind::kConversion, g[0], g[i]), g[0].n + g[i].n,
            kGuardrailAlpha / static_cast<double>(treatments), rule.tuning);
        f.breached =
            g[0].n >= rule.min_sample && g[i].n >= rule.min_sample && f.sequential->low > 0;
      }
      r.arms[i].guardrails.push_back(std::move(f));
    }
  }

  // The rule over the variants not stopped (the control always stays).
  std::vector<stats::Arm> live;
  std::vector<std::string> live_names;
  std::vector<size_t> live_index;
  for (size_t i = 0; i < spec.variants.size(); ++i) {
    if (i > 0 && r.arms[i].stopped) continue;
    live.push_back(arms[i]);
    live_names.push_back(r.arms[i].name);
    live_index.push_back(i);
  }
  if (live.size() >= 2) {
    r.verdict = stats::decide(rule, goal_kind, live, live_names);
    if (r.verdict.winner >= 0) r.winner = static_cast<int>(live_index[r.verdict.winner]);
  } else {
    r.verdict.reason = "every variant but the control is stopped";
  }

  // One sentence for people.
  if (r.decision) {
    r.status =
        r.decision->outcome == "winner"
            ? fmt::format("decided {}: the winner is '{}', sent to the rest",
                          formatIsoTime(r.decision->decided_ms), r.decision->variant)
            : fmt::format(
                  "decided {}: no winner; the rest got {}", formatIsoTime(r.decision->decided_ms),
                  r.decision->variant.empty() ? "nothing" : "'" + r.decision->variant + "'");
  } else if (spec.rollout) {
    r.status = fmt::format(
        "testing on {:.0f}% of the audience; the rule decides at {} ({})",
        spec.rollout->test_share * 100, formatIsoTime(r.decide_at),
        r.winner >= 0 ? "it would pick '" + r.arms[r.winner].name + "' now" : r.verdict.reason);
  } else {
    r.status = r.winner >= 0 ? "running; the rule picks '" + r.arms[r.winner].name + "' now"
                             : "running; " + r.verdict.reason;
  }
  if (r.srm_mismatch) {
    r.status += fmt::format(
        ". WARNING: sample ratio mismatch (p = {:.2g}): the split does not "
        "match the weights, so these figures are unreliable",
        r.srm_p);
  }
  return r;
}

namespace {

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json interval(const stats::Interval& i) {
  return {{"low", number(i.low)}, {"high", number(i.high)}};
}

}  // namespace

nlohmann::json summaryJson(const Report& r) {
  return {{"key", r.record.key},
          {"workflow", r.record.workflow},
          {"step", r.record.step},
          {"started", formatIsoTime(r.record.created_ms)},
          {"status", r.status}};
}

nlohmann::json toJson(const Report& r) {
  nlohmann::json arms = nlohmann::json::array();
  for (const auto& a : r.arms) {
    nlohmann::json goal = {{"n", a.goal.n},
                           {"conversions", a.goal.conversions},
                           {"value_sum", number(a.goal.value_sum)},
                           {"rate", number(a.goal.rate)},
                           {"ci", interval(a.goal.ci)}};
    if (a.goal.vs_control) {
      const auto& c = *a.goal.vs_control;
      goal["lift"] = {{"absolute", number(c.abs_lift)},
                      {"absolute_ci", interval(c.abs_ci)},
                      {"relative", c.rel_defined ? number(c.rel_lift) : nullptr},
                      {"relative_ci", c.rel_defined ? interval(c.rel_ci) : nullptr},
                      {"against", a.holdout ? "holdout" : "control"}};
      goal["p_value"] = number(c.p_value);
    }
    if (a.goal.p_adjusted) goal["p_value_holm"] = number(*a.goal.p_adjusted);
    if (a.goal.bayes) {
      goal["chance_to_beat_control"] = number(a.goal.bayes->chance_to_beat);
      goal["expected_loss"] = number(a.goal.bayes->loss_variant);
    }
    if (a.goal.sequential) goal["sequential_ci"] = interval(*a.goal.sequential);
    nlohmann::json guards = nlohmann::json::array();
    for (const auto& g : a.guardrails) {
      nlohmann::json j = {{"event", g.event},
                          {"count", g.count},
                          {"rate", number(g.rate)},
                          {"breached", g.breached}};
      if (g.sequential) j["sequential_ci"] = interval(*g.sequential);
      guards.push_back(std::move(j));
    }
    arms.push_back({{"name", a.name},
                    {"control", a.control},
                    {"holdout", a.holdout},
                    {"stopped", a.stopped},
                    {"stop_reason", a.stop_reason},
                    {"expected_share", number(a.expected_share)},
                    {"assigned", a.assigned},
                    {"sent", a.sent},
                    {"rest", a.rest},
                    {"goal", std::move(goal)},
                    {"guardrails", std::move(guards)}});
  }
  const Spec& s = r.spec;
  nlohmann::json out = {
      {"key", r.record.key},
      {"workflow", r.record.workflow},
      {"revision", r.record.revision},
      {"step", r.record.step},
      {"started", formatIsoTime(r.record.created_ms)},
      {"goal",
       {{"event", s.goal.event},
        {"within", s.goal.window_ms},
        {"value", s.goal.value ? nlohmann::json(*s.goal.value) : nlohmann::json(nullptr)},
        {"kind", s.goal.isValue() ? "value" : "conversion"},
        {"description", s.goal.describe()}}},
      {"arms", std::move(arms)},
      {"waiting", r.waiting},
      {"srm", {{"p_value", number(r.srm_p)}, {"mismatch", r.srm_mismatch}, {"alpha", kSrmAlpha}}},
      {"verdict",
       {{"winner", r.winner >= 0 ? nlohmann::json(r.arms[r.winner].name) : nlohmann::json(nullptr)},
        {"ready", r.verdict.ready},
        {"reason", r.verdict.reason}}},
      {"status", r.status}};
  if (s.rollout) {
    out["rule"] = {{"kind", toString(s.rollout->rule)},
                   {"alpha", s.rollout->alpha},
                   {"threshold", s.rollout->threshold},
                   {"min_sample", s.rollout->min_sample},
                   {"test_share", s.rollout->test_share},
                   {"decide_at", formatIsoTime(r.decide_at)},
                   {"if_no_winner", toString(s.rollout->if_no_winner)}};
  }
  if (r.decision) {
    out["decision"] = {{"outcome", r.decision->outcome},
                       {"variant", r.decision->variant},
                       {"decided", formatIsoTime(r.decision->decided_ms)}};
  }
  return out;
}

}  // namespace herald::experiment
