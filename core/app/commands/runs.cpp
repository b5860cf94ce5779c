// `herald runs list` and `herald runs show ID`: what runs exist, and for one
// run the per-step counts, the journeys' state and why journeys failed.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "engine/report.hpp"
#include "util/clock.hpp"
#include "workflow/loader.hpp"

namespace herald::app {
namespace {

struct ListFlags {
  int limit = 50;
  bool json = false;
};

struct ShowFlags {
  int64_t id = 0;
  int failures = 1000;
  bool json = false;
};

int listRuns(AppContext& ctx, const ListFlags& flags) {
  const auto runs = ctx.store().listRuns(flags.limit);
  if (flags.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : runs) out.push_back(engine::toJson(r));
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  if (runs.empty()) {
    std::cout << "no runs yet; start one with 'herald run WORKFLOW.yaml'\n";
    return 0;
  }
  size_t wf_w = 8;
  for (const auto& r : runs) wf_w = std::max(wf_w, r.workflow.size());
  std::cout << fmt::format("{:>6}  {:<{}}  {:<12}  {:<8}  {:<20}  {:>8}\n", "id", "workflow", wf_w,
                           "revision", "status", "started", "enrolled");
  for (const auto& r : runs) {
    std::cout << fmt::format("{:>6}  {:<{}}  {:<12}  {:<8}  {:<20}  {:>8}{}\n", r.id, r.workflow,
                             wf_w, r.revision.substr(0, 12), store::toString(r.status),
                             formatIsoTime(r.started_ms), r.enrolled_count,
                             r.dry_run ? "  (dry run)" : "");
  }
  return 0;
}

struct FailureGroup {
  std::string step_id;
  std::string reason;
  int64_t count = 0;
  std::vector<int64_t> contacts;  // a few examples
};

// Failures (or refusals, `refused`) grouped by step and reason, the largest first.
std::vector<FailureGroup> groupFailures(const std::vector<store::JourneyFailure>& failures,
                                        bool refused) {
  std::vector<FailureGroup> groups;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const auto& f : failures) {
    if (f.refused != refused) continue;
    auto [it, added] = index.try_emplace({f.step_id, f.reason}, groups.size());
    if (added) groups.push_back({f.step_id, f.reason, 0, {}});
    FailureGroup& g = groups[it->second];
    ++g.count;
    if (g.contacts.size() < 5) g.contacts.push_back(f.contact_id);
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const FailureGroup& a, const FailureGroup& b) { return a.count > b.count; });
  return groups;
}

// `read`: how many failures and refusals were read when not all of them.
void printGroups(std::ostream& out, const std::string& title,
                 const std::vector<FailureGroup>& groups, std::optional<size_t> read) {
  if (groups.empty()) return;
  out << fmt::format("\n{}{}:\n", title,
                     read ? fmt::format(" (among the first {} read)", *read) : "");
  for (const auto& g : groups) {
    std::string examples;
    for (size_t i = 0; i < g.contacts.size(); ++i) {
      examples += (i ? ", " : "") + std::to_string(g.contacts[i]);
    }
    if (static_cast<size_t>(g.count) > g.contacts.size()) examples += ", ...";
    out << fmt::format("  {:>6} at '{}': {} (contacts {})\n", g.count, g.step_id, g.reason,
                       examples);
  }
}

int showRun(AppContext& ctx, const ShowFlags& flags) {
  store::Store& store = ctx.store();
  const auto run = store.runById(flags.id);
  if (!run) {
    std::cerr << "herald: error: there is no run " << flags.id
              << "; 'herald runs list' shows the runs\n";
    return 1;
  }
  if (flags.json) {
    std::cout << engine::runDetailsJson(store, *run, flags.failures).dump(2) << '\n';
    return 0;
  }
  const auto wf = engine::runRevisionWorkflow(store, *run);
  const auto rows = engine::buildStepRows(store.stepCounts(run->id), wf ? &*wf : nullptr);
  const auto summary = store.journeySummary(run->id);
  const auto failures = store.failures(run->id, flags.failures);
  const auto groups = groupFailures(failures, false);
  const auto refusals = groupFailures(failures, true);

  std::cout << fmt::format("run {} of '{}' (revision {}){}\n", run->id, run->workflow,
                           run->revision.substr(0, 12), run->dry_run ? " -- dry run" : "");
  std::cout << fmt::format("status: {}, trigger: {}, started {}, last update {}\n",
                           store::toString(run->status), run->trigger,
                           formatIsoTime(run->started_ms), formatIsoTime(run->updated_ms));
  std::cout << fmt::format("enrolled: {}\n\n", run->enrolled_count);
  engine::printStepTable(std::cout, rows);
  std::cout << '\n' << engine::describeJourneys(summary) << '\n';
  if (auto waiting = engine::describeWaiting(summary); !waiting.empty()) {
    std::cout << waiting << '\n';
  }
  std::optional<size_t> read;
  if (static_cast<int64_t>(failures.size()) < summary.failed + summary.refused)
    read = failures.size();
  printGroups(std::cout, "failures", groups, read);
  printGroups(std::cout, "journeys ended by a refused delivery", refusals, read);
  if (const auto refused = engine::refusalCounts(rows); !refused.empty()) {
    std::cout << "\nrefused by the delivery policy (not failures; 'herald sends list --state "
                 "refused' lists them):\n";
    for (const auto& r : refused)
      std::cout << fmt::format("  {:>6} at '{}': {}\n", r.count, r.step_id, r.decision);
  }
  if (const auto exits = store.exitCounts(run->id); !exits.empty()) {
    std::cout << "\nleft the workflow:\n";
    for (const auto& e : exits)
      std::cout << fmt::format("  {:>6} at '{}': {}\n", e.count, e.step_id, e.reason);
  }
  return 0;
}

}  // namespace

void addRunsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* runs = app.add_subcommand("runs", "List runs and show what happened in one");
  runs->require_subcommand(1);

  auto list_flags = std::make_shared<ListFlags>();
  CLI::App* list = runs->add_subcommand("list", "The latest runs, newest first");
  list->add_option("--limit", list_flags->limit, "Show at most N runs (default 50)")
      ->check(CLI::PositiveNumber);
  list->add_flag("--json", list_flags->json, "Print JSON");
  list->callback([&ctx, &exit_code, list_flags] { exit_code = listRuns(ctx, *list_flags); });

  auto show_flags = std::make_shared<ShowFlags>();
  CLI::App* show = runs->add_subcommand(
      "show", "Per-step counts, journeys and failures (with reasons) of a run");
  show->add_option("ID", show_flags->id, "The run id (see 'herald runs list')")->required();
  show->add_option("--failures", show_flags->failures,
                   "Read at most N failures (default 1000), grouped by step and reason")
      ->check(CLI::NonNegativeNumber);
  show->add_flag("--json", show_flags->json, "Print JSON");
  show->callback([&ctx, &exit_code, show_flags] { exit_code = showRun(ctx, *show_flags); });
}

}  // namespace herald::app
