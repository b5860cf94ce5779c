#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {

constexpr const char* kEntryColumns =
    "workflow, revision, step_id, contact_id, occurrence, channel, status, decision, detail, "
    "run_id, updated_ms, until_ms, transactional, created_ms";
constexpr const char* kKeyMatch =
    "workflow = ?1 AND revision = ?2 AND step_id = ?3 AND contact_id = ?4 AND occurrence = ?5";

void bindKey(Query& q, const LedgerKey& k) {
  q.bindText(1, k.workflow)
      .bindText(2, k.revision)
      .bindText(3, k.step_id)
      .bindInt(4, k.contact_id)
      .bindInt(5, k.occurrence);
}

void bindUntil(Query& q, int index, const std::optional<int64_t>& until_ms) {
  if (until_ms)
    q.bindInt(index, *until_ms);
  else
    q.bindNull(index);
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
  if (!q.isNull(11)) e.until_ms = q.colInt(11);
  e.transactional = q.colInt(12) != 0;
  e.created_ms = q.colInt(13);
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
    const char* status = toString(w.status);
    int64_t inserted = 0;
    {
      auto q = db_.query(
          "INSERT OR IGNORE INTO send_ledger(workflow, revision, step_id, contact_id, occurrence, "
          "channel, status, decision, detail, run_id, created_ms, updated_ms, until_ms, "
          "transactional) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13)");
      bindKey(q, w.key);
      q.bindText(6, w.channel)
          .bindText(7, status)
          .bindText(8, w.decision)
          .bindText(9, w.detail)
          .bindInt(10, w.run_id)
          .bindInt(11, now);
      bindUntil(q, 12, w.until_ms);
      q.bindInt(13, w.transactional ? 1 : 0);
      q.run();
      inserted = q.changes();
    }
    if (inserted == 0) {
      // Nothing went out under a failed, refused, deferred, queued or skipped
      // key: the policy decides again and the key may be delivered now.
      auto q = db_.query(std::string("UPDATE send_ledger SET status = ?6, decision = ?7, "
                                     "detail = ?8, run_id = ?9, updated_ms = ?10, until_ms = ?11 "
                                     "WHERE status IN ('failed', 'skipped', 'refused', "
                                     "'deferred', 'queued') AND ") +
                         kKeyMatch);
      bindKey(q, w.key);
      q.bindText(6, status)
          .bindText(7, w.decision)
          .bindText(8, w.detail)
          .bindInt(9, w.run_id)
          .bindInt(10, now);
      bindUntil(q, 11, w.until_ms);
      q.run();
      inserted = q.changes();
    }
    if (inserted > 0) {
      LedgerEntry e = w;
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
      "status, decision, detail, run_id, created_ms, updated_ms, until_ms, transactional) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13) "
      "ON CONFLICT(workflow, revision, step_id, contact_id, occurrence) DO UPDATE SET "
      "status = excluded.status, detail = excluded.detail, updated_ms = excluded.updated_ms, "
      "until_ms = excluded.until_ms, "
      "decision = CASE WHEN excluded.decision = '' THEN decision ELSE excluded.decision END");
  bindKey(q, e.key);
  q.bindText(6, e.channel)
      .bindText(7, toString(e.status))
      .bindText(8, e.decision)
      .bindText(9, e.detail)
      .bindInt(10, e.run_id)
      .bindInt(11, now);
  bindUntil(q, 12, e.until_ms);
  q.bindInt(13, e.transactional ? 1 : 0);
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

int64_t SqliteStore::recentSends(int64_t contact_id, const std::string& channel, int64_t since_ms) {
  // Read from send_ledger_by_contact(contact_id, channel, updated_ms): a
  // row's updated_ms is when it was claimed or settled, so a message counts
  // from the moment it went out.
  auto q = db_.query(
      "SELECT count(*) FROM send_ledger WHERE contact_id = ?1 AND channel = ?2 AND "
      "updated_ms > ?3 AND status IN ('sending', 'sent', 'unknown') AND transactional = 0");
  q.bindInt(1, contact_id).bindText(2, channel).bindInt(3, since_ms);
  q.step();
  return q.colInt(0);
}

int64_t SqliteStore::markInterruptedSends(int64_t run_id, int64_t now_ms) {
  auto q = db_.query(
      "UPDATE send_ledger SET status = 'unknown', updated_ms = ?2 "
      "WHERE run_id = ?1 AND status = 'sending'");
  q.bindInt(1, run_id).bindInt(2, now_ms);
  q.run();
  return q.changes();
}

std::optional<std::string> SqliteStore::deliveryEvidence(const LedgerKey& key) {
  // events_by_contact(contact_id, ...) narrows it to the contact's events.
  // The key is `ledger_key` in core's own events (bounces read from a
  // mailbox) and `herald_key` in the provider plugins' webhook events.
  auto q = db_.query(
      "SELECT type FROM events WHERE contact_id = ?1 AND "
      "(json_extract(properties, '$.ledger_key') = ?2 OR "
      "json_extract(properties, '$.herald_key') = ?2) ORDER BY at_ms LIMIT 1");
  const std::string text = key.text();  // bound without a copy: it must outlive the query
  q.bindInt(1, key.contact_id).bindText(2, text);
  if (!q.step()) return std::nullopt;
  return q.colText(0);
}

std::vector<LedgerEntry> SqliteStore::listLedger(const LedgerFilter& filter) {
  std::string sql = std::string("SELECT ") + kEntryColumns +
                    " FROM send_ledger WHERE (?1 = '' OR workflow = ?1) AND "
                    "(?2 IS NULL OR contact_id = ?2) AND (?3 IS NULL OR status = ?3) "
                    "ORDER BY updated_ms DESC, workflow, step_id, contact_id, occurrence LIMIT ?4";
  auto q = db_.query(sql);
  q.bindText(1, filter.workflow);
  if (filter.contact_id)
    q.bindInt(2, *filter.contact_id);
  else
    q.bindNull(2);
  if (filter.status)
    q.bindText(3, toString(*filter.status));
  else
    q.bindNull(3);
  q.bindInt(4, filter.limit);
  std::vector<LedgerEntry> out;
  while (q.step()) out.push_back(readEntry(q));
  return out;
}

}  // namespace herald::store::sqlite
