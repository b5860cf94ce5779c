// Experiments (migration 8): specs, sticky assignments, decisions, stopped
// variants, and the per-variant counts of a report.
#include "store/sqlite/experiments.hpp"

#include <fmt/format.h>

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

// The report's statement for one shape of goal. One pass over the
// experiment's assignments in (variant, phase, contact) order from
// experiment_assignments_by_variant, so the grouping needs no sort; per
// recipient a look into send_ledger_by_workflow_contact for `sent`, and
// into events_by_type_contact (type, contact, at_ms range) for the goal:
// EXISTS stops at the first event, and an `amount` value is summed from the
// index alone (no event row is read). A JSON value or skipping machine
// opens reads the event rows in the window.
//   ?1 key, ?2 event type, ?3 window_ms, ?4 workflow, ?5 JSON path
std::string goalSql(const GoalQuery& q) {
  const std::string window =
      "e.type = ?2 AND e.contact_id = a.contact_id AND e.at_ms >= a.exposed_ms AND "
      "e.at_ms < a.exposed_ms + ?3" +
      std::string(q.skip_machine ? " AND json_extract(e.properties, '$.machine') IS NOT 1" : "");
  const std::string sent =
      q.workflow.empty() ? std::string("0")
                         : std::string(
                               "(SELECT count(*) FROM send_ledger l WHERE l.workflow = ?4 AND "
                               "l.contact_id = a.contact_id AND l.status = 'sent' AND "
                               "l.created_ms >= a.assigned_ms)");
  std::string value = "0.0";
  if (q.value_property && *q.value_property == "amount") {
    // Exact integer micro-units per recipient, scaled once.
    value =
        "coalesce((SELECT sum(e.amount_units) FROM events e WHERE " + window + "), 0) / 1000000.0";
  } else if (q.value_property) {
    value = "(SELECT total(json_extract(e.properties, ?5)) FROM events e WHERE " + window + ")";
  }
  return fmt::format(
      "SELECT variant, phase, count(*), sum(sent), sum(converted), total(v), total(v * v) "
      "FROM (SELECT a.variant AS variant, a.phase AS phase, {} AS sent, "
      "EXISTS (SELECT 1 FROM events e WHERE {}) AS converted, {} AS v "
      "FROM experiment_assignments a INDEXED BY experiment_assignments_by_variant "
      "WHERE a.key = ?1) "
      "GROUP BY variant, phase ORDER BY variant, phase",
      sent, window, value);
}

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

std::vector<VariantCounts> SqliteExperimentStore::goalCounts(const std::string& key,
                                                             const GoalQuery& goal) {
  const std::string path = goal.value_property && *goal.value_property != "amount"
                               ? propertyPath(*goal.value_property)
                               : std::string();
  auto q = db_.query(goalSql(goal));
  q.bindText(1, key).bindText(2, goal.event_type).bindInt(3, goal.window_ms);
  if (!goal.workflow.empty()) q.bindText(4, goal.workflow);
  if (!path.empty()) q.bindText(5, path);
  std::vector<VariantCounts> out;
  while (q.step()) {
    VariantCounts c;
    c.variant = q.colText(0);
    c.phase = readPhase(q, 1);
    c.n = q.colInt(2);
    c.sent = q.colInt(3);
    c.conversions = q.colInt(4);
    c.value_sum = q.colReal(5);
    c.value_sum_sq = q.colReal(6);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace herald::store::sqlite
