#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {

constexpr const char* kEntryColumns =
    "workflow, revision, step_id, contact_id, occurrence, channel, status, decision, detail, "
    "run_id, updated_ms";
constexpr const char* kKeyMatch =
    "workflow = ?1 AND revision = ?2 AND step_id = ?3 AND contact_id = ?4 AND occurrence = ?5";

void bindKey(Query& q, const LedgerKey& k) {
  q.bindText(1, k.workflow)
      .bindText(2, k.revision)
      .bindText(3, k.step_id)
      .bindInt(4, k.contact_id)
      .bindInt(5, k.occurrence);
}

LedgerEntry readEntry(const Query& q) {
  LedgerEntry e;
  e.key.workflow = q.colText(0);
  e.key.revision = q.colText(1);
  e.key.step_id = q.colText(2);
  e.key.contact_id = q.colInt(3);
  e.key.occurrence = q.colInt(4);
  e.channel = q.colText(5);
  e.status = ledgerStatusFromString(q.colText(6)).value_or(LedgerStatus::kUnknown);
  e.decision = q.colText(7);
  e.detail = q.colText(8);
  e.run_id = q.colInt(9);
  e.updated_ms = q.colInt(10);
  return e;
}

std::optional<LedgerEntry> findEntry(Db& db, const LedgerKey& key) {
  auto q =
      db.query(std::string("SELECT ") + kEntryColumns + " FROM send_ledger WHERE " + kKeyMatch);
  bindKey(q, key);
  if (!q.step()) return std::nullopt;
  return readEntry(q);
}

}  // namespace

std::vector<Store::Claim> SqliteStore::claimDeliveries(std::span<const LedgerEntry> wanted) {
  std::vector<Claim> out;
  out.reserve(wanted.size());
  WriteTx tx(db_);
  for (const auto& w : wanted) {
    const int64_t now = w.updated_ms != 0 ? w.updated_ms : systemNowMs();
    int64_t inserted = 0;
    {
      auto q = db_.query(
          "INSERT OR IGNORE INTO send_ledger(workflow, revision, step_id, contact_id, occurrence, "
          "channel, status, decision, detail, run_id, created_ms, updated_ms) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sending', ?7, ?8, ?9, ?10, ?10)");
      bindKey(q, w.key);
      q.bindText(6, w.channel)
          .bindText(7, w.decision)
          .bindText(8, w.detail)
          .bindInt(9, w.run_id)
          .bindInt(10, now);
      q.run();
      inserted = q.changes();
    }
    if (inserted == 0) {
      // Failed or skipped keys delivered nothing: a retry reopens them.
      auto q = db_.query(std::string("UPDATE send_ledger SET status = 'sending', decision = ?6, "
                                     "detail = ?7, run_id = ?8, updated_ms = ?9 "
                                     "WHERE status IN ('failed', 'skipped') AND ") +
                         kKeyMatch);
      bindKey(q, w.key);
      q.bindText(6, w.decision).bindText(7, w.detail).bindInt(8, w.run_id).bindInt(9, now);
      q.run();
      inserted = q.changes();
    }
    if (inserted > 0) {
      LedgerEntry e = w;
      e.status = LedgerStatus::kSending;
      e.updated_ms = now;
      out.push_back({std::move(e), true});
      continue;
    }
    // The key exists. Still 'sending' means an earlier attempt crashed between
    // claiming and settling: whether the provider got it is unknown, and
    // that is what the row says from now on.
    {
      auto q = db_.query(std::string("UPDATE send_ledger SET status = 'unknown', updated_ms = ?6 "
                                     "WHERE status = 'sending' AND ") +
                         kKeyMatch);
      bindKey(q, w.key);
      q.bindInt(6, now);
      q.run();
    }
    out.push_back({*findEntry(db_, w.key), false});
  }
  tx.commit();
  return out;
}

void SqliteStore::upsertLedger(const LedgerEntry& e, int64_t now_ms) {
  const int64_t now = e.updated_ms != 0 ? e.updated_ms : now_ms;
  auto q = db_.query(
      "INSERT INTO send_ledger(workflow, revision, step_id, contact_id, occurrence, channel, "
      "status, decision, detail, run_id, created_ms, updated_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) "
      "ON CONFLICT(workflow, revision, step_id, contact_id, occurrence) DO UPDATE SET "
      "status = excluded.status, detail = excluded.detail, updated_ms = excluded.updated_ms, "
      "decision = CASE WHEN excluded.decision = '' THEN decision ELSE excluded.decision END");
  bindKey(q, e.key);
  q.bindText(6, e.channel)
      .bindText(7, toString(e.status))
      .bindText(8, e.decision)
      .bindText(9, e.detail)
      .bindInt(10, e.run_id)
      .bindInt(11, now);
  q.run();
}

std::optional<LedgerEntry> SqliteStore::ledgerEntry(const LedgerKey& key) {
  return findEntry(db_, key);
}

int64_t SqliteStore::ledgerCount(const std::string& workflow) {
  auto q = db_.query("SELECT count(*) FROM send_ledger WHERE workflow = ?1");
  q.bindText(1, workflow);
  q.step();
  return q.colInt(0);
}

}  // namespace herald::store::sqlite
