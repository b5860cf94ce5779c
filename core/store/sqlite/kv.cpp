#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {

std::optional<std::string> SqliteStore::kvGet(const std::string& ns, const std::string& key) {
  auto q = db_.query("SELECT value FROM kv WHERE ns = ?1 AND key = ?2");
  q.bindText(1, ns).bindText(2, key);
  if (!q.step()) return std::nullopt;
  return q.colText(0);
}

void SqliteStore::kvPut(const std::string& ns, const std::string& key, const std::string& value) {
  WriteTx tx(db_);
  {
    auto q = db_.query(
        "INSERT INTO kv(ns, key, value, updated_ms) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(ns, key) DO UPDATE SET value = excluded.value, updated_ms = "
        "excluded.updated_ms");
    q.bindText(1, ns).bindText(2, key).bindBlob(3, value).bindInt(4, systemNowMs());
    q.run();
  }
  tx.commit();
}

bool SqliteStore::kvDelete(const std::string& ns, const std::string& key) {
  WriteTx tx(db_);
  bool deleted = false;
  {
    auto q = db_.query("DELETE FROM kv WHERE ns = ?1 AND key = ?2");
    q.bindText(1, ns).bindText(2, key);
    q.run();
    deleted = q.changes() > 0;
  }
  tx.commit();
  return deleted;
}

}  // namespace herald::store::sqlite
