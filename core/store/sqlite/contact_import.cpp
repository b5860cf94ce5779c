// Bulk contact upsert in one write transaction.
//
// A million rows must not take minutes, and in SQLite the cost of a row is
// largely the number of statements it runs. So: a new contact is one INSERT
// (its tags ride along as a JSON column), and its child rows (contact_tags,
// consents) are buffered and written 128 rows per statement.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/suppressions.hpp"
#include "store/suppression_hash.hpp"

namespace herald::store::sqlite {
namespace {

constexpr std::string_view kInsert =
    "INSERT OR IGNORE INTO contacts(external_id, email, phone, first_name, last_name, timezone, "
    "locale, attributes, tags, created_ms, updated_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view kFindByExternalId =
    "SELECT id, external_id, tags FROM contacts WHERE external_id = ?1";
constexpr std::string_view kFindByEmail =
    "SELECT id, external_id, tags FROM contacts WHERE email = ?1";
// Fields left out of the row (NULL) keep their stored value; attributes are
// merged key by key (RFC 7396: the new value wins, a JSON null removes a key).
constexpr std::string_view kUpdate =
    "UPDATE contacts SET external_id = coalesce(?1, external_id), email = coalesce(?2, email), "
    "phone = coalesce(?3, phone), first_name = coalesce(?4, first_name), "
    "last_name = coalesce(?5, last_name), timezone = coalesce(?6, timezone), "
    "locale = coalesce(?7, locale), "
    "attributes = CASE WHEN ?8 IS NULL THEN attributes ELSE json_patch(attributes, ?8) END, "
    "tags = ?9, updated_ms = ?10 WHERE id = ?11";
constexpr std::string_view kLatestConsent =
    "SELECT granted, at_ms FROM consents WHERE contact_id = ?1 AND channel = ?2 "
    "ORDER BY at_ms DESC LIMIT 1";

class SqliteContactImport final : public ContactImport {
 public:
  SqliteContactImport(Db& db, bool allow_bulk_load)
      : db_(db),
        bulk_(db),
        tx_(db),
        insert_(db.stmt(kInsert)),
        find_by_external_id_(db.stmt(kFindByExternalId)),
        find_by_email_(db.stmt(kFindByEmail)),
        update_(db.stmt(kUpdate)),
        latest_consent_(db.stmt(kLatestConsent)),
        tags_out_(db, "INSERT OR IGNORE INTO contact_tags(tag, contact_id)", 2),
        // REPLACE: a different answer stamped with the same millisecond wins.
        consents_out_(db,
                      "INSERT OR REPLACE INTO consents(contact_id, channel, at_ms, granted, "
                      "source, wording)",
                      6),
        // Loaded once: an import costs nothing more while the list is empty.
        suppressed_(suppressionHashes(db)) {
    if (!suppressed_.empty()) salt_ = suppressionSalt(db);
    if (allow_bulk_load) startBulkLoad();
  }

  int64_t upsert(const Contact& c) override {
    attributes_.clear();
    if (!c.attributes.is_null() && !c.attributes.empty()) attributes_ = c.attributes.dump();
    return write(c, attributes_);
  }

  int64_t upsertWithAttributes(const Contact& c, std::string_view attributes_json) override {
    return write(c, attributes_json == "{}" ? std::string_view() : attributes_json);
  }

  void check() override {
    if (deferred_indexes_.empty()) return;
    for (const auto& sql : deferred_indexes_) {
      int rc = sqlite3_exec(db_.raw(), sql.c_str(), nullptr, nullptr, nullptr);
      if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        throw BulkLoadConflict("the rows repeat an external id or an email");
      }
      if (rc != SQLITE_OK) db_.fail(rc, "cannot rebuild the contact indexes");
    }
    deferred_indexes_.clear();
  }

  void commit() override {
    tags_out_.flush();
    consents_out_.flush();
    check();
    tx_.commit();
  }

  int64_t createdCount() const override { return created_; }
  int64_t updatedCount() const override { return updated_; }

 private:
  // Into an empty store, rows are appended without probing the contact
  // indexes, which are dropped here (inside the transaction: other
  // connections never see them missing) and rebuilt by check(). Every row
  // then takes the INSERT path, as every contact is new, unless the file
  // repeats a key, which check() reports.
  void startBulkLoad() {
    {
      auto q = db_.query("SELECT 1 FROM contacts LIMIT 1");
      if (q.step()) return;
    }
    std::vector<std::string> names;
    {
      auto q = db_.query(
          "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'contacts' "
          "AND sql IS NOT NULL");
      while (q.step()) {
        names.push_back(q.colText(0));
        deferred_indexes_.push_back(q.colText(1));
      }
    }
    for (const auto& name : names) db_.exec(dropIndexSql(name).c_str());
  }

  // Whether the row's email or phone is on the suppression list.
  bool suppressed(const Contact& c) const {
    if (suppressed_.empty()) return false;
    for (const auto& [kind, address] :
         {std::pair{"email", &c.email}, std::pair{"phone", &c.phone}}) {
      if (!*address || (*address)->empty()) continue;
      const auto canonical = canonicalAddress(kind, **address);
      if (suppressed_.count(suppressionHash(salt_, kind, canonical.value_or(**address))) != 0) {
        return true;
      }
    }
    return false;
  }

  // `attributes` is JSON object text, empty for none. 0 for a contact on
  // the suppression list, which is not stored.
  int64_t write(const Contact& c, std::string_view attributes) {
    if (suppressed(c)) return 0;
    const int64_t now = c.updated_ms != 0 ? c.updated_ms : systemNowMs();
    // Optimistic insert: in a large import most rows are new, and then this
    // is the only statement of the row. OR IGNORE turns "this external id or
    // email is already stored" into zero changes; only then do we look up.
    tag_views_.assign(c.tags.begin(), c.tags.end());
    writeTags();
    int64_t id = 0;
    {
      Query q(insert_);
      bindFields(q, c);
      q.bindText(8, attributes.empty() ? std::string_view("{}") : attributes)
          .bindText(9, tags_)
          .bindInt(10, c.created_ms != 0 ? c.created_ms : now)
          .bindInt(11, now);
      q.run();
      if (q.changes() > 0) id = db_.lastInsertRowid();
    }
    if (id != 0) {
      for (const auto& t : tag_views_) tags_out_.addText(t).addInt(id).endRow();
      for (const auto& k : c.consents) addConsent(id, k, now);
      ++created_;
      return id;
    }

    // An update reads what is stored, so everything buffered goes first.
    tags_out_.flush();
    consents_out_.flush();
    id = find(c);
    // Tags are a union: the stored ones plus the new ones.
    auto stored = nlohmann::json::parse(stored_tags_);
    for (const auto& t : stored) tag_views_.push_back(t.get_ref<const std::string&>());
    writeTags();
    {
      Query q(update_);
      bindFields(q, c);
      if (!attributes.empty()) q.bindText(8, attributes);
      q.bindText(9, tags_).bindInt(10, now).bindInt(11, id);
      runUpdate(q, c);
    }
    for (const auto& t : c.tags) tags_out_.addText(t).addInt(id).endRow();  // OR IGNORE
    for (const auto& k : c.consents) {
      if (changesConsent(id, k, k.at_ms != 0 ? k.at_ms : now)) addConsent(id, k, now);
    }
    ++updated_;
    return id;
  }

  // The stored contact that made the insert a no-op: by external id, else by
  // email. Throws ContactConflict when the email belongs to a contact with
  // another external id.
  int64_t find(const Contact& c) {
    if (c.external_id) {
      Query q(find_by_external_id_);
      q.bindText(1, *c.external_id);
      if (q.step()) {
        stored_tags_ = q.colText(2);
        return q.colInt(0);
      }
    }
    Query q(find_by_email_);
    q.bindOptText(1, c.email);
    if (!q.step()) throw StoreError("contact import: the conflicting contact is gone");
    if (c.external_id && !q.isNull(1)) {
      throw ContactConflict(
          fmt::format("email '{}' already belongs to the contact with external id '{}'; "
                      "two contacts cannot share an email address",
                      *c.email, q.colView(1)));
    }
    stored_tags_ = q.colText(2);
    return q.colInt(0);
  }

  void bindFields(Query& q, const Contact& c) {
    q.bindOptText(1, c.external_id)
        .bindOptText(2, c.email)
        .bindOptText(3, c.phone)
        .bindOptText(4, c.first_name)
        .bindOptText(5, c.last_name)
        .bindOptText(6, c.timezone)
        .bindOptText(7, c.locale);
  }

  // Found by external id, the row may bring an email that another contact
  // has. The update is the row's first write, so nothing of it is left.
  void runUpdate(Query& q, const Contact& c) {
    try {
      q.run();
    } catch (const UniqueViolation&) {
      std::string owner = "another contact";
      if (c.email) {
        Query o(find_by_email_);
        o.bindText(1, *c.email);
        if (o.step() && !o.isNull(1)) {
          owner = fmt::format("the contact with external id '{}'", o.colView(1));
        }
      }
      throw ContactConflict(fmt::format(
          "email '{}' already belongs to {}; two contacts cannot share an email address",
          c.email.value_or(""), owner));
    }
  }

  // tag_views_ as a sorted JSON array without duplicates.
  void writeTags() {
    std::sort(tag_views_.begin(), tag_views_.end());
    tag_views_.erase(std::unique(tag_views_.begin(), tag_views_.end()), tag_views_.end());
    tags_.assign(1, '[');
    for (auto t : tag_views_) {
      if (tags_.size() > 1) tags_ += ',';
      appendJsonString(tags_, t);
    }
    tags_ += ']';
  }

  void addConsent(int64_t id, const Consent& k, int64_t now) {
    consents_out_.addInt(id)
        .addText(k.channel)
        .addInt(k.at_ms != 0 ? k.at_ms : now)
        .addInt(k.granted ? 1 : 0)
        .addText(k.source)
        .addText(k.wording)
        .endRow();
  }

  // A consent is recorded when it changes the channel's current state and is
  // not older than it. Re-importing the same answer adds nothing.
  bool changesConsent(int64_t id, const Consent& k, int64_t at) {
    Query q(latest_consent_);
    q.bindInt(1, id).bindText(2, k.channel);
    if (!q.step()) return true;
    bool same = (q.colInt(0) != 0) == k.granted;
    return !same && q.colInt(1) <= at;
  }

  Db& db_;
  BulkMode bulk_;  // before tx_: set up before BEGIN, restored after the end
  WriteTx tx_;
  Stmt& insert_;
  Stmt& find_by_external_id_;
  Stmt& find_by_email_;
  Stmt& update_;
  Stmt& latest_consent_;
  BatchInsert tags_out_;
  BatchInsert consents_out_;
  std::string attributes_;
  std::string tags_;
  std::string stored_tags_;
  std::vector<std::string_view> tag_views_;
  std::vector<std::string> deferred_indexes_;   // CREATE INDEX statements to run
  std::unordered_set<std::string> suppressed_;  // the suppression list's hashes
  std::string salt_;
  int64_t created_ = 0;
  int64_t updated_ = 0;
};

}  // namespace

std::unique_ptr<ContactImport> SqliteStore::beginContactImport() {
  return std::make_unique<SqliteContactImport>(db_, false);
}

std::unique_ptr<ContactImport> SqliteStore::beginBulkContactImport() {
  return std::make_unique<SqliteContactImport>(db_, true);
}

}  // namespace herald::store::sqlite
