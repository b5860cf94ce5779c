// Enrolment with re-entry rules, and the event-ingestion transaction that
// stores posted events and enrols their contacts together.
#include <fmt/format.h>

#include "store/sqlite/enrolment_sql.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {

int reentryCode(const Reentry& r) {
  switch (r.kind) {
    case Reentry::Kind::kOnce:
      return 0;
    case Reentry::Kind::kOncePer:
      return 1;
    case Reentry::Kind::kAlways:
      return 2;
  }
  return 0;
}

// ?1 run, ?2 first step, ?3 now, ?4 re-entry code, ?5 period: the columns and
// the re-entry test of one new journey of contact `c` in run `r`. The entry
// number is the count of the contact's journeys of the revision
// (journeys_by_contact answers both from the index).
const char* const kEntryColumns =
    "INSERT INTO journeys(run_id, contact_id, revision, step_id, status, vars, wake_ms, "
    "attempts, occurrence, updated_ms, entry, context, entered_ms) "
    "SELECT ?1, c.id, r.revision, ?2, 'active', '{{}}', ?3, 0, 0, ?3, "
    "(SELECT count(*) FROM journeys p WHERE p.contact_id = c.id AND p.revision = r.revision), "
    "{context}, ?3 FROM contacts c JOIN runs r ON r.id = ?1 ";
const char* const kReentryTest =
    " AND c.erased_ms IS NULL AND c.suppressed_ms IS NULL AND (?4 = 2 OR NOT EXISTS (SELECT 1 "
    "FROM journeys p WHERE p.contact_id = c.id AND p.revision = r.revision AND (?4 = 0 OR "
    "p.entered_ms > ?3 - ?5)))";

int64_t enrollOne(Db& db, int64_t run_id, const std::string& first_step, const Reentry& reentry,
                  const EntryRequest& entry, int64_t now_ms) {
  static const std::string sql =
      fmt::format(fmt::runtime(kEntryColumns), fmt::arg("context", "?6")) + "WHERE c.id = ?7" +
      kReentryTest;
  auto q = db.query(sql);
  const std::string context =
      entry.context.is_object() && !entry.context.empty() ? entry.context.dump() : "{}";
  q.bindInt(1, run_id)
      .bindText(2, first_step)
      .bindInt(3, now_ms)
      .bindInt(4, reentryCode(reentry))
      .bindInt(5, reentry.period_ms)
      .bindText(6, context)
      .bindInt(7, entry.contact_id);
  q.run();
  return q.changes();
}

// An event run that ended (nothing was left to do) is open again once it
// has new journeys.
void noteEnrolled(Db& db, int64_t run_id, int64_t n, int64_t now_ms) {
  if (n == 0) return;
  auto q = db.query(
      "UPDATE runs SET enrolled = 1, enrolled_count = enrolled_count + ?2, updated_ms = ?3, "
      "status = CASE WHEN status IN ('done', 'waiting') THEN 'running' ELSE status END "
      "WHERE id = ?1");
  q.bindInt(1, run_id).bindInt(2, n).bindInt(3, now_ms);
  q.run();
}

int64_t SqliteStore::enrollEntries(int64_t run_id, const std::string& first_step,
                                   const Reentry& reentry, std::span<const EntryRequest> entries,
                                   int64_t now_ms) {
  WriteTx tx(db_);
  int64_t n = 0;
  for (const auto& e : entries) n += enrollOne(db_, run_id, first_step, reentry, e, now_ms);
  noteEnrolled(db_, run_id, n, now_ms);
  tx.commit();
  return n;
}

namespace {

class SqliteEventIngest final : public EventIngest {
 public:
  explicit SqliteEventIngest(Db& db) : db_(db), tx_(db) {}

  std::optional<Contact> resolveContact(std::optional<int64_t> id,
                                        const std::optional<std::string>& external_id,
                                        const std::optional<std::string>& email) override {
    if (id) return lookup("c.id = ?1", [&](Query& q) { q.bindInt(1, *id); });
    if (external_id) {
      if (auto c = lookup("c.external_id = ?1", [&](Query& q) { q.bindText(1, *external_id); }))
        return c;
    }
    if (email) return lookup("c.email = ?1", [&](Query& q) { q.bindText(1, *email); });
    return std::nullopt;
  }

  std::optional<int64_t> insert(const Event& e) override {
    auto q = db_.query(
        "INSERT OR IGNORE INTO events(contact_id, type, properties, at_ms, external_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    // Bound without a copy: the text must outlive run().
    const std::string properties = e.properties.is_null() ? "{}" : e.properties.dump();
    q.bindInt(1, e.contact_id)
        .bindText(2, e.type)
        .bindText(3, properties)
        .bindInt(4, e.at_ms)
        .bindOptText(5, e.external_id);
    q.run();
    if (q.changes() == 0) return std::nullopt;
    return db_.lastInsertRowid();
  }

  int64_t enroll(int64_t run_id, const std::string& first_step, const Reentry& reentry,
                 const EntryRequest& entry, int64_t now_ms) override {
    const int64_t n = enrollOne(db_, run_id, first_step, reentry, entry, now_ms);
    noteEnrolled(db_, run_id, n, now_ms);
    return n;
  }

  void commit() override { tx_.commit(); }

 private:
  std::optional<Contact> lookup(const char* where, const auto& bind) {
    auto q = db_.query(std::string("SELECT ") + kContactColumns +
                       " FROM contacts c WHERE c.erased_ms IS NULL AND " + where);
    bind(q);
    if (!q.step()) return std::nullopt;
    return readContact(q, 0);
  }

  Db& db_;
  WriteTx tx_;
};

}  // namespace

std::unique_ptr<EventIngest> SqliteStore::beginEventIngest() {
  return std::make_unique<SqliteEventIngest>(db_);
}

}  // namespace herald::store::sqlite
