// The contact's rights: export everything stored about a person, erase it,
// and the suppression list (salted hashes of addresses never to be imported
// or messaged again). Documented in docs/operations.md.
#include <fmt/format.h>

#include <algorithm>

#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/suppressions.hpp"
#include "store/suppression_hash.hpp"
#include "util/clock.hpp"

namespace herald::store::sqlite {
namespace {

nlohmann::json textOrNull(const Query& q, int col) {
  if (q.isNull(col)) return nullptr;
  return q.colText(col);
}

nlohmann::json optText(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

// The row as stored: an existing one (same kind and hash) is kept as it was.
Suppression storeSuppression(Db& db, const std::string& kind, const std::string& hash,
                             const std::string& reason, int64_t now_ms) {
  {
    auto q = db.query(
        "INSERT OR IGNORE INTO suppressions(kind, hash, reason, at_ms) VALUES (?1, ?2, ?3, ?4)");
    q.bindText(1, kind).bindText(2, hash).bindText(3, reason).bindInt(4, now_ms);
    q.run();
  }
  auto q = db.query("SELECT reason, at_ms FROM suppressions WHERE kind = ?1 AND hash = ?2");
  q.bindText(1, kind).bindText(2, hash);
  if (!q.step()) throw StoreError("suppression list: the row just written is gone");
  return Suppression{kind, hash, q.colText(0), q.colInt(1)};
}

nlohmann::json exportConsents(Db& db, int64_t id) {
  auto out = nlohmann::json::array();
  auto q = db.query(
      "SELECT channel, granted, source, at_ms, wording FROM consents WHERE contact_id = ?1 "
      "ORDER BY channel, at_ms");
  q.bindInt(1, id);
  while (q.step()) {
    out.push_back({{"channel", q.colText(0)},
                   {"granted", q.colInt(1) != 0},
                   {"source", q.colText(2)},
                   {"at", formatIsoTime(q.colInt(3))},
                   {"wording", q.colText(4)}});
  }
  // The newest answer per channel is the one in force.
  for (size_t i = 0; i < out.size(); ++i) {
    out[i]["current"] = i + 1 == out.size() || out[i + 1]["channel"] != out[i]["channel"];
  }
  return out;
}

nlohmann::json exportJourneys(Db& db, int64_t id) {
  auto out = nlohmann::json::array();
  {
    auto q = db.query(
        "SELECT j.id, j.run_id, r.workflow, j.revision, j.step_id, j.status, j.vars, "
        "j.updated_ms FROM journeys j LEFT JOIN runs r ON r.id = j.run_id "
        "WHERE j.contact_id = ?1 ORDER BY j.id");
    q.bindInt(1, id);
    while (q.step()) {
      out.push_back({{"id", q.colInt(0)},
                     {"run_id", q.colInt(1)},
                     {"workflow", textOrNull(q, 2)},
                     {"revision", q.colText(3)},
                     {"step", q.colText(4)},
                     {"status", q.colText(5)},
                     {"vars", nlohmann::json::parse(q.colView(6))},
                     {"updated_at", formatIsoTime(q.colInt(7))},
                     {"visits", nlohmann::json::array()},
                     {"failures", nlohmann::json::array()}});
    }
  }
  for (auto& j : out) {
    auto v = db.query(
        "SELECT step_id, occurrence, outcome, at_ms FROM journey_visits WHERE journey_id = ?1 "
        "ORDER BY at_ms, step_id, occurrence");
    v.bindInt(1, j["id"].get<int64_t>());
    while (v.step()) {
      j["visits"].push_back({{"step", v.colText(0)},
                             {"occurrence", v.colInt(1)},
                             {"outcome", v.colText(2)},
                             {"at", formatIsoTime(v.colInt(3))}});
    }
    auto f = db.query(
        "SELECT step_id, reason, at_ms FROM journey_failures WHERE journey_id = ?1 ORDER BY id");
    f.bindInt(1, j["id"].get<int64_t>());
    while (f.step()) {
      j["failures"].push_back(
          {{"step", f.colText(0)}, {"reason", f.colText(1)}, {"at", formatIsoTime(f.colInt(2))}});
    }
  }
  return out;
}

nlohmann::json exportMessages(Db& db, int64_t id) {
  auto out = nlohmann::json::array();
  auto q = db.query(
      "SELECT workflow, revision, step_id, occurrence, channel, status, decision, detail, run_id, "
      "created_ms, updated_ms FROM send_ledger WHERE contact_id = ?1 ORDER BY created_ms, "
      "workflow, step_id, occurrence");
  q.bindInt(1, id);
  while (q.step()) {
    out.push_back({{"workflow", q.colText(0)},
                   {"revision", q.colText(1)},
                   {"step", q.colText(2)},
                   {"occurrence", q.colInt(3)},
                   {"channel", q.colText(4)},
                   {"status", q.colText(5)},
                   {"decision", q.colText(6)},
                   {"detail", q.colText(7)},
                   {"run_id", q.colInt(8)},
                   {"created_at", formatIsoTime(q.colInt(9))},
                   {"updated_at", formatIsoTime(q.colInt(10))}});
  }
  return out;
}

// The experiments the contact was placed in, and where (sticky assignments).
nlohmann::json exportExperiments(Db& db, int64_t id) {
  auto out = nlohmann::json::array();
  auto q = db.query(
      "SELECT key, variant, phase, assigned_ms, run_id FROM experiment_assignments "
      "WHERE contact_id = ?1 ORDER BY assigned_ms, key");
  q.bindInt(1, id);
  while (q.step()) {
    out.push_back({{"experiment", q.colText(0)},
                   {"variant", q.colText(1)},
                   {"phase", q.colText(2)},
                   {"assigned_at", formatIsoTime(q.colInt(3))},
                   {"run_id", q.colInt(4)}});
  }
  return out;
}

nlohmann::json exportEvents(Db& db, int64_t id) {
  auto out = nlohmann::json::array();
  auto q = db.query(
      "SELECT id, type, at_ms, properties, external_id FROM events WHERE contact_id = ?1 "
      "ORDER BY at_ms, id");
  q.bindInt(1, id);
  while (q.step()) {
    out.push_back({{"id", q.colInt(0)},
                   {"type", q.colText(1)},
                   {"at", formatIsoTime(q.colInt(2))},
                   {"properties", nlohmann::json::parse(q.colView(3))},
                   {"event_id", textOrNull(q, 4)}});
  }
  return out;
}

// Keeps only the `keep` keys of an event's properties.
std::string keptProperties(std::string_view text, const std::vector<std::string>& keep) {
  auto props = nlohmann::json::parse(text, nullptr, false);
  if (!props.is_object()) return "{}";
  auto out = nlohmann::json::object();
  for (const auto& k : keep) {
    if (auto it = props.find(k); it != props.end()) out[k] = std::move(*it);
  }
  return out.dump();
}

}  // namespace

std::string suppressionSalt(Db& db) {
  auto q = db.query("SELECT value FROM meta WHERE key = 'suppression_salt'");
  if (!q.step()) throw StoreError(db.path() + ": the suppression salt is missing from meta");
  return q.colText(0);
}

std::unordered_set<std::string> suppressionHashes(Db& db) {
  std::unordered_set<std::string> out;
  auto q = db.query("SELECT hash FROM suppressions");
  while (q.step()) out.insert(q.colText(0));
  return out;
}

std::optional<nlohmann::json> SqliteStore::exportContact(int64_t contact_id) {
  auto c = contactById(contact_id);
  if (!c) return std::nullopt;
  nlohmann::json out;
  out["format"] = "herald-contact-export/1";
  nlohmann::json fields;
  fields["id"] = c->id;
  fields["external_id"] = optText(c->external_id);
  fields["email"] = optText(c->email);
  fields["phone"] = optText(c->phone);
  fields["first_name"] = optText(c->first_name);
  fields["last_name"] = optText(c->last_name);
  fields["timezone"] = optText(c->timezone);
  fields["locale"] = optText(c->locale);
  fields["created_at"] = formatIsoTime(c->created_ms);
  fields["updated_at"] = formatIsoTime(c->updated_ms);
  fields["suppressed_at"] =
      c->suppressed_ms ? nlohmann::json(formatIsoTime(*c->suppressed_ms)) : nlohmann::json(nullptr);
  out["contact"] = std::move(fields);
  out["attributes"] = c->attributes;
  out["tags"] = c->tags;
  out["consents"] = exportConsents(db_, contact_id);
  out["events"] = exportEvents(db_, contact_id);
  out["journeys"] = exportJourneys(db_, contact_id);
  out["messages"] = exportMessages(db_, contact_id);
  out["experiments"] = exportExperiments(db_, contact_id);
  return out;
}

std::optional<ErasureReport> SqliteStore::eraseContact(
    int64_t contact_id, const std::vector<std::string>& keep_event_properties, int64_t now_ms) {
  WriteTx tx(db_);
  auto c = contactById(contact_id);
  if (!c) return std::nullopt;
  ErasureReport report;
  report.contact_id = contact_id;

  const std::string salt = suppressionSalt(db_);
  for (const auto& [kind, address] : {std::pair{"email", c->email}, std::pair{"phone", c->phone}}) {
    if (!address || address->empty()) continue;
    const std::string canonical = canonicalAddress(kind, *address).value_or(*address);
    report.suppressed.push_back(
        storeSuppression(db_, kind, suppressionHash(salt, kind, canonical), "erased", now_ms));
  }

  // contact_tags is keyed by tag: delete by the contact's own tags.
  for (const auto& tag : c->tags) {
    auto q = db_.query("DELETE FROM contact_tags WHERE tag = ?1 AND contact_id = ?2");
    q.bindText(1, tag).bindInt(2, contact_id);
    q.run();
  }
  {
    auto q = db_.query("DELETE FROM consents WHERE contact_id = ?1");
    q.bindInt(1, contact_id);
    q.run();
  }
  {
    auto q = db_.query(
        "DELETE FROM journey_visits WHERE journey_id IN "
        "(SELECT id FROM journeys WHERE contact_id = ?1)");
    q.bindInt(1, contact_id);
    q.run();
  }
  {
    auto q = db_.query("DELETE FROM journey_failures WHERE contact_id = ?1");
    q.bindInt(1, contact_id);
    q.run();
  }
  {
    auto q = db_.query("DELETE FROM journeys WHERE contact_id = ?1");
    q.bindInt(1, contact_id);
    q.run();
    report.journeys_removed = q.changes();
  }
  {
    // The ledger stays (it keeps a message from being sent twice, and counts
    // what was sent), without the provider's detail about the message.
    auto q = db_.query("UPDATE send_ledger SET detail = '' WHERE contact_id = ?1");
    q.bindInt(1, contact_id);
    q.run();
  }

  std::vector<std::pair<int64_t, std::string>> events;
  {
    auto q = db_.query("SELECT id, properties FROM events WHERE contact_id = ?1");
    q.bindInt(1, contact_id);
    while (q.step()) {
      events.emplace_back(q.colInt(0), keptProperties(q.colView(1), keep_event_properties));
    }
  }
  for (const auto& [id, props] : events) {
    // The source's event id could lead back to the person: it goes too.
    auto q = db_.query(
        "UPDATE events SET properties = ?1, external_id = NULL, "
        "amount_units = herald_money_units(?1 -> '$.amount') WHERE id = ?2");
    q.bindText(1, props).bindInt(2, id);
    q.run();
  }
  report.events_anonymised = static_cast<int64_t>(events.size());

  {
    auto q = db_.query(
        "UPDATE contacts SET external_id = NULL, email = NULL, phone = NULL, first_name = NULL, "
        "last_name = NULL, timezone = NULL, locale = NULL, attributes = '{}', tags = '[]', "
        "erased_ms = ?1, suppressed_ms = coalesce(suppressed_ms, ?1), updated_ms = ?1 "
        "WHERE id = ?2");
    q.bindInt(1, now_ms).bindInt(2, contact_id);
    q.run();
  }
  tx.commit();
  return report;
}

Suppression SqliteStore::suppressAddress(const std::string& kind, const std::string& address,
                                         const std::string& reason, int64_t now_ms) {
  if (!isSuppressionKind(kind)) {
    throw StoreError(fmt::format("suppression kind '{}': write email or phone", kind));
  }
  const auto canonical = canonicalAddress(kind, address);
  if (!canonical) {
    throw StoreError(fmt::format("'{}' is not {}", address,
                                 kind == "email" ? "an email address" : "an E.164 phone number"));
  }
  WriteTx tx(db_);
  Suppression s = storeSuppression(
      db_, kind, suppressionHash(suppressionSalt(db_), kind, *canonical), reason, now_ms);
  {
    auto q =
        db_.query(kind == "email" ? "UPDATE contacts SET suppressed_ms = ?1 WHERE email = ?2 AND "
                                    "suppressed_ms IS NULL AND erased_ms IS NULL"
                                  : "UPDATE contacts SET suppressed_ms = ?1 WHERE phone = ?2 AND "
                                    "suppressed_ms IS NULL AND erased_ms IS NULL");
    q.bindInt(1, now_ms).bindText(2, *canonical);
    q.run();
  }
  tx.commit();
  return s;
}

bool SqliteStore::isSuppressed(const std::string& kind, const std::string& address) {
  const auto canonical = canonicalAddress(kind, address);
  if (!canonical) return false;
  auto q = db_.query("SELECT 1 FROM suppressions WHERE kind = ?1 AND hash = ?2");
  const std::string hash = suppressionHash(suppressionSalt(db_), kind, *canonical);
  q.bindText(1, kind).bindText(2, hash);
  return q.step();
}

}  // namespace herald::store::sqlite
