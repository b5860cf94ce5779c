// Schedule triggers: the last claimed firing per workflow (a compare-and-set
// in the transaction that creates the firing's run, so no firing happens
// twice, across restarts and beside another process), pausing, and
// cancelling a run.
#include <fmt/format.h>

#include "store/sqlite/enrolment_sql.hpp"
#include "store/sqlite/segment_sql.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {

std::optional<TriggerState> SqliteStore::triggerState(const std::string& workflow) {
  auto q = db_.query("SELECT last_fire_ms, paused FROM workflow_triggers WHERE workflow = ?1");
  q.bindText(1, workflow);
  if (!q.step()) return std::nullopt;
  TriggerState s;
  s.workflow = workflow;
  if (!q.isNull(0)) s.last_fire_ms = q.colInt(0);
  s.paused = q.colInt(1) != 0;
  return s;
}

void SqliteStore::initTrigger(const std::string& workflow, int64_t last_fire_ms, int64_t now_ms) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT INTO workflow_triggers(workflow, last_fire_ms, paused, updated_ms) "
        "VALUES (?1, ?2, 0, ?3) ON CONFLICT(workflow) DO UPDATE SET "
        "last_fire_ms = coalesce(last_fire_ms, excluded.last_fire_ms)");
    q.bindText(1, workflow).bindInt(2, last_fire_ms).bindInt(3, now_ms);
    q.run();
  }
  tx.commit();
}

void SqliteStore::setTriggerPaused(const std::string& workflow, bool paused, int64_t now_ms) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT INTO workflow_triggers(workflow, last_fire_ms, paused, updated_ms) "
        "VALUES (?1, NULL, ?2, ?3) ON CONFLICT(workflow) DO UPDATE SET paused = excluded.paused, "
        "updated_ms = excluded.updated_ms");
    q.bindText(1, workflow).bindInt(2, paused ? 1 : 0).bindInt(3, now_ms);
    q.run();
  }
  tx.commit();
}

std::optional<Run> SqliteStore::findRunByTrigger(const std::string& workflow,
                                                 const std::string& revision,
                                                 const std::string& trigger) {
  auto q = db_.query(
      "SELECT id FROM runs WHERE workflow = ?1 AND revision = ?2 AND trigger = ?3 AND dry_run = 0 "
      "AND status != 'canceled' ORDER BY id DESC LIMIT 1");
  q.bindText(1, workflow).bindText(2, revision).bindText(3, trigger);
  if (!q.step()) return std::nullopt;
  return runById(q.colInt(0));
}

std::optional<Run> SqliteStore::fireSchedule(const Firing& f) {
  std::optional<CompiledRule> where;
  if (f.enroll) where = f.audience ? compileRule(*f.audience, f.ctx, 8) : compileEveryone(8);
  WriteTx tx(db_);
  {
    // The claim: only the process that moves last_fire_ms from what it read
    // fires; anyone else finds it moved and does nothing.
    auto q = db_.query(
        "UPDATE workflow_triggers SET last_fire_ms = ?2, updated_ms = ?3 WHERE workflow = ?1 AND "
        "last_fire_ms IS ?4");
    q.bindText(1, f.workflow).bindInt(2, f.fire_ms).bindInt(3, f.now_ms);
    if (f.expected_last_ms)
      q.bindInt(4, *f.expected_last_ms);
    else
      q.bindNull(4);
    q.run();
    if (q.changes() == 0) return std::nullopt;
  }
  if (!f.enroll) {
    tx.commit();
    return Run{};
  }
  int64_t run_id = 0;
  {
    auto q = db_.query(
        "INSERT INTO runs(workflow, revision, trigger, dry_run, status, started_ms, updated_ms) "
        "VALUES (?1, ?2, 'schedule', 0, 'running', ?3, ?3)");
    q.bindText(1, f.workflow).bindText(2, f.revision).bindInt(3, f.now_ms);
    q.run();
    run_id = db_.lastInsertRowid();
  }
  int64_t n = 0;
  {
    // The whole audience in one statement, each contact only as the
    // re-entry rule allows; the rule's values are ?8 on.
    const std::string sql = where->with +
                            fmt::format(fmt::runtime(kEntryColumns), fmt::arg("context", "'{}'")) +
                            "WHERE " + where->where + kReentryTest + " ORDER BY c.id";
    auto q = db_.query(sql);
    q.bindInt(1, run_id)
        .bindText(2, f.first_step)
        .bindInt(3, f.now_ms)
        .bindInt(4, reentryCode(f.reentry))
        .bindInt(5, f.reentry.period_ms);
    bindParams(q, *where);
    q.run();
    n = q.changes();
  }
  {
    auto q =
        db_.query("UPDATE runs SET enrolled = 1, enrolled_count = ?2, status = ?3 WHERE id = ?1");
    q.bindInt(1, run_id).bindInt(2, n).bindText(3, n > 0 ? "running" : "done");
    q.run();
  }
  tx.commit();
  return runById(run_id);
}

bool SqliteStore::cancelRun(int64_t run_id, int64_t now_ms) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "UPDATE runs SET status = 'canceled', updated_ms = ?2 WHERE id = ?1 AND status IN "
        "('running', 'waiting')");
    q.bindInt(1, run_id).bindInt(2, now_ms);
    q.run();
    if (q.changes() == 0) return false;
  }
  {
    // Counted where each journey stood, for the run report's exits.
    auto q = db_.query(
        "INSERT INTO journey_exits(run_id, step_id, reason, count) "
        "SELECT ?1, step_id, 'the run was canceled', count(*) FROM journeys "
        "WHERE run_id = ?1 AND status IN ('active', 'waiting') GROUP BY step_id "
        "ON CONFLICT(run_id, step_id, reason) DO UPDATE SET count = count + excluded.count");
    q.bindInt(1, run_id);
    q.run();
  }
  {
    auto q = db_.query(
        "UPDATE journeys SET status = 'exited', updated_ms = ?2, claim_owner = NULL, "
        "claim_until_ms = NULL WHERE run_id = ?1 AND status IN ('active', 'waiting')");
    q.bindInt(1, run_id).bindInt(2, now_ms);
    q.run();
  }
  tx.commit();
  return true;
}

}  // namespace herald::store::sqlite
