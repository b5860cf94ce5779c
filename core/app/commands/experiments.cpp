// `herald experiments list` and `herald experiments show KEY`: every
// experiment the workflows ran, and one experiment's report (per variant:
// sent, exposed, conversions, rate, lift with intervals, raw and corrected
// p-values, chance to beat the control, guardrails, the sample-ratio check
// and the decision, or what it still needs).
#include "store/experiments.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "experiment/report.hpp"
#include "util/clock.hpp"

namespace herald::app {
namespace {

struct ListFlags {
  bool json = false;
};

struct ShowFlags {
  std::string key;
  bool json = false;
};

std::string percent(double v, int digits = 2) {
  if (!std::isfinite(v)) return "-";
  return fmt::format("{:.{}f}%", v * 100, digits);
}

std::string signedPercent(double v) {
  if (!std::isfinite(v)) return "-";
  return fmt::format("{:+.2f}%", v * 100);
}

std::string interval(const stats::Interval& i, bool as_percent) {
  if (!std::isfinite(i.low) || !std::isfinite(i.high)) return "-";
  if (as_percent) return fmt::format("[{:+.2f}%, {:+.2f}%]", i.low * 100, i.high * 100);
  return fmt::format("[{:+.4g}, {:+.4g}]", i.low, i.high);
}

std::string pValue(double p) {
  if (!std::isfinite(p)) return "-";
  return p < 0.0001 ? "<0.0001" : fmt::format("{:.4f}", p);
}

int listExperiments(AppContext& ctx, const ListFlags& flags) {
  auto& xs = ctx.store().experiments();
  const int64_t now = ctx.clock().nowMs();
  const auto records = xs.listExperiments();
  if (flags.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : records)
      out.push_back(experiment::summaryJson(experiment::buildReport(xs, r, now)));
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  if (records.empty()) {
    std::cout << "no experiments yet; a workflow's experiment step starts one when a run "
                 "reaches it\n";
    return 0;
  }
  for (const auto& r : records) {
    const auto report = experiment::buildReport(xs, r, now);
    std::cout << fmt::format("{}  (workflow {}, step {}, since {})\n  {}\n", r.key, r.workflow,
                             r.step, formatIsoTime(r.created_ms), report.status);
  }
  return 0;
}

void printReport(const experiment::Report& r) {
  const experiment::Spec& s = r.spec;
  const bool value = s.goal.isValue();
  std::cout << fmt::format("experiment {}\n", r.record.key);
  std::cout << fmt::format("  workflow {} (revision {}), step {}, since {}\n", r.record.workflow,
                           r.record.revision.substr(0, 12), r.record.step,
                           formatIsoTime(r.record.created_ms));
  std::cout << fmt::format("  goal: {}{}\n", s.goal.describe(),
                           s.goal.skipsMachines() ? " (machine opens and clicks left out)" : "");
  if (s.rollout) {
    const auto& t = *s.rollout;
    std::cout << fmt::format(
        "  rule: {} ({}), at least {} per arm; test share {}; decides at {}; if no winner: {}\n",
        experiment::toString(t.rule),
        t.rule == experiment::RuleKind::kBayesian
            ? fmt::format("chance to beat the control >= {}", percent(t.threshold, 0))
            : fmt::format("confidence sequences at alpha {}", t.alpha),
        t.min_sample, percent(t.test_share, 0), formatIsoTime(r.decide_at),
        experiment::toString(t.if_no_winner));
  }
  std::cout << fmt::format("  status: {}\n\n", r.status);

  std::cout << fmt::format(
      "{:<14} {:>9} {:>9} {:>11} {:>10}  {:<22} {:>10} {:>24} {:>9} {:>9} {:>8}\n", "variant",
      "assigned", "sent", value ? "total" : "conversions", value ? "mean" : "rate", "95% interval",
      "lift", "lift 95% interval", "p", "p (Holm)", "P(beat)");
  for (const auto& a : r.arms) {
    const auto& g = a.goal;
    std::string name = a.name + (a.control ? " *" : "") + (a.stopped ? " (stopped)" : "");
    std::string lift = "", lift_ci = "", p = "", p_holm = "", beat = "";
    if (g.vs_control) {
      const auto& c = *g.vs_control;
      lift = c.rel_defined ? signedPercent(c.rel_lift) : "-";
      lift_ci = c.rel_defined ? interval(c.rel_ci, true) : "-";
      p = pValue(c.p_value);
    }
    if (g.p_adjusted) p_holm = pValue(*g.p_adjusted);
    if (g.bayes) beat = percent(g.bayes->chance_to_beat, 1);
    const std::string measure = value ? fmt::format("{:.4g}", g.rate) : percent(g.rate);
    const std::string ci = value ? fmt::format("[{:.4g}, {:.4g}]", g.ci.low, g.ci.high)
                                 : fmt::format("[{}, {}]", percent(g.ci.low), percent(g.ci.high));
    std::cout << fmt::format(
        "{:<14} {:>9} {:>9} {:>11} {:>10}  {:<22} {:>10} {:>24} {:>9} {:>9} {:>8}\n", name,
        a.assigned, a.sent,
        value ? fmt::format("{:.2f}", g.value_sum) : std::to_string(g.conversions), measure, ci,
        lift, lift_ci, p, p_holm, beat);
  }
  std::cout << (s.holdout > 0 ? "  * control; lift is relative to the control (the holdout's "
                                "row: the control against the holdout)\n"
                              : "  * control; lift is relative to the control\n");
  for (const auto& a : r.arms) {
    if (a.rest > 0)
      std::cout << fmt::format("  {} also went to {} contacts after the test\n", a.name, a.rest);
    if (a.stopped) std::cout << fmt::format("  {} was stopped: {}\n", a.name, a.stop_reason);
  }
  if (r.waiting > 0) std::cout << fmt::format("  {} contacts wait for the decision\n", r.waiting);
  if (!s.guardrails.empty()) {
    std::cout << "\nguardrails (a variant significantly worse than the control is stopped):\n";
    for (size_t k = 0; k < s.guardrails.size(); ++k) {
      std::cout << fmt::format("  {:<12}", s.guardrails[k].event);
      for (const auto& a : r.arms) {
        if (k >= a.guardrails.size()) continue;
        const auto& g = a.guardrails[k];
        std::cout << fmt::format("  {} {}{}", a.name, percent(g.rate),
                                 g.breached ? " BREACHED" : "");
      }
      std::cout << '\n';
    }
  }
  std::cout << fmt::format("\nsample ratio: p = {} ({})\n", pValue(r.srm_p),
                           r.srm_mismatch ? "MISMATCH: the split does not match the weights; "
                                            "do not trust these figures"
                                          : "the split matches the weights");
  std::cout << fmt::format("rule now: {}\n", r.verdict.reason);
  if (r.decision) {
    std::cout << fmt::format(
        "decision ({}): {}{}\n", formatIsoTime(r.decision->decided_ms),
        r.decision->outcome == "winner" ? "winner " : "no winner; the rest got ",
        r.decision->variant.empty() ? "nothing" : "'" + r.decision->variant + "'");
  }
}

int showExperiment(AppContext& ctx, const ShowFlags& flags) {
  auto& xs = ctx.store().experiments();
  const auto record = xs.experiment(flags.key);
  if (!record) {
    std::cerr << "herald: error: no experiment has the key '" << flags.key
              << "'; 'herald experiments list' shows the keys\n";
    return 1;
  }
  const auto report = experiment::buildReport(xs, *record, ctx.clock().nowMs());
  if (flags.json) {
    std::cout << experiment::toJson(report).dump(2) << '\n';
    return 0;
  }
  printReport(report);
  return 0;
}

}  // namespace

void addExperimentsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* experiments = app.add_subcommand(
      "experiments", "A/B/n experiments: their variants, statistics and decisions");
  experiments->require_subcommand(1);

  auto list_flags = std::make_shared<ListFlags>();
  CLI::App* list = experiments->add_subcommand("list", "Every experiment, the newest first");
  list->add_flag("--json", list_flags->json, "Print JSON");
  list->callback([&ctx, &exit_code, list_flags] { exit_code = listExperiments(ctx, *list_flags); });

  auto show_flags = std::make_shared<ShowFlags>();
  CLI::App* show = experiments->add_subcommand("show", "One experiment's report, by its key");
  show->add_option("KEY", show_flags->key, "The experiment's key (see 'herald experiments list')")
      ->required();
  show->add_flag("--json", show_flags->json, "Print JSON (the admin API's shape)");
  show->callback([&ctx, &exit_code, show_flags] { exit_code = showExperiment(ctx, *show_flags); });
}

}  // namespace herald::app
