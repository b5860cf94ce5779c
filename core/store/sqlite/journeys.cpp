#include <fmt/format.h>

#include <map>

#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {

// A plugin's exit reason is free text: one row per distinct reason, so it
// is cut to a length a report line can show.
std::string exitReason(const JourneyMove& move) {
  constexpr size_t kMax = 200;
  if (move.reason.empty()) return "exit";
  return move.reason.size() <= kMax ? move.reason : move.reason.substr(0, kMax) + "...";
}

}  // namespace

std::vector<DueJourney> SqliteStore::dueJourneys(int64_t run_id, const std::string& step_id,
                                                 int64_t now_ms, int limit) {
  std::vector<DueJourney> out;
  const int64_t real_now = systemNowMs();
  // The fetch is a claim (see Store::setClaimOwner): read and mark in one
  // write transaction, so two processes never hold the same journey.
  WriteTx tx(db_);
  {
    // Served by journeys_due(run_id, status, step_id, wake_ms); the contact,
    // its tags and consents come in the same row.
    auto q = db_.query(fmt::format(
        "SELECT j.id, j.run_id, j.step_id, j.attempts, j.occurrence, j.vars, j.entry, j.context, "
        "j.wake_ms, j.updated_ms, {} FROM journeys j JOIN contacts c ON c.id = j.contact_id "
        "WHERE j.run_id = ?1 AND j.status = 'active' AND j.step_id = ?2 AND j.wake_ms <= ?3 "
        "AND (j.claim_owner IS NULL OR j.claim_owner = ?5 OR j.claim_until_ms < ?6) "
        "ORDER BY j.wake_ms, j.id LIMIT ?4",
        kContactColumns));
    q.bindInt(1, run_id)
        .bindText(2, step_id)
        .bindInt(3, now_ms)
        .bindInt(4, limit)
        .bindText(5, claim_owner_)
        .bindInt(6, real_now);
    while (q.step()) {
      DueJourney d;
      d.journey_id = q.colInt(0);
      d.run_id = q.colInt(1);
      d.step_id = q.colText(2);
      d.attempts = static_cast<int32_t>(q.colInt(3));
      d.occurrence = static_cast<int32_t>(q.colInt(4));
      d.vars = nlohmann::json::parse(q.colView(5));
      d.entry = static_cast<int32_t>(q.colInt(6));
      d.context = nlohmann::json::parse(q.colView(7));
      d.wake_ms = q.colInt(8);
      d.moved_ms = q.colInt(9);
      d.contact = readContact(q, 10);
      out.push_back(std::move(d));
    }
  }
  for (const auto& d : out) {
    auto q = db_.query("UPDATE journeys SET claim_owner = ?2, claim_until_ms = ?3 WHERE id = ?1");
    q.bindInt(1, d.journey_id).bindText(2, claim_owner_).bindInt(3, real_now + claim_lease_ms_);
    q.run();
  }
  tx.commit();
  return out;
}

std::vector<std::string> SqliteStore::stepsWithDueJourneys(int64_t run_id, int64_t now_ms) {
  std::vector<std::string> out;
  auto q = db_.query(
      "SELECT DISTINCT step_id FROM journeys "
      "WHERE run_id = ?1 AND status = 'active' AND wake_ms <= ?2 ORDER BY step_id");
  q.bindInt(1, run_id).bindInt(2, now_ms);
  while (q.step()) out.push_back(q.colText(0));
  return out;
}

int64_t SqliteStore::wakeDueJourneys(int64_t run_id, int64_t now_ms) {
  WriteTx tx(db_);
  int64_t woken = 0;
  {
    // The step that sent each journey waiting (its latest 'wait' visit)
    // counts it as gone on: the report then stops showing it as waiting.
    auto q = db_.query(
        "INSERT INTO step_counts(run_id, step_id, outcome, count) "
        "SELECT ?1, v.step_id, 'waited', count(*) FROM journeys j "
        "JOIN journey_visits v ON v.journey_id = j.id AND v.outcome = 'wait' "
        "AND v.at_ms = (SELECT max(w.at_ms) FROM journey_visits w "
        "WHERE w.journey_id = j.id AND w.outcome = 'wait') "
        "WHERE j.run_id = ?1 AND j.status = 'waiting' AND j.wake_ms <= ?2 GROUP BY v.step_id "
        "ON CONFLICT(run_id, step_id, outcome) DO UPDATE SET count = count + excluded.count");
    q.bindInt(1, run_id).bindInt(2, now_ms);
    q.run();
  }
  {
    auto q = db_.query(
        "UPDATE journeys SET status = 'active' "
        "WHERE run_id = ?1 AND status = 'waiting' AND wake_ms <= ?2");
    q.bindInt(1, run_id).bindInt(2, now_ms);
    q.run();
    woken = q.changes();
  }
  tx.commit();
  return woken;
}

JourneySummary SqliteStore::journeySummary(int64_t run_id) {
  JourneySummary s;
  {
    auto q = db_.query("SELECT status, count(*) FROM journeys WHERE run_id = ?1 GROUP BY status");
    q.bindInt(1, run_id);
    while (q.step()) {
      auto status = journeyStatusFromString(q.colText(0));
      int64_t n = q.colInt(1);
      if (!status) continue;
      switch (*status) {
        case JourneyStatus::kActive:
          s.active = n;
          break;
        case JourneyStatus::kWaiting:
          s.waiting = n;
          break;
        case JourneyStatus::kDone:
          s.done = n;
          break;
        case JourneyStatus::kExited:
          s.exited = n;
          break;
        case JourneyStatus::kFailed:
          s.failed = n;
          break;
        case JourneyStatus::kRefused:
          s.refused = n;
          break;
      }
    }
  }
  auto q = db_.query(
      "SELECT min(wake_ms) FROM journeys WHERE run_id = ?1 AND status IN ('active', 'waiting')");
  q.bindInt(1, run_id);
  if (q.step() && !q.isNull(0)) s.next_wake_ms = q.colInt(0);
  return s;
}

void SqliteStore::commitBatch(const BatchCommit& batch) {
  WriteTx tx(db_);
  // Outcome counters are summed here and written once per (step, outcome),
  // not once per move.
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  std::map<std::pair<std::string, std::string>, int64_t> exits;  // (step, reason)
  for (const auto& move : batch.moves) {
    if (!applyMove(batch, move)) continue;
    ++counts[{move.from_step, move.outcome}];
    // An exit step's journeys are done, an early exit's exited: both left here.
    if (move.status == JourneyStatus::kExited || move.outcome == "exit")
      ++exits[{move.from_step, exitReason(move)}];
  }
  for (const auto& [key, n] : counts) {
    auto q = db_.query(
        "INSERT INTO step_counts(run_id, step_id, outcome, count) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(run_id, step_id, outcome) DO UPDATE SET count = count + excluded.count");
    q.bindInt(1, batch.run_id).bindText(2, key.first).bindText(3, key.second).bindInt(4, n);
    q.run();
  }
  for (const auto& [key, n] : exits) {
    auto q = db_.query(
        "INSERT INTO journey_exits(run_id, step_id, reason, count) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(run_id, step_id, reason) DO UPDATE SET count = count + excluded.count");
    q.bindInt(1, batch.run_id).bindText(2, key.first).bindText(3, key.second).bindInt(4, n);
    q.run();
  }
  for (const auto& entry : batch.ledger_updates) upsertLedger(entry, batch.now_ms);
  tx.commit();
}

// A move applies only to a journey that still stands at `from_step` and has
// not ended: a batch replayed after a crash (or handed out twice) changes
// nothing the second time. Returns whether it applied.
bool SqliteStore::applyMove(const BatchCommit& batch, const JourneyMove& move) {
  const std::string& to_step = move.to_step ? *move.to_step : move.from_step;
  int64_t occurrence = 0;
  int64_t visits_to = 0;  // earlier passes through the step the journey enters
  {
    auto q = db_.query(
        "SELECT j.occurrence, (SELECT count(*) FROM journey_visits v WHERE v.journey_id = j.id "
        "AND v.step_id = ?4) FROM journeys j WHERE j.id = ?1 AND j.run_id = ?2 AND "
        "j.step_id = ?3 AND j.status IN ('active', 'waiting') AND (j.claim_owner IS NULL OR "
        "j.claim_owner = ?5 OR j.claim_until_ms < ?6)");
    q.bindInt(1, move.journey_id)
        .bindInt(2, batch.run_id)
        .bindText(3, move.from_step)
        .bindText(4, to_step)
        .bindText(5, claim_owner_)
        .bindInt(6, systemNowMs());
    if (!q.step()) return false;
    occurrence = q.colInt(0);
    visits_to = q.colInt(1);
  }
  if (move.counts_as_visit) {
    auto q = db_.query(
        "INSERT OR IGNORE INTO journey_visits(journey_id, step_id, occurrence, run_id, outcome, "
        "at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    q.bindInt(1, move.journey_id)
        .bindText(2, move.from_step)
        .bindInt(3, occurrence)
        .bindInt(4, batch.run_id)
        .bindText(5, move.outcome)
        .bindInt(6, batch.now_ms);
    q.run();
    if (q.changes() == 0) return false;  // this pass was already counted
  }

  // The occurrence at the step entered: how many times the journey has been
  // through it, this pass included when it re-enters the step it leaves. A
  // retry (not a visit) and an ended journey keep theirs.
  int64_t next_occurrence = occurrence;
  const bool reenters = to_step == move.from_step;
  if (move.to_step && (move.counts_as_visit || !reenters)) {
    next_occurrence = visits_to + (reenters ? 1 : 0);
  }
  {
    const std::string vars = move.vars.is_null() ? "{}" : move.vars.dump();
    auto q = db_.query(
        "UPDATE journeys SET step_id = ?2, status = ?3, vars = ?4, wake_ms = ?5, attempts = ?6, "
        "occurrence = ?7, updated_ms = ?8, claim_owner = NULL, claim_until_ms = NULL "
        "WHERE id = ?1");
    q.bindInt(1, move.journey_id)
        .bindText(2, to_step)
        .bindText(3, toString(move.status))
        .bindText(4, vars)
        .bindInt(5, move.wake_ms)
        .bindInt(6, move.attempts)
        .bindInt(7, next_occurrence)
        .bindInt(8, batch.now_ms);
    q.run();
  }
  if (move.status == JourneyStatus::kFailed || move.status == JourneyStatus::kRefused) {
    auto q = db_.query(
        "INSERT INTO journey_failures(run_id, journey_id, contact_id, step_id, reason, at_ms) "
        "SELECT ?1, ?2, contact_id, ?3, ?4, ?5 FROM journeys WHERE id = ?2");
    q.bindInt(1, batch.run_id)
        .bindInt(2, move.journey_id)
        .bindText(3, move.from_step)
        .bindText(4, move.reason)
        .bindInt(5, batch.now_ms);
    q.run();
  }
  return true;
}

std::vector<ExitCount> SqliteStore::exitCounts(int64_t run_id) {
  std::vector<ExitCount> out;
  auto q = db_.query(
      "SELECT step_id, reason, count FROM journey_exits WHERE run_id = ?1 "
      "ORDER BY count DESC, step_id, reason");
  q.bindInt(1, run_id);
  while (q.step()) out.push_back({q.colText(0), q.colText(1), q.colInt(2)});
  return out;
}

std::vector<StepCount> SqliteStore::stepCounts(int64_t run_id) {
  std::vector<StepCount> out;
  auto q = db_.query(
      "SELECT step_id, outcome, count FROM step_counts WHERE run_id = ?1 "
      "ORDER BY step_id, outcome");
  q.bindInt(1, run_id);
  while (q.step()) out.push_back({q.colText(0), q.colText(1), q.colInt(2)});
  return out;
}

std::vector<JourneyFailure> SqliteStore::failures(int64_t run_id, int limit) {
  std::vector<JourneyFailure> out;
  auto q = db_.query(
      "SELECT f.journey_id, f.contact_id, f.step_id, f.reason, f.at_ms, j.status = 'refused' "
      "FROM journey_failures f LEFT JOIN journeys j ON j.id = f.journey_id "
      "WHERE f.run_id = ?1 ORDER BY f.id LIMIT ?2");
  q.bindInt(1, run_id).bindInt(2, limit);
  while (q.step()) {
    out.push_back(
        {q.colInt(0), q.colInt(1), q.colText(2), q.colText(3), q.colInt(4), q.colInt(5) == 1});
  }
  return out;
}

}  // namespace herald::store::sqlite
