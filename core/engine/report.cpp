#include "engine/report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/clock.hpp"
#include "workflow/builtins.hpp"
#include "workflow/loader.hpp"

namespace herald::engine {
namespace {

void add(StepRow& row, const std::string& outcome, int64_t count) {
  if (outcome == "retry") {
    row.retries += count;
    return;
  }
  if (outcome == "deferred") {
    row.deferred += count;  // not a pass: the journey is handed to the step again later
    return;
  }
  if (outcome == "waited") {
    // Journeys the step had sent waiting woke up: past a wait step they
    // have gone on; a plugin step that asked to wait is entered again
    // (and counted then).
    row.waiting -= count;
    if (row.type == workflow::kWaitStep)
      row.continued += count;
    else
      row.entered -= count;
    return;
  }
  row.entered += count;
  if (outcome == "continue" || outcome == "done") {
    row.continued += count;
  } else if (outcome.rfind("branch:", 0) == 0) {
    row.branches[outcome.substr(7)] += count;
  } else if (outcome == "wait") {
    row.waiting += count;
  } else if (outcome == "exit") {
    row.exited += count;
  } else if (outcome == "fail") {
    row.failed += count;
  } else if (outcome == "refused" || outcome.rfind("refused:", 0) == 0) {
    row.refused += count;
    row.refused_by[outcome.size() > 8 ? outcome.substr(8) : "refused"] += count;
  }
}

std::string plural(int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::vector<StepRow> buildStepRows(const std::vector<store::StepCount>& counts,
                                   const workflow::Workflow* workflow) {
  std::vector<StepRow> rows;
  auto rowFor = [&](const std::string& id) -> StepRow& {
    for (auto& r : rows)
      if (r.id == id) return r;
    rows.push_back(StepRow{});
    rows.back().id = id;
    return rows.back();
  };
  if (workflow) {
    for (const auto& s : workflow->steps) rowFor(s.id).type = s.uses;
  }
  for (const auto& c : counts) add(rowFor(c.step_id), c.outcome, c.count);
  return rows;
}

void printStepTable(std::ostream& out, const std::vector<StepRow>& rows) {
  size_t id_w = 4, type_w = 4;
  for (const auto& r : rows) {
    id_w = std::max(id_w, r.id.size());
    for (const auto& [label, n] : r.branches) id_w = std::max(id_w, label.size() + 4);
    type_w = std::max(type_w, r.type.size());
  }
  const bool any_retries =
      std::any_of(rows.begin(), rows.end(), [](const StepRow& r) { return r.retries > 0; });
  const bool any_refused =
      std::any_of(rows.begin(), rows.end(), [](const StepRow& r) { return r.refused > 0; });
  const bool any_deferred =
      std::any_of(rows.begin(), rows.end(), [](const StepRow& r) { return r.deferred > 0; });
  out << fmt::format("{:<{}}  {:<{}}  {:>8}  {:>9}  {:>7}  {:>6}  {:>6}", "step", id_w, "type",
                     type_w, "entered", "continued", "waiting", "exited", "failed");
  if (any_refused) out << fmt::format("  {:>7}", "refused");
  if (any_deferred) out << fmt::format("  {:>8}", "deferred");
  if (any_retries) out << fmt::format("  {:>7}", "retries");
  out << '\n';
  for (const auto& r : rows) {
    out << fmt::format("{:<{}}  {:<{}}  {:>8}  {:>9}  {:>7}  {:>6}  {:>6}", r.id, id_w, r.type,
                       type_w, r.entered, r.continued, r.waiting, r.exited, r.failed);
    if (any_refused) out << fmt::format("  {:>7}", r.refused);
    if (any_deferred) out << fmt::format("  {:>8}", r.deferred);
    if (any_retries) out << fmt::format("  {:>7}", r.retries);
    out << '\n';
    for (const auto& [label, n] : r.branches) {
      out << fmt::format("{:<{}}  {:<{}}  {:>8}  {:>9}\n", "  -> " + label, id_w, "", type_w, "",
                         n);
    }
  }
}

nlohmann::json toJson(const std::vector<StepRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    out.push_back({{"id", r.id},
                   {"type", r.type},
                   {"entered", r.entered},
                   {"continued", r.continued},
                   {"branches", r.branches},
                   {"waiting", r.waiting},
                   {"exited", r.exited},
                   {"failed", r.failed},
                   {"refused", r.refused},
                   {"refused_by", r.refused_by},
                   {"deferred", r.deferred},
                   {"retries", r.retries}});
  }
  return out;
}

nlohmann::json toJson(const store::Run& run) {
  return {{"id", run.id},
          {"workflow", run.workflow},
          {"revision", run.revision},
          {"trigger", run.trigger},
          {"dry_run", run.dry_run},
          {"status", store::toString(run.status)},
          {"enrolled", run.enrolled_count},
          {"started", formatIsoTime(run.started_ms)},
          {"updated", formatIsoTime(run.updated_ms)}};
}

nlohmann::json toJson(const store::JourneySummary& s) {
  nlohmann::json out = {{"active", s.active}, {"waiting", s.waiting}, {"done", s.done},
                        {"exited", s.exited}, {"failed", s.failed},   {"refused", s.refused}};
  out["next_wake"] = s.next_wake_ms ? nlohmann::json(formatIsoTime(*s.next_wake_ms)) : nullptr;
  return out;
}

std::vector<RefusalCount> refusalCounts(const std::vector<StepRow>& rows) {
  std::vector<RefusalCount> out;
  for (const auto& r : rows)
    for (const auto& [decision, n] : r.refused_by) out.push_back({r.id, decision, n});
  std::stable_sort(out.begin(), out.end(),
                   [](const RefusalCount& a, const RefusalCount& b) { return a.count > b.count; });
  return out;
}

nlohmann::json toJson(const std::vector<store::ExitCount>& exits) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : exits)
    out.push_back({{"step", e.step_id}, {"reason", e.reason}, {"count", e.count}});
  return out;
}

nlohmann::json toJson(const store::LedgerEntry& e) {
  return {{"key", e.key.text()},
          {"workflow", e.key.workflow},
          {"revision", e.key.revision},
          {"step", e.key.step_id},
          {"contact_id", e.key.contact_id},
          {"occurrence", e.key.occurrence},
          {"channel", e.channel},
          {"state", store::toString(e.status)},
          {"decision", e.decision},
          {"detail", e.detail},
          {"deferred_until", e.until_ms ? nlohmann::json(formatIsoTime(*e.until_ms)) : nullptr},
          {"transactional", e.transactional},
          {"run_id", e.run_id},
          {"created", formatIsoTime(e.created_ms)},
          {"updated", formatIsoTime(e.updated_ms)}};
}

std::string ledgerStateNames() {
  using S = store::LedgerStatus;
  std::string out;
  for (S s : {S::kQueued, S::kSending, S::kSent, S::kFailed, S::kRefused, S::kDeferred, S::kUnknown,
              S::kSkipped})
    out += (out.empty() ? "" : ", ") + std::string(store::toString(s));
  return out;
}

std::vector<std::string> describeUndefined(const workflow::Workflow& workflow,
                                           const std::map<std::string, StepActivity>& activity) {
  std::vector<std::string> out;
  for (const auto& step : workflow.steps) {
    auto it = activity.find(step.id);
    if (it == activity.end()) continue;
    for (const auto& [name, n] : it->second.undefined) {
      out.push_back(fmt::format("{}: {{{{ {} }}}} was empty for {} (add | default: \"...\")",
                                step.id, name, plural(n, "contact", "contacts")));
    }
  }
  return out;
}

nlohmann::json undefinedToJson(const workflow::Workflow& workflow,
                               const std::map<std::string, StepActivity>& activity) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& step : workflow.steps) {
    auto it = activity.find(step.id);
    if (it == activity.end()) continue;
    for (const auto& [name, n] : it->second.undefined)
      out.push_back({{"step", step.id}, {"variable", name}, {"contacts", n}});
  }
  return out;
}

std::string describeJourneys(const store::JourneySummary& s) {
  return fmt::format(
      "journeys: {} done, {} exited, {} failed, {} refused by policy, {} active, {} waiting",
      s.done, s.exited, s.failed, s.refused, s.active, s.waiting);
}

std::string describeWaiting(const store::JourneySummary& s) {
  const int64_t pending = s.waiting + s.active;
  if (pending == 0) return "";
  std::string text = plural(pending, "journey", "journeys") + (pending == 1 ? " waits" : " wait");
  if (s.active > 0 && s.waiting > 0) {
    text += fmt::format(" ({} for a retry)", s.active);
  } else if (s.active > 0) {
    text += " for a retry";
  }
  if (s.next_wake_ms) text += ", the first until " + formatIsoTime(*s.next_wake_ms);
  return text;
}

std::optional<workflow::Workflow> runRevisionWorkflow(store::Store& store, const store::Run& run) {
  const auto rev = store.workflowRevision(run.workflow, run.revision);
  if (!rev) return std::nullopt;
  Diagnostics ignored;
  return workflow::parseWorkflow(run.workflow + "@" + run.revision.substr(0, 12), rev->source,
                                 ignored);
}

nlohmann::json runDetailsJson(store::Store& store, const store::Run& run, int failure_limit) {
  const auto wf = runRevisionWorkflow(store, run);
  nlohmann::json out;
  out["run"] = toJson(run);
  out["steps"] = toJson(buildStepRows(store.stepCounts(run.id), wf ? &*wf : nullptr));
  out["journeys"] = toJson(store.journeySummary(run.id));
  // Refusals (the delivery policy said no) apart from failures.
  nlohmann::json fs = nlohmann::json::array(), rs = nlohmann::json::array();
  for (const auto& f : store.failures(run.id, failure_limit)) {
    (f.refused ? rs : fs)
        .push_back({{"journey_id", f.journey_id},
                    {"contact_id", f.contact_id},
                    {"step", f.step_id},
                    {"reason", f.reason},
                    {"at", formatIsoTime(f.at_ms)}});
  }
  out["failures"] = std::move(fs);
  out["refused"] = std::move(rs);  // journeys of older runs that a refusal ended
  out["exits"] = toJson(store.exitCounts(run.id));
  return out;
}

}  // namespace herald::engine
