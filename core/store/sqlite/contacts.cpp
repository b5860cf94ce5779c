#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {

const char* const kContactColumns =
    "c.id, c.external_id, c.email, c.phone, c.first_name, c.last_name, c.timezone, c.locale, "
    "c.attributes, c.created_ms, c.updated_ms, c.tags, "
    // The newest consent per channel (SQLite takes the bare columns from the
    // row holding max(at_ms)).
    "(SELECT json_group_array(json_array(channel, granted, source, at, wording)) FROM "
    "   (SELECT channel, granted, source, max(at_ms) AS at, wording FROM consents k "
    "     WHERE k.contact_id = c.id GROUP BY channel)), "
    "c.suppressed_ms";

Contact readContact(const Query& q, int first) {
  Contact c;
  c.id = q.colInt(first);
  c.external_id = q.colOptText(first + 1);
  c.email = q.colOptText(first + 2);
  c.phone = q.colOptText(first + 3);
  c.first_name = q.colOptText(first + 4);
  c.last_name = q.colOptText(first + 5);
  c.timezone = q.colOptText(first + 6);
  c.locale = q.colOptText(first + 7);
  c.attributes = nlohmann::json::parse(q.colView(first + 8));
  c.created_ms = q.colInt(first + 9);
  c.updated_ms = q.colInt(first + 10);
  for (auto& tag : nlohmann::json::parse(q.colView(first + 11))) {
    c.tags.push_back(std::move(tag.get_ref<std::string&>()));
  }
  // GROUP BY channel: sorted by channel.
  for (auto& k : nlohmann::json::parse(q.colView(first + 12))) {
    c.consents.push_back(Consent{std::move(k[0].get_ref<std::string&>()), k[1].get<int64_t>() != 0,
                                 std::move(k[2].get_ref<std::string&>()), k[3].get<int64_t>(),
                                 std::move(k[4].get_ref<std::string&>())});
  }
  if (!q.isNull(first + 13)) c.suppressed_ms = q.colInt(first + 13);
  return c;
}

namespace {

std::optional<Contact> oneContact(Db& db, std::string_view where, auto bind) {
  // An erased contact keeps only its id: for every lookup it is gone.
  std::string sql =
      std::string("SELECT ") + kContactColumns + " FROM contacts c WHERE c.erased_ms IS NULL AND ";
  sql += where;
  auto q = db.query(sql);
  bind(q);
  if (!q.step()) return std::nullopt;
  return readContact(q, 0);
}

}  // namespace

std::optional<Contact> SqliteStore::contactById(int64_t id) {
  return oneContact(db_, "c.id = ?1", [&](Query& q) { q.bindInt(1, id); });
}

std::optional<Contact> SqliteStore::contactByExternalId(const std::string& external_id) {
  return oneContact(db_, "c.external_id = ?1", [&](Query& q) { q.bindText(1, external_id); });
}

std::optional<Contact> SqliteStore::contactByEmail(const std::string& email) {
  return oneContact(db_, "c.email = ?1", [&](Query& q) { q.bindText(1, email); });
}

std::vector<Contact> SqliteStore::contactsByPhone(const std::string& phone) {
  std::vector<Contact> out;
  auto q = db_.query(std::string("SELECT ") + kContactColumns +
                     " FROM contacts c WHERE c.erased_ms IS NULL AND c.phone = ?1 "
                     "ORDER BY c.updated_ms DESC, c.id DESC");
  q.bindText(1, phone);
  while (q.step()) out.push_back(readContact(q, 0));
  return out;
}

int64_t SqliteStore::contactCount() {
  auto q = db_.query("SELECT count(*) FROM contacts WHERE erased_ms IS NULL");
  q.step();
  return q.colInt(0);
}

int64_t SqliteStore::eventCount() {
  auto q = db_.query("SELECT count(*) FROM events");
  q.step();
  return q.colInt(0);
}

std::vector<Event> SqliteStore::eventsOf(int64_t contact_id) {
  std::vector<Event> out;
  auto q = db_.query(
      "SELECT id, contact_id, type, properties, at_ms, external_id FROM events "
      "WHERE contact_id = ?1 ORDER BY at_ms, id");
  q.bindInt(1, contact_id);
  while (q.step()) {
    Event e;
    e.id = q.colInt(0);
    e.contact_id = q.colInt(1);
    e.type = q.colText(2);
    e.properties = nlohmann::json::parse(q.colView(3));
    e.at_ms = q.colInt(4);
    e.external_id = q.colOptText(5);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace herald::store::sqlite
