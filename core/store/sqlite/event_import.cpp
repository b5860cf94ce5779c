// Bulk event insert: one write transaction, statements prepared once, a
// one-entry cache of the last contact resolved (event files are usually
// grouped by contact), and, into an empty table, no index upkeep per row: the
// indexes are dropped inside the transaction and built once at the end.
#include "store/sqlite/sqlite_store.hpp"
#include "util/money.hpp"

namespace herald::store::sqlite {
namespace {

constexpr std::string_view kByExternalId = "SELECT id FROM contacts WHERE external_id = ?1";
constexpr std::string_view kByEmail = "SELECT id FROM contacts WHERE email = ?1";
// OR IGNORE: an event whose external_id is already stored is skipped.
constexpr std::string_view kInsert =
    "INSERT OR IGNORE INTO events(contact_id, type, properties, at_ms, external_id, amount_units) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

class SqliteEventImport final : public EventImport {
 public:
  explicit SqliteEventImport(Db& db)
      : bulk_(db),
        tx_(db),
        by_external_id_(db.stmt(kByExternalId)),
        by_email_(db.stmt(kByEmail)),
        insert_(db.stmt(kInsert)),
        db_(db) {
    startBulkLoad();
  }

  std::optional<int64_t> resolveContact(const std::optional<std::string>& external_id,
                                        const std::optional<std::string>& email) override {
    if (cached_id_ && cached_external_id_ == external_id && cached_email_ == email) {
      return cached_id_;
    }
    std::optional<int64_t> id;
    if (external_id) id = lookup(by_external_id_, *external_id);
    if (!id && email) id = lookup(by_email_, *email);
    if (id) {
      cached_external_id_ = external_id;
      cached_email_ = email;
      cached_id_ = id;
    }
    return id;
  }

  void insert(const Event& e) override {
    properties_ = e.properties.is_null() ? "{}" : e.properties.dump();
    Query q(insert_);
    q.bindInt(1, e.contact_id)
        .bindText(2, e.type)
        .bindText(3, properties_)
        .bindInt(4, e.at_ms)
        .bindOptText(5, e.external_id);
    // The amount in exact micro-units (migration v4), from the number's text.
    std::optional<int64_t> units;
    if (e.properties.is_object()) {
      if (auto it = e.properties.find("amount"); it != e.properties.end()) {
        units = money::unitsOf(*it);
      }
    }
    if (units) {
      q.bindInt(6, *units);
    } else {
      q.bindNull(6);
    }
    q.run();
    ++(q.changes() > 0 ? inserted_ : duplicates_);
  }

  void check() override {
    if (deferred_indexes_.empty()) return;
    // Without the unique index every event went in; keep the first of each
    // external id, as INSERT OR IGNORE would have.
    auto q = db_.query(
        "DELETE FROM events WHERE external_id IS NOT NULL AND id NOT IN "
        "(SELECT min(id) FROM events WHERE external_id IS NOT NULL GROUP BY external_id)");
    q.run();
    inserted_ -= q.changes();
    duplicates_ += q.changes();
    for (const auto& sql : deferred_indexes_) db_.exec(sql.c_str());
    deferred_indexes_.clear();
  }

  void commit() override {
    check();
    tx_.commit();
  }
  int64_t insertedCount() const override { return inserted_; }
  int64_t duplicateCount() const override { return duplicates_; }

 private:
  void startBulkLoad() {
    {
      auto q = db_.query("SELECT 1 FROM events LIMIT 1");
      if (q.step()) return;
    }
    std::vector<std::string> names;
    {
      auto q = db_.query(
          "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' "
          "AND sql IS NOT NULL");
      while (q.step()) {
        names.push_back(q.colText(0));
        deferred_indexes_.push_back(q.colText(1));
      }
    }
    for (const auto& name : names) db_.exec(dropIndexSql(name).c_str());
  }

  static std::optional<int64_t> lookup(Stmt& stmt, const std::string& value) {
    Query q(stmt);
    q.bindText(1, value);
    if (!q.step()) return std::nullopt;
    return q.colInt(0);
  }

  BulkMode bulk_;  // before tx_: set up before BEGIN, restored after the end
  WriteTx tx_;
  Stmt& by_external_id_;
  Stmt& by_email_;
  Stmt& insert_;
  std::string properties_;
  std::optional<std::string> cached_external_id_;
  std::optional<std::string> cached_email_;
  std::optional<int64_t> cached_id_;
  Db& db_;
  std::vector<std::string> deferred_indexes_;  // CREATE INDEX statements to run
  int64_t inserted_ = 0;
  int64_t duplicates_ = 0;
};

}  // namespace

std::unique_ptr<EventImport> SqliteStore::beginEventImport() {
  return std::make_unique<SqliteEventImport>(db_);
}

}  // namespace herald::store::sqlite
