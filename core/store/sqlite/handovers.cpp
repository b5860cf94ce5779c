// Batches in a plugin's hands (plugin_handovers, migration 4).
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {

constexpr const char* kColumns =
    "h.run_id, h.step_id, h.batch_hash, h.plugin, h.step_type, h.first_contact, h.last_contact, "
    "h.contacts, h.attempts, h.quarantined_ms, h.updated_ms";

Handover readHandover(const Query& q) {
  Handover h;
  h.run_id = q.colInt(0);
  h.step_id = q.colText(1);
  h.batch_hash = q.colText(2);
  h.plugin = q.colText(3);
  h.step_type = q.colText(4);
  h.first_contact = q.colInt(5);
  h.last_contact = q.colInt(6);
  h.contacts = q.colInt(7);
  h.attempts = static_cast<int32_t>(q.colInt(8));
  if (!q.isNull(9)) h.quarantined_ms = q.colInt(9);
  h.updated_ms = q.colInt(10);
  return h;
}

}  // namespace

std::optional<Handover> SqliteStore::handover(int64_t run_id, const std::string& step_id,
                                              const std::string& batch_hash) {
  auto q = db_.query(std::string("SELECT ") + kColumns +
                     " FROM plugin_handovers h WHERE h.run_id = ?1 AND h.step_id = ?2 AND "
                     "h.batch_hash = ?3");
  q.bindInt(1, run_id).bindText(2, step_id).bindText(3, batch_hash);
  if (!q.step()) return std::nullopt;
  return readHandover(q);
}

void SqliteStore::recordHandover(const Handover& h, int64_t now_ms) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT INTO plugin_handovers(run_id, step_id, batch_hash, plugin, step_type, "
        "first_contact, last_contact, contacts, attempts, updated_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9) "
        "ON CONFLICT(run_id, step_id, batch_hash) DO UPDATE SET attempts = attempts + 1, "
        "plugin = excluded.plugin, step_type = excluded.step_type, updated_ms = "
        "excluded.updated_ms");
    q.bindInt(1, h.run_id)
        .bindText(2, h.step_id)
        .bindText(3, h.batch_hash)
        .bindText(4, h.plugin)
        .bindText(5, h.step_type)
        .bindInt(6, h.first_contact)
        .bindInt(7, h.last_contact)
        .bindInt(8, h.contacts)
        .bindInt(9, now_ms);
    q.run();
  }
  tx.commit();
}

void SqliteStore::clearHandover(int64_t run_id, const std::string& step_id,
                                const std::string& batch_hash) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "DELETE FROM plugin_handovers WHERE run_id = ?1 AND step_id = ?2 AND batch_hash = ?3 "
        "AND quarantined_ms IS NULL");
    q.bindInt(1, run_id).bindText(2, step_id).bindText(3, batch_hash);
    q.run();
  }
  tx.commit();
}

void SqliteStore::quarantineHandover(int64_t run_id, const std::string& step_id,
                                     const std::string& batch_hash, int64_t now_ms) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "UPDATE plugin_handovers SET quarantined_ms = ?4, updated_ms = ?4 "
        "WHERE run_id = ?1 AND step_id = ?2 AND batch_hash = ?3");
    q.bindInt(1, run_id).bindText(2, step_id).bindText(3, batch_hash).bindInt(4, now_ms);
    q.run();
  }
  tx.commit();
}

std::vector<Handover> SqliteStore::quarantinedBatches(const std::string& workflow) {
  auto q = db_.query(std::string("SELECT ") + kColumns +
                     ", r.workflow FROM plugin_handovers h JOIN runs r ON r.id = h.run_id "
                     "WHERE h.quarantined_ms IS NOT NULL AND (?1 = '' OR r.workflow = ?1) "
                     "ORDER BY h.quarantined_ms DESC, h.run_id DESC, h.step_id");
  q.bindText(1, workflow);
  std::vector<Handover> out;
  while (q.step()) {
    Handover h = readHandover(q);
    h.workflow = q.colText(11);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace herald::store::sqlite
