// Bulk contact upsert: one write transaction, statements prepared once, one
// index probe to find an existing contact, and no read-modify-write of JSON
// (attributes merge with json_patch inside SQLite, tags with INSERT OR IGNORE).
#include <fmt/format.h>
#include <cstdlib>

#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {

constexpr std::string_view kFindByExternalId =
    "SELECT id, email FROM contacts WHERE external_id = ?1";
constexpr std::string_view kFindByEmail = "SELECT id, external_id FROM contacts WHERE email = ?1";
constexpr std::string_view kInsert =
    "INSERT OR IGNORE INTO contacts(external_id, email, phone, first_name, last_name, timezone, locale, "
    "attributes, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
// Fields left out of the row (NULL) keep their stored value; attributes are
// merged key by key (RFC 7396: the new value wins, a JSON null removes a key).
constexpr std::string_view kUpdate =
    "UPDATE contacts SET external_id = coalesce(?1, external_id), email = coalesce(?2, email), "
    "phone = coalesce(?3, phone), first_name = coalesce(?4, first_name), "
    "last_name = coalesce(?5, last_name), timezone = coalesce(?6, timezone), "
    "locale = coalesce(?7, locale), "
    "attributes = CASE WHEN ?8 IS NULL THEN attributes ELSE json_patch(attributes, ?8) END, "
    "updated_ms = ?9 WHERE id = ?10";
// All of a contact's tags in one statement (a JSON array), not one per tag.
constexpr std::string_view kInsertTags =
    "INSERT OR IGNORE INTO contact_tags(contact_id, tag) SELECT ?1, value FROM json_each(?2)";
constexpr std::string_view kLatestConsent =
    "SELECT granted, at_ms FROM consents WHERE contact_id = ?1 AND channel = ?2 "
    "ORDER BY at_ms DESC, id DESC LIMIT 1";
constexpr std::string_view kSameConsent =
    "SELECT 1 FROM consents WHERE contact_id = ?1 AND channel = ?2 AND at_ms = ?3 AND granted = ?4";
constexpr std::string_view kInsertConsent =
    "INSERT INTO consents(contact_id, channel, granted, source, at_ms, wording) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

class SqliteContactImport final : public ContactImport {
 public:
  explicit SqliteContactImport(Db& db)
      : db_(db),
        bulk_(db),
        tx_(db),
        find_by_external_id_(db.stmt(kFindByExternalId)),
        find_by_email_(db.stmt(kFindByEmail)),
        insert_(db.stmt(kInsert)),
        update_(db.stmt(kUpdate)),
        insert_tags_(db.stmt(kInsertTags)),
        latest_consent_(db.stmt(kLatestConsent)),
        same_consent_(db.stmt(kSameConsent)),
        insert_consent_(db.stmt(kInsertConsent)) {}

  int64_t upsert(const Contact& c) override {
    const int64_t now = c.updated_ms != 0 ? c.updated_ms : systemNowMs();
    attributes_.clear();
    if (!c.attributes.is_null() && !c.attributes.empty()) attributes_ = c.attributes.dump();

    // Optimistic insert: in a large import most rows are new, and this costs
    // one statement. OR IGNORE turns "external id or email already stored"
    // into zero changes, and only then do we look the contact up.
    int64_t id = 0;
    {
      Query q(insert_);
      bindFields(q, c);
      q.bindText(8, attributes_.empty() ? std::string_view("{}") : std::string_view(attributes_));
      q.bindInt(9, c.created_ms != 0 ? c.created_ms : now);
      q.run();
      if (q.changes() > 0) id = db_.lastInsertRowid();
    }
    const bool created = id != 0;
    if (!created) {
      id = find(c);
      Query q(update_);
      bindFields(q, c);
      if (!attributes_.empty()) q.bindText(8, attributes_);
      q.bindInt(9, now).bindInt(10, id);
      runUpdate(q, c);
    }

    static bool notags = getenv("EXP_NOTAGS"); static bool nocons = getenv("EXP_NOCONS");
    if (!c.tags.empty() && !notags) {
      tags_.assign(1, '[');
      for (const auto& tag : c.tags) {
        if (tags_.size() > 1) tags_ += ',';
        appendJsonString(tags_, tag);
      }
      tags_ += ']';
      Query q(insert_tags_);
      q.bindInt(1, id).bindText(2, tags_);
      q.run();
    }
    for (const auto& consent : c.consents) {
      if (nocons) break;
      const int64_t at = consent.at_ms != 0 ? consent.at_ms : now;
      if (!created && !changesConsent(id, consent, at)) continue;
      Query q(insert_consent_);
      q.bindInt(1, id)
          .bindText(2, consent.channel)
          .bindInt(3, consent.granted ? 1 : 0)
          .bindText(4, consent.source)
          .bindInt(5, at)
          .bindText(6, consent.wording);
      q.run();
    }
    ++(created ? created_ : updated_);
    return id;
  }

  void commit() override { tx_.commit(); }
  int64_t createdCount() const override { return created_; }
  int64_t updatedCount() const override { return updated_; }

 private:
  // The stored contact that made the insert a no-op: by external id, else by
  // email. Throws ContactConflict when the email belongs to a contact with
  // another external id.
  int64_t find(const Contact& c) {
    if (c.external_id) {
      Query q(find_by_external_id_);
      q.bindText(1, *c.external_id);
      if (q.step()) return q.colInt(0);
    }
    Query q(find_by_email_);
    q.bindOptText(1, c.email);
    if (!q.step()) throw StoreError("contact import: a conflicting contact vanished");
    if (c.external_id && !q.isNull(1)) {
      throw ContactConflict(fmt::format(
          "email '{}' already belongs to the contact with external id '{}'; "
          "two contacts cannot share an email address",
          *c.email, q.colView(1)));
    }
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

  // Re-importing a file must not pile up identical consent rows: a consent is
  // recorded when it is not already there and it changes (or backdates) the
  // channel's current state.
  bool changesConsent(int64_t id, const Consent& consent, int64_t at) {
    {
      Query q(same_consent_);
      q.bindInt(1, id)
          .bindText(2, consent.channel)
          .bindInt(3, at)
          .bindInt(4, consent.granted ? 1 : 0);
      if (q.step()) return false;
    }
    Query q(latest_consent_);
    q.bindInt(1, id).bindText(2, consent.channel);
    if (!q.step()) return true;
    bool same_state = (q.colInt(0) != 0) == consent.granted;
    return !(same_state && q.colInt(1) <= at);
  }

  Db& db_;
  BulkMode bulk_;  // before tx_: set up before BEGIN, restored after the end
  WriteTx tx_;
  Stmt& find_by_external_id_;
  Stmt& find_by_email_;
  Stmt& insert_;
  Stmt& update_;
  Stmt& insert_tags_;
  Stmt& latest_consent_;
  Stmt& same_consent_;
  Stmt& insert_consent_;
  std::string attributes_;
  std::string tags_;
  int64_t created_ = 0;
  int64_t updated_ = 0;
};

}  // namespace

std::unique_ptr<ContactImport> SqliteStore::beginContactImport() {
  return std::make_unique<SqliteContactImport>(db_);
}

}  // namespace herald::store::sqlite
