#include <fmt/format.h>

#include "store/sqlite/segment_sql.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {

constexpr const char* kRunColumns =
    "id, workflow, revision, trigger, dry_run, status, enrolled, enrolled_count, started_ms, "
    "updated_ms";

Run readRun(const Query& q) {
  Run r;
  r.id = q.colInt(0);
  r.workflow = q.colText(1);
  r.revision = q.colText(2);
  r.trigger = q.colText(3);
  r.dry_run = q.colInt(4) != 0;
  r.status = runStatusFromString(q.colText(5)).value_or(RunStatus::kFailed);
  r.enrolled = q.colInt(6) != 0;
  r.enrolled_count = q.colInt(7);
  r.started_ms = q.colInt(8);
  r.updated_ms = q.colInt(9);
  return r;
}

// Marks the run enrolled and records how many journeys it has.
void finishEnrolment(Db& db, int64_t run_id, int64_t now_ms) {
  auto q = db.query(
      "UPDATE runs SET enrolled = 1, updated_ms = ?2, "
      "enrolled_count = (SELECT count(*) FROM journeys WHERE run_id = ?1) WHERE id = ?1");
  q.bindInt(1, run_id).bindInt(2, now_ms);
  q.run();
}

}  // namespace

void SqliteStore::saveWorkflowRevision(const WorkflowRevision& rev) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT OR IGNORE INTO workflow_revisions(workflow, revision, source, created_ms) "
        "VALUES (?1, ?2, ?3, ?4)");
    q.bindText(1, rev.workflow)
        .bindText(2, rev.revision)
        .bindText(3, rev.source)
        .bindInt(4, rev.created_ms != 0 ? rev.created_ms : systemNowMs());
    q.run();
  }
  tx.commit();
}

std::optional<WorkflowRevision> SqliteStore::workflowRevision(const std::string& workflow,
                                                              const std::string& revision) {
  auto q = db_.query(
      "SELECT source, created_ms FROM workflow_revisions WHERE workflow = ?1 AND revision = ?2");
  q.bindText(1, workflow).bindText(2, revision);
  if (!q.step()) return std::nullopt;
  return WorkflowRevision{workflow, revision, q.colText(0), q.colInt(1)};
}

std::optional<Run> SqliteStore::findResumableRun(const std::string& workflow,
                                                 const std::string& revision, bool dry_run) {
  auto q = db_.query(
      fmt::format("SELECT {} FROM runs WHERE workflow = ?1 AND revision = ?2 AND dry_run = ?3 "
                  "AND status IN ('running', 'waiting') ORDER BY id DESC LIMIT 1",
                  kRunColumns));
  q.bindText(1, workflow).bindText(2, revision).bindInt(3, dry_run ? 1 : 0);
  if (!q.step()) return std::nullopt;
  return readRun(q);
}

Run SqliteStore::createRun(const std::string& workflow, const std::string& revision,
                           const std::string& trigger, bool dry_run, int64_t now_ms) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT INTO runs(workflow, revision, trigger, dry_run, status, started_ms, updated_ms) "
        "VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?5)");
    q.bindText(1, workflow)
        .bindText(2, revision)
        .bindText(3, trigger)
        .bindInt(4, dry_run ? 1 : 0)
        .bindInt(5, now_ms);
    q.run();
  }
  Run r;
  r.id = db_.lastInsertRowid();
  tx.commit();
  r.workflow = workflow;
  r.revision = revision;
  r.trigger = trigger;
  r.dry_run = dry_run;
  r.status = RunStatus::kRunning;
  r.started_ms = now_ms;
  r.updated_ms = now_ms;
  return r;
}

void SqliteStore::setRunStatus(int64_t run_id, RunStatus status, int64_t now_ms) {
  WriteTx tx(db_);
  {
    auto q = db_.query("UPDATE runs SET status = ?2, updated_ms = ?3 WHERE id = ?1");
    q.bindInt(1, run_id).bindText(2, toString(status)).bindInt(3, now_ms);
    q.run();
  }
  tx.commit();
}

std::optional<Run> SqliteStore::runById(int64_t run_id) {
  auto q = db_.query(fmt::format("SELECT {} FROM runs WHERE id = ?1", kRunColumns));
  q.bindInt(1, run_id);
  if (!q.step()) return std::nullopt;
  return readRun(q);
}

std::vector<Run> SqliteStore::listRuns(int limit) {
  std::vector<Run> out;
  auto q = db_.query(fmt::format("SELECT {} FROM runs ORDER BY id DESC LIMIT ?1", kRunColumns));
  q.bindInt(1, limit);
  while (q.step()) out.push_back(readRun(q));
  return out;
}

std::optional<Run> SqliteStore::lastRun(const std::string& workflow) {
  auto q = db_.query(fmt::format(
      "SELECT {} FROM runs WHERE workflow = ?1 AND dry_run = 0 ORDER BY id DESC LIMIT 1",
      kRunColumns));
  q.bindText(1, workflow);
  if (!q.step()) return std::nullopt;
  return readRun(q);
}

int64_t SqliteStore::enrollAudience(int64_t run_id, const std::string& first_step,
                                    const segment::Rule* audience, const segment::EvalContext& ctx,
                                    std::optional<int64_t> limit, int64_t now_ms) {
  // ?1..?4 are the statement's own; the rule's values follow.
  const CompiledRule where = audience ? compileRule(*audience, ctx, 5) : compileEveryone(5);
  WriteTx tx(db_);
  int64_t remaining = -1;  // SQLite: a negative LIMIT means none
  if (limit) {
    // A second call must not enrol another `limit` contacts.
    auto q = db_.query("SELECT count(*) FROM journeys WHERE run_id = ?1");
    q.bindInt(1, run_id);
    q.step();
    remaining = std::max<int64_t>(0, *limit - q.colInt(0));
  }
  int64_t enrolled = 0;
  {
    // One statement: the whole audience is selected and enrolled inside
    // SQLite, without a round trip per contact. Suppressed contacts are
    // never enrolled (erased ones never match a rule).
    auto q = db_.query(
        where.with +
        "INSERT INTO journeys(run_id, contact_id, revision, step_id, status, vars, wake_ms, "
        "attempts, occurrence, updated_ms, entered_ms) "
        "SELECT ?1, c.id, r.revision, ?2, 'active', '{}', ?3, 0, 0, ?3, ?3 "
        "FROM contacts c JOIN runs r ON r.id = ?1 "
        "WHERE " +
        where.where +
        " AND c.suppressed_ms IS NULL AND NOT EXISTS (SELECT 1 FROM journeys j WHERE j.run_id = "
        "?1 AND j.contact_id = c.id) ORDER BY c.id LIMIT ?4");
    q.bindInt(1, run_id).bindText(2, first_step).bindInt(3, now_ms).bindInt(4, remaining);
    bindParams(q, where);
    q.run();
    enrolled = q.changes();
  }
  finishEnrolment(db_, run_id, now_ms);
  tx.commit();
  return enrolled;
}

int64_t SqliteStore::enrollContact(int64_t run_id, const std::string& first_step,
                                   int64_t contact_id, int64_t now_ms) {
  WriteTx tx(db_);
  int64_t enrolled = 0;
  {
    auto q = db_.query(
        "INSERT OR IGNORE INTO journeys(run_id, contact_id, revision, step_id, status, vars, "
        "wake_ms, attempts, occurrence, updated_ms, entered_ms) "
        "SELECT ?1, ?3, r.revision, ?2, 'active', '{}', ?4, 0, 0, ?4, ?4 FROM runs r "
        "WHERE r.id = ?1");
    q.bindInt(1, run_id).bindText(2, first_step).bindInt(3, contact_id).bindInt(4, now_ms);
    q.run();
    enrolled = q.changes();
  }
  finishEnrolment(db_, run_id, now_ms);
  tx.commit();
  return enrolled;
}

}  // namespace herald::store::sqlite
