#pragma once
// Per-step counts of a run as people and machines read them: shared by
// `herald run`, `herald runs show` and (later) the admin API.
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "store/records.hpp"
#include "store/store.hpp"
#include "workflow/model.hpp"

namespace herald::engine {

struct StepRow {
  std::string id;
  std::string type;       // empty when the workflow revision is not at hand
  int64_t entered = 0;    // journeys that passed the step (retries not counted again)
  int64_t continued = 0;  // went on to the next step (or finished the workflow there)
  std::map<std::string, int64_t> branches;  // took branch LABEL
  int64_t waiting = 0;                      // sent waiting by the step and still waiting
  int64_t exited = 0;
  int64_t failed = 0;
  int64_t refused = 0;  // delivery refused by policy (consent, address, suppression, cap, ...)
  std::map<std::string, int64_t> refused_by;  // ... by the policy's decision ("capped": 3)
  int64_t retries = 0;                        // failed attempts that were retried
  int64_t deferred = 0;  // deliveries put off by quiet hours (a journey may be put off again)
};

// Rows in workflow order (every step, counted or not) when `workflow` is
// given, else in the order the counts come.
std::vector<StepRow> buildStepRows(const std::vector<store::StepCount>& counts,
                                   const workflow::Workflow* workflow);

// A fixed-width table with one line per branch under its step.
void printStepTable(std::ostream& out, const std::vector<StepRow>& rows);

nlohmann::json toJson(const std::vector<StepRow>& rows);
nlohmann::json toJson(const store::Run& run);
nlohmann::json toJson(const store::JourneySummary& summary);

// The workflow as it was in the run's revision (step order and types), read
// back from the stored file text; nullopt when it is not stored.
std::optional<workflow::Workflow> runRevisionWorkflow(store::Store& store, const store::Run& run);

// `herald runs show --json` and GET /api/v1/runs/{id}: the run, its steps
// (in the order of its stored revision when that parses), its journeys and
// up to `failure_limit` failures.
nlohmann::json runDetailsJson(store::Store& store, const store::Run& run, int failure_limit);

// Template variables that rendered empty with no default (lenient mode), one
// line per step and variable in step order:
// "welcome-email: {{ contact.first_name }} was empty for 41 contacts (add | default: \"...\")".
std::vector<std::string> describeUndefined(const workflow::Workflow& workflow,
                                           const std::map<std::string, StepActivity>& activity);
nlohmann::json undefinedToJson(const workflow::Workflow& workflow,
                               const std::map<std::string, StepActivity>& activity);

// Refused deliveries by step and decision, the most first, from the step
// counts ("refused:<decision>"; older runs stored plain "refused").
struct RefusalCount {
  std::string step_id;
  std::string decision;
  int64_t count = 0;
};
std::vector<RefusalCount> refusalCounts(const std::vector<StepRow>& rows);
nlohmann::json toJson(const std::vector<store::ExitCount>& exits);

// One send-ledger row as `herald sends list|show --json` and GET
// /api/v1/sends print it.
nlohmann::json toJson(const store::LedgerEntry& entry);
// The ledger states by name, for --state / ?state= and their errors:
// "queued, sending, sent, failed, refused, deferred, unknown, skipped".
std::string ledgerStateNames();

// "journeys: 3 done, 0 exited, 1 failed, 2 refused by policy, 0 active, 0 waiting":
// how the run's journeys stand (refusals apart from failures).
std::string describeJourneys(const store::JourneySummary& summary);

// "2 journeys waiting, the first wakes at 2026-11-23T09:00:00Z" and the like;
// empty when nothing waits.
std::string describeWaiting(const store::JourneySummary& summary);

}  // namespace herald::engine
