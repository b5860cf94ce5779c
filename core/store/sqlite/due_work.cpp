// Due work for the daemon's scheduler: the claim owner, the earliest wake
// time of all runs (one index seek) and the runs with due journeys.
#include <unistd.h>

#include <random>

#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {

std::string cliClaimOwner() {
  // A process that never named itself (a CLI verb): its claims are its own.
  std::random_device rd;
  return "cli:" + std::to_string(::getpid()) + ":" + std::to_string(rd());
}

void SqliteStore::setClaimOwner(const std::string& owner, int64_t lease_ms) {
  claim_owner_ = owner;
  claim_lease_ms_ = lease_ms;
}

// A row another owner holds under a lease that has not ended is not ours to
// take; the lease is in real time, whatever clock the engine runs on.
std::optional<int64_t> SqliteStore::nextWakeMs(int64_t after_ms) {
  // journeys_next_wake is partial on exactly this status test: a range seek.
  auto q = db_.query(
      "SELECT min(wake_ms) FROM journeys WHERE status IN ('active', 'waiting') AND "
      "wake_ms > ?3 AND (claim_owner IS NULL OR claim_owner = ?1 OR claim_until_ms < ?2)");
  q.bindText(1, claim_owner_).bindInt(2, systemNowMs()).bindInt(3, after_ms);
  if (!q.step() || q.isNull(0)) return std::nullopt;
  return q.colInt(0);
}

std::vector<int64_t> SqliteStore::runsWithDueJourneys(int64_t now_ms) {
  std::vector<int64_t> out;
  auto q = db_.query(
      "SELECT DISTINCT run_id FROM journeys WHERE status IN ('active', 'waiting') AND "
      "wake_ms <= ?1 AND (claim_owner IS NULL OR claim_owner = ?2 OR claim_until_ms < ?3) "
      "ORDER BY run_id");
  q.bindInt(1, now_ms).bindText(2, claim_owner_).bindInt(3, systemNowMs());
  while (q.step()) out.push_back(q.colInt(0));
  return out;
}

int64_t SqliteStore::journeysWaiting() {
  auto q = db_.query("SELECT count(*) FROM journeys WHERE status = 'waiting'");
  q.step();
  return q.colInt(0);
}

JourneySummary SqliteStore::workflowJourneys(const std::string& workflow) {
  JourneySummary s;
  auto q = db_.query(
      "SELECT j.status, count(*), min(j.wake_ms) FROM runs r JOIN journeys j ON j.run_id = r.id "
      "WHERE r.workflow = ?1 AND j.status IN ('active', 'waiting') GROUP BY j.status");
  q.bindText(1, workflow);
  while (q.step()) {
    const auto status = journeyStatusFromString(q.colText(0));
    (status == JourneyStatus::kActive ? s.active : s.waiting) = q.colInt(1);
    const int64_t wake = q.colInt(2);
    if (!s.next_wake_ms || wake < *s.next_wake_ms) s.next_wake_ms = wake;
  }
  return s;
}

}  // namespace herald::store::sqlite
