#include "experiment/decision.hpp"

#include <fmt/format.h>

#include "experiment/report.hpp"

namespace herald::experiment {

std::vector<store::VariantStop> enforceGuardrails(store::ExperimentStore& store, const Spec& spec,
                                                  const store::ExperimentRecord& record,
                                                  int64_t now_ms) {
  std::vector<store::VariantStop> made;
  if (spec.guardrails.empty()) return made;
  const Report report = buildReport(store, record, now_ms);
  for (const auto& arm : report.arms) {
    if (arm.control || arm.holdout || arm.stopped) continue;
    for (const auto& g : arm.guardrails) {
      if (!g.breached) continue;
      const auto& control = report.arms.front().guardrails;
      double control_rate = 0;
      for (const auto& c : control)
        if (c.event == g.event) control_rate = c.rate;
      store::VariantStop stop{
          arm.name,
          fmt::format("guardrail '{}': {:.2f}% against the control's {:.2f}% (the 95% confidence "
                      "sequence of the difference is above 0)",
                      g.event, g.rate * 100, control_rate * 100),
          now_ms};
      store.stopVariant(record.key, stop);
      made.push_back(std::move(stop));
      break;
    }
  }
  return made;
}

store::ExperimentDecision decideNow(store::ExperimentStore& store, const Spec& spec,
                                    const store::ExperimentRecord& record, int64_t now_ms) {
  if (auto stored = store.decision(record.key)) return *stored;
  enforceGuardrails(store, spec, record, now_ms);
  const Report report = buildReport(store, record, now_ms);
  store::ExperimentDecision d;
  d.key = record.key;
  d.decided_ms = now_ms;
  if (report.winner >= 0) {
    d.outcome = "winner";
    d.variant = report.arms[report.winner].name;
  } else {
    d.outcome = "no_winner";
    const NoWinner policy = spec.rollout ? spec.rollout->if_no_winner : NoWinner::kControl;
    if (policy == NoWinner::kControl) {
      d.variant = spec.variants.front().name;
    } else if (policy == NoWinner::kBest) {
      // The best observed among the variants still running.
      int best = 0;
      for (size_t i = 1; i < spec.variants.size(); ++i) {
        const ArmReport& arm = report.arms[i];
        if (!arm.stopped && arm.goal.rate > report.arms[best].goal.rate) best = static_cast<int>(i);
      }
      d.variant = report.arms[best].name;
    }
  }
  nlohmann::json figures = toJson(report);
  figures["decision_rule_reason"] = report.verdict.reason;
  d.figures = figures.dump();
  return store.recordDecision(d);
}

}  // namespace herald::experiment
