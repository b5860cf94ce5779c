// Experiments (migration 8): specs, sticky assignments, decisions, stopped
// variants, and the per-variant counts of a report.
#include "store/sqlite/experiments.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <memory>

#include "store/store.hpp"

namespace herald::store::sqlite {
namespace {

constexpr const char* kRecordColumns =
    "key, workflow, revision, step, spec, created_ms, updated_ms";

ExperimentRecord readRecord(const Query& q) {
  ExperimentRecord r;
  r.key = q.colText(0);
  r.workflow = q.colText(1);
  r.revision = q.colText(2);
  r.step = q.colText(3);
  r.spec = q.colText(4);
  r.created_ms = q.colInt(5);
  r.updated_ms = q.colInt(6);
  return r;
}

ExperimentPhase readPhase(const Query& q, int col) {
  const std::string text = q.colText(col);
  auto phase = experimentPhaseFromString(text);
  if (!phase) throw StoreError(fmt::format("experiment_assignments: unknown phase '{}'", text));
  return *phase;
}

// Columns after contact_id, as readAssignment expects them.
constexpr const char* kAssignmentColumns = "variant, phase, assigned_ms, exposed_ms, run_id";

ExperimentAssignment readAssignment(const Query& q, int64_t contact_id) {
  ExperimentAssignment a;
  a.contact_id = contact_id;
  a.variant = q.colText(0);
  a.phase = readPhase(q, 1);
  a.assigned_ms = q.colInt(2);
  a.exposed_ms = q.colInt(3);
  a.run_id = q.colInt(4);
  return a;
}

ExperimentDecision readDecision(const Query& q) {
  ExperimentDecision d;
  d.key = q.colText(0);
  d.decided_ms = q.colInt(1);
  d.outcome = q.colText(2);
  d.variant = q.colText(3);
  d.figures = q.colText(4);
  return d;
}

// A JSON path naming one property, quoted so any name is taken literally.
std::string propertyPath(const std::string& name) {
  std::string path = "$.\"";
  for (char c : name) {
    if (c == '"' || c == '\\') path += '\\';
    path += c;
  }
  return path + '"';
}

// Rows of one statement in contact order, read as a merge join reads them:
// the statement is "... WHERE <column> = ?1 AND contact_id >= ?2 AND <time>
// >= ?3 AND <time> < ?4 ORDER BY contact_id ..." with the contact id as
// column 0. The time range (every recipient's window together) is tested
// inside SQLite, so rows outside it never come out. skipTo() steps forward,
// and when the wanted contact is still far ahead it seeks (one index
// descent) instead: a small experiment among many events costs a probe per
// recipient, a large one a single pass over the index.
class ContactStream {
 public:
  ContactStream(Db& db, std::string_view sql, std::string filter, int64_t from_ms, int64_t until_ms)
      : stmt_(db.stmt(sql)), filter_(std::move(filter)), from_ms_(from_ms), until_ms_(until_ms) {}

  void seek(int64_t contact) {
    q_.reset();
    q_.emplace(stmt_);
    q_->bindText(1, filter_).bindInt(2, contact).bindInt(3, from_ms_).bindInt(4, until_ms_);
    step();
  }
  void skipTo(int64_t contact) {
    for (int i = 0; i < kStepsBeforeSeek && contact_ < contact; ++i) step();
    if (contact_ < contact) seek(contact);
  }
  void step() { contact_ = q_->step() ? q_->colInt(0) : kEnd; }
  bool at(int64_t contact) const { return contact_ == contact; }
  const Query& row() const { return *q_; }

 private:
  static constexpr int kStepsBeforeSeek = 16;
  static constexpr int64_t kEnd = INT64_MAX;
  Stmt& stmt_;
  std::string filter_;  // bound without a copy: lives as long as the query
  int64_t from_ms_, until_ms_;
  std::optional<Query> q_;
  int64_t contact_ = kEnd;
};

// The goal events of a type in contact then time order, from
// events_by_type_contact alone (the rowid comes with every index entry).
constexpr std::string_view kGoalEventsSql =
    "SELECT contact_id, at_ms, amount_units, id FROM events INDEXED BY events_by_type_contact "
    "WHERE type = ?1 AND contact_id >= ?2 AND at_ms >= ?3 AND at_ms < ?4 "
    "ORDER BY contact_id, at_ms";
// A workflow's sent ledger rows in contact order (covering index).
constexpr std::string_view kSentRowsSql =
    "SELECT contact_id, created_ms FROM send_ledger INDEXED BY send_ledger_by_workflow_contact "
    "WHERE workflow = ?1 AND contact_id >= ?2 AND status = 'sent' AND created_ms >= ?3 AND "
    "created_ms < ?4 ORDER BY contact_id";
// Machine-made events of a type (properties.machine true: opens by privacy
// proxies and scanners) in contact order, from the small partial index
// events_machine: the report leaves them out without reading event rows.
constexpr std::string_view kMachineEventsSql =
    "SELECT contact_id, id FROM events INDEXED BY events_machine WHERE type = ?1 AND "
    "contact_id >= ?2 AND at_ms >= ?3 AND at_ms < ?4 AND json_extract(properties, '$.machine') "
    "IS 1 ORDER BY contact_id";
// A JSON value goal's property, read only for events inside a window.
constexpr std::string_view kEventValueSql =
    "SELECT CAST(json_extract(properties, ?2) AS REAL) FROM events WHERE id = ?1";

}  // namespace

void SqliteExperimentStore::registerExperiment(const ExperimentRecord& r) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT INTO experiments(key, workflow, revision, step, spec, created_ms, updated_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(key) DO UPDATE SET "
        "workflow = excluded.workflow, revision = excluded.revision, step = excluded.step, "
        "spec = excluded.spec, updated_ms = excluded.updated_ms");
    q.bindText(1, r.key)
        .bindText(2, r.workflow)
        .bindText(3, r.revision)
        .bindText(4, r.step)
        .bindText(5, r.spec.empty() ? std::string_view("{}") : std::string_view(r.spec))
        .bindInt(6, r.created_ms)
        .bindInt(7, r.updated_ms);
    q.run();
  }
  tx.commit();
}

std::optional<ExperimentRecord> SqliteExperimentStore::experiment(const std::string& key) {
  auto q = db_.query(std::string("SELECT ") + kRecordColumns + " FROM experiments WHERE key = ?1");
  q.bindText(1, key);
  if (!q.step()) return std::nullopt;
  return readRecord(q);
}

std::vector<ExperimentRecord> SqliteExperimentStore::listExperiments() {
  auto q = db_.query(std::string("SELECT ") + kRecordColumns +
                     " FROM experiments ORDER BY updated_ms DESC, key");
  std::vector<ExperimentRecord> out;
  while (q.step()) out.push_back(readRecord(q));
  return out;
}

std::vector<ExperimentAssignment> SqliteExperimentStore::assign(
    const std::string& key, std::span<const ExperimentAssignment> wanted) {
  std::vector<ExperimentAssignment> out;
  out.reserve(wanted.size());
  WriteTx tx(db_);
  Stmt& insert = db_.stmt(
      "INSERT OR IGNORE INTO experiment_assignments(key, contact_id, variant, phase, assigned_ms, "
      "exposed_ms, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  Stmt& stored = db_.stmt(std::string("SELECT ") + kAssignmentColumns +
                          " FROM experiment_assignments WHERE key = ?1 AND contact_id = ?2");
  Stmt& rollout = db_.stmt(
      "UPDATE experiment_assignments SET variant = ?3, phase = ?4, assigned_ms = ?5, "
      "exposed_ms = ?6, run_id = ?7 WHERE key = ?1 AND contact_id = ?2 AND phase = 'waiting'");
  auto bindRow = [&](Query& q, const ExperimentAssignment& a) {
    q.bindText(1, key)
        .bindInt(2, a.contact_id)
        .bindText(3, a.variant)
        .bindText(4, toString(a.phase))
        .bindInt(5, a.assigned_ms)
        .bindInt(6, a.exposed_ms)
        .bindInt(7, a.run_id);
  };
  for (const auto& a : wanted) {
    {
      Query q(insert);
      bindRow(q, a);
      q.run();
      if (q.changes() > 0) {
        out.push_back(a);
        continue;
      }
    }
    ExperimentAssignment existing;
    {
      Query q(stored);
      q.bindText(1, key).bindInt(2, a.contact_id);
      if (!q.step()) throw StoreError("experiment assignment vanished inside its transaction");
      existing = readAssignment(q, a.contact_id);
    }
    // The one move allowed: a contact waiting for the winner gets it.
    if (existing.phase == ExperimentPhase::kWaiting && a.phase == ExperimentPhase::kRollout) {
      Query q(rollout);
      bindRow(q, a);
      q.run();
      out.push_back(a);
      continue;
    }
    out.push_back(std::move(existing));
  }
  if (!out.empty()) {
    int64_t first_assigned = INT64_MAX, first_exposed = INT64_MAX, last_exposed = INT64_MIN;
    for (const auto& a : out) {
      first_assigned = std::min(first_assigned, a.assigned_ms);
      first_exposed = std::min(first_exposed, a.exposed_ms);
      last_exposed = std::max(last_exposed, a.exposed_ms);
    }
    auto q = db_.query(
        "INSERT INTO experiment_windows(key, first_assigned_ms, first_exposed_ms, "
        "last_exposed_ms) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE SET "
        "first_assigned_ms = min(first_assigned_ms, excluded.first_assigned_ms), "
        "first_exposed_ms = min(first_exposed_ms, excluded.first_exposed_ms), "
        "last_exposed_ms = max(last_exposed_ms, excluded.last_exposed_ms)");
    q.bindText(1, key)
        .bindInt(2, first_assigned)
        .bindInt(3, first_exposed)
        .bindInt(4, last_exposed);
    q.run();
  }
  tx.commit();
  return out;
}

std::vector<ExperimentAssignment> SqliteExperimentStore::assignments(const std::string& key) {
  auto q = db_.query(std::string("SELECT contact_id, ") + kAssignmentColumns +
                     " FROM experiment_assignments WHERE key = ?1 ORDER BY contact_id");
  q.bindText(1, key);
  std::vector<ExperimentAssignment> out;
  while (q.step()) {
    ExperimentAssignment a;
    a.contact_id = q.colInt(0);
    a.variant = q.colText(1);
    a.phase = readPhase(q, 2);
    a.assigned_ms = q.colInt(3);
    a.exposed_ms = q.colInt(4);
    a.run_id = q.colInt(5);
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<ExperimentDecision> SqliteExperimentStore::decision(const std::string& key) {
  auto q = db_.query(
      "SELECT key, decided_ms, outcome, variant, figures FROM experiment_decisions "
      "WHERE key = ?1");
  q.bindText(1, key);
  if (!q.step()) return std::nullopt;
  return readDecision(q);
}

ExperimentDecision SqliteExperimentStore::recordDecision(const ExperimentDecision& d) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT OR IGNORE INTO experiment_decisions(key, decided_ms, outcome, variant, figures) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    q.bindText(1, d.key)
        .bindInt(2, d.decided_ms)
        .bindText(3, d.outcome)
        .bindText(4, d.variant)
        .bindText(5, d.figures.empty() ? std::string_view("{}") : std::string_view(d.figures));
    q.run();
  }
  auto stored = decision(d.key);
  tx.commit();
  if (!stored) throw StoreError("experiment decision vanished inside its transaction");
  return *stored;
}

void SqliteExperimentStore::stopVariant(const std::string& key, const VariantStop& stop) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT OR IGNORE INTO experiment_stops(key, variant, reason, at_ms) "
        "VALUES (?1, ?2, ?3, ?4)");
    q.bindText(1, key).bindText(2, stop.variant).bindText(3, stop.reason).bindInt(4, stop.at_ms);
    q.run();
  }
  tx.commit();
}

std::vector<VariantStop> SqliteExperimentStore::stoppedVariants(const std::string& key) {
  auto q = db_.query(
      "SELECT variant, reason, at_ms FROM experiment_stops WHERE key = ?1 ORDER BY at_ms, "
      "variant");
  q.bindText(1, key);
  std::vector<VariantStop> out;
  while (q.step()) out.push_back({q.colText(0), q.colText(1), q.colInt(2)});
  return out;
}

namespace {

// One goal's part of a pass (goalCountsBatch): its event streams and its
// counts, one entry per (variant, phase) group of the pass.
struct GoalPass {
  GoalPass(Db& db, const GoalQuery& goal, size_t index, int64_t from_ms, int64_t until_ms)
      : amount(goal.value_property && *goal.value_property == "amount"),
        json_value(goal.value_property && !amount),
        path(json_value ? propertyPath(*goal.value_property) : std::string()),
        events(db, withTag(kGoalEventsSql, index), goal.event_type, from_ms, until_ms) {
    if (goal.skip_machine) {
      machine.emplace(db, withTag(kMachineEventsSql, index), goal.event_type, from_ms, until_ms);
    }
  }

  // Two passes stream at once, so each needs statements of its own: the
  // connection caches one statement per SQL text.
  static std::string withTag(std::string_view sql, size_t index) {
    return fmt::format("{} /* goal {} */", sql, index);
  }

  const bool amount;
  const bool json_value;
  const std::string path;
  ContactStream events;
  std::optional<ContactStream> machine;
  std::vector<VariantCounts> counts;
};

}  // namespace

std::vector<VariantCounts> SqliteExperimentStore::goalCounts(const std::string& key,
                                                             const GoalQuery& goal) {
  return goalCountsBatch(key, std::span<const GoalQuery>(&goal, 1)).at(0);
}

// One pass over the experiment's assignments in contact order (its primary
// key), merged with each goal's events, the workflows' sent rows and (when
// asked) the machine events, all also in contact order: index scans only,
// no sort, no event row read unless a JSON property is summed. (Probing the
// events index once per recipient, the way an SQL query would, costs a
// B-tree descent per recipient: several times the time at a million
// recipients.) Each stream only covers the experiment's time span
// (experiment_windows).
std::vector<std::vector<VariantCounts>> SqliteExperimentStore::goalCountsBatch(
    const std::string& key, std::span<const GoalQuery> goals) {
  std::vector<std::vector<VariantCounts>> result(goals.size());
  int64_t first_exposed_ms = 0, last_exposed_ms = 0, first_assigned_ms = 0;
  {
    auto q = db_.query(
        "SELECT first_exposed_ms, last_exposed_ms, first_assigned_ms FROM experiment_windows "
        "WHERE key = ?1");
    q.bindText(1, key);
    if (!q.step()) return result;  // nobody assigned yet
    first_exposed_ms = q.colInt(0);
    last_exposed_ms = q.colInt(1);
    first_assigned_ms = q.colInt(2);
  }

  std::vector<std::unique_ptr<GoalPass>> passes;
  for (size_t g = 0; g < goals.size(); ++g) {
    // Every recipient's window lies in [first exposure, last exposure + window).
    const int64_t until_ms = last_exposed_ms + std::max<int64_t>(goals[g].window_ms, 0);
    passes.push_back(std::make_unique<GoalPass>(db_, goals[g], g, first_exposed_ms, until_ms));
  }
  // The sent rows, one stream per workflow named; sent_of[g]: goal g's.
  std::vector<std::string> workflows;
  std::vector<int> sent_of(goals.size(), -1);
  for (size_t g = 0; g < goals.size(); ++g) {
    if (goals[g].workflow.empty()) continue;
    auto it = std::find(workflows.begin(), workflows.end(), goals[g].workflow);
    sent_of[g] = static_cast<int>(it - workflows.begin());
    if (it == workflows.end()) workflows.push_back(goals[g].workflow);
  }
  std::vector<std::unique_ptr<ContactStream>> sent;
  for (size_t w = 0; w < workflows.size(); ++w) {
    sent.push_back(std::make_unique<ContactStream>(db_, GoalPass::withTag(kSentRowsSql, w),
                                                   workflows[w], first_assigned_ms, INT64_MAX));
  }
  std::vector<int64_t> sent_count(workflows.size());
  Stmt& value_stmt = db_.stmt(kEventValueSql);
  std::vector<int64_t> machine_ids;  // the recipient's machine events

  // The (variant, phase) groups in order of appearance, as stored.
  std::vector<std::pair<std::string, std::string>> groups;
  auto assignments = db_.query(
      "SELECT contact_id, variant, phase, assigned_ms, exposed_ms FROM experiment_assignments "
      "WHERE key = ?1 ORDER BY contact_id");
  assignments.bindText(1, key);
  bool first = true;
  while (assignments.step()) {
    const int64_t contact = assignments.colInt(0);
    if (first) {
      for (auto& p : passes) {
        p->events.seek(contact);
        if (p->machine) p->machine->seek(contact);
      }
      for (auto& stream : sent) stream->seek(contact);
      first = false;
    }
    const std::string_view variant = assignments.colView(1);
    const std::string_view phase = assignments.colView(2);
    size_t group = 0;
    while (group < groups.size() &&
           (groups[group].first != variant || groups[group].second != phase)) {
      ++group;
    }
    if (group == groups.size()) {
      groups.emplace_back(variant, phase);
      VariantCounts c;
      c.variant = std::string(variant);
      c.phase = readPhase(assignments, 2);
      for (auto& p : passes) p->counts.push_back(c);
    }

    const int64_t assigned_ms = assignments.colInt(3);
    for (size_t w = 0; w < sent.size(); ++w) {
      sent_count[w] = 0;
      sent[w]->skipTo(contact);
      for (; sent[w]->at(contact); sent[w]->step()) {
        if (sent[w]->row().colInt(1) >= assigned_ms) ++sent_count[w];
      }
    }

    const int64_t from_ms = assignments.colInt(4);
    for (size_t g = 0; g < passes.size(); ++g) {
      GoalPass& p = *passes[g];
      VariantCounts& c = p.counts[group];
      ++c.n;
      if (sent_of[g] >= 0) c.sent += sent_count[static_cast<size_t>(sent_of[g])];
      const int64_t until_ms = from_ms + goals[g].window_ms;
      machine_ids.clear();
      if (p.machine) {
        p.machine->skipTo(contact);
        for (; p.machine->at(contact); p.machine->step()) {
          machine_ids.push_back(p.machine->row().colInt(1));
        }
      }
      bool converted = false;
      int64_t units = 0;
      double value = 0;
      p.events.skipTo(contact);
      for (; p.events.at(contact); p.events.step()) {
        const Query& e = p.events.row();
        const int64_t at_ms = e.colInt(1);
        if (at_ms < from_ms || at_ms >= until_ms) continue;
        const int64_t id = e.colInt(3);
        if (std::find(machine_ids.begin(), machine_ids.end(), id) != machine_ids.end()) continue;
        if (p.json_value) {
          Query v(value_stmt);
          v.bindInt(1, id).bindText(2, p.path);
          if (v.step() && !v.isNull(0)) value += v.colReal(0);
        }
        converted = true;
        if (p.amount && !e.isNull(2)) units += e.colInt(2);
      }
      if (converted) ++c.conversions;
      if (p.amount) value = static_cast<double>(units) / 1'000'000.0;
      c.value_sum += value;
      c.value_sum_sq += value * value;
    }
  }

  // Variant then phase order.
  std::vector<size_t> order(groups.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return groups[a] < groups[b]; });
  for (size_t g = 0; g < passes.size(); ++g) {
    for (size_t i : order) result[g].push_back(std::move(passes[g]->counts[i]));
  }
  return result;
}

}  // namespace herald::store::sqlite
