#include "store/sqlite/migrations.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <array>

#include "store/store.hpp"

namespace herald::store::sqlite {
namespace {

// Version 1: contacts, events, workflows, runs, journeys, send ledger, kv.
//
// Status columns hold words ("active", "sent"), not numbers, so an operator
// reading the database with the sqlite3 shell understands it.
constexpr const char* kV1 = R"sql(
CREATE TABLE contacts(
  id          INTEGER PRIMARY KEY,
  external_id TEXT,
  email       TEXT,                  -- lower-cased
  phone       TEXT,                  -- E.164
  first_name  TEXT,
  last_name   TEXT,
  timezone    TEXT,                  -- IANA name
  locale      TEXT,                  -- BCP 47
  attributes  TEXT NOT NULL DEFAULT '{}',  -- JSON object
  -- JSON array of tags (sorted): the contact's own copy, so reading a batch
  -- of contacts needs no join. contact_tags below is the index over it.
  tags        TEXT NOT NULL DEFAULT '[]',
  created_ms  INTEGER NOT NULL,
  updated_ms  INTEGER NOT NULL
);
-- Named indexes rather than UNIQUE column constraints: a first import into
-- an empty store drops and rebuilds them (sorting once is much faster than
-- a million random inserts); see contact_import.cpp.
CREATE UNIQUE INDEX contacts_by_external_id ON contacts(external_id);
CREATE UNIQUE INDEX contacts_by_email ON contacts(email);

-- Which contacts have a tag: segments ask has/has_any through this. The
-- store keeps it in step with contacts.tags (erasing a contact deletes its
-- rows here by its tags, so no second index on contact_id is needed).
CREATE TABLE contact_tags(
  tag        TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  PRIMARY KEY(tag, contact_id)
) WITHOUT ROWID;

-- Consent history; the newest row per (contact, channel) is the current
-- state. Keyed by contact first, so a new contact's rows are appends.
CREATE TABLE consents(
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  channel    TEXT NOT NULL,
  at_ms      INTEGER NOT NULL,
  granted    INTEGER NOT NULL,
  source     TEXT NOT NULL,
  wording    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(contact_id, channel, at_ms)
) WITHOUT ROWID;

CREATE TABLE events(
  id          INTEGER PRIMARY KEY,
  contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  type        TEXT NOT NULL,
  properties  TEXT NOT NULL DEFAULT '{}',  -- JSON object
  at_ms       INTEGER NOT NULL,
  external_id TEXT                          -- the source system's event id, for dedupe
);
CREATE INDEX events_by_contact ON events(contact_id, type, at_ms);
CREATE INDEX events_by_type ON events(type, at_ms);
CREATE UNIQUE INDEX events_by_external_id ON events(external_id) WHERE external_id IS NOT NULL;

CREATE TABLE workflow_revisions(
  workflow   TEXT NOT NULL,
  revision   TEXT NOT NULL,
  source     TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY(workflow, revision)
) WITHOUT ROWID;

CREATE TABLE runs(
  id             INTEGER PRIMARY KEY,
  workflow       TEXT NOT NULL,
  revision       TEXT NOT NULL,
  trigger        TEXT NOT NULL,
  dry_run        INTEGER NOT NULL,
  status         TEXT NOT NULL,
  enrolled       INTEGER NOT NULL DEFAULT 0,
  enrolled_count INTEGER NOT NULL DEFAULT 0,
  started_ms     INTEGER NOT NULL,
  updated_ms     INTEGER NOT NULL
);
CREATE INDEX runs_by_workflow ON runs(workflow, revision, dry_run, status);

CREATE TABLE journeys(
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  revision   TEXT NOT NULL,
  step_id    TEXT NOT NULL,
  status     TEXT NOT NULL,
  vars       TEXT NOT NULL DEFAULT '{}',
  wake_ms    INTEGER NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  occurrence INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL,
  UNIQUE(run_id, contact_id)
);
CREATE INDEX journeys_due ON journeys(run_id, status, step_id, wake_ms);
CREATE INDEX journeys_wake ON journeys(run_id, status, wake_ms);
CREATE INDEX journeys_by_contact ON journeys(contact_id);

-- One row per counted pass through a step: the key makes a double count
-- impossible even if a batch were committed twice.
CREATE TABLE journey_visits(
  journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
  step_id    TEXT NOT NULL,
  occurrence INTEGER NOT NULL,
  run_id     INTEGER NOT NULL,
  outcome    TEXT NOT NULL,
  at_ms      INTEGER NOT NULL,
  PRIMARY KEY(journey_id, step_id, occurrence)
) WITHOUT ROWID;

CREATE TABLE step_counts(
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY(run_id, step_id, outcome)
) WITHOUT ROWID;

CREATE TABLE journey_failures(
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  journey_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  step_id    TEXT NOT NULL,
  reason     TEXT NOT NULL,
  at_ms      INTEGER NOT NULL
);
CREATE INDEX journey_failures_by_run ON journey_failures(run_id, id);

-- The send ledger: a key is claimed (status 'sending', with the policy
-- decision) before a provider is called, and is never delivered twice. No
-- foreign key to contacts: it is the audit trail of what was sent.
CREATE TABLE send_ledger(
  workflow   TEXT NOT NULL,
  revision   TEXT NOT NULL,
  step_id    TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  occurrence INTEGER NOT NULL,
  channel    TEXT NOT NULL,
  status     TEXT NOT NULL,
  decision   TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT '',
  run_id     INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY(workflow, revision, step_id, contact_id, occurrence)
) WITHOUT ROWID;
CREATE INDEX send_ledger_by_contact ON send_ledger(contact_id, channel, updated_ms);
CREATE INDEX send_ledger_by_run ON send_ledger(run_id, status);

CREATE TABLE kv(
  ns         TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      BLOB NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY(ns, key)
) WITHOUT ROWID;
)sql";

// Version 2: the audience and the contact's rights.
//  - contacts.erased_ms: an erased contact keeps only its id (its anonymised
//    events still count in totals) and never matches a segment again.
//  - contacts.suppressed_ms: one of its addresses is on the suppression list.
//  - suppressions: salted hashes of addresses that may never be imported or
//    messaged again; the salt is made once per database, in meta.
//  - indexes for the segment compiler's common predicates (checked with
//    EXPLAIN QUERY PLAN in tests/unit/store/segment_plan_test.cpp).
constexpr const char* kV2 = R"sql(
ALTER TABLE contacts ADD COLUMN erased_ms INTEGER;
ALTER TABLE contacts ADD COLUMN suppressed_ms INTEGER;

CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES('suppression_salt', lower(hex(randomblob(32))));

CREATE TABLE suppressions(
  kind   TEXT NOT NULL,   -- 'email' or 'phone'
  hash   TEXT NOT NULL,   -- hex HMAC-SHA256(salt, normalised address)
  reason TEXT NOT NULL,
  at_ms  INTEGER NOT NULL,
  PRIMARY KEY(kind, hash)
) WITHOUT ROWID;

-- segment indexes
-- The erased contacts, a short list: RFM scoring leaves them out with one
-- look at this index instead of a look at the contact of every purchase.
CREATE INDEX contacts_erased ON contacts(erased_ms) WHERE erased_ms IS NOT NULL;
-- Events of a type by contact, with the default amount property: RFM and
-- the sets "contacts whose events of a type pass a test" (count, first,
-- last, sum/average of amount, within a window) read only this index, in
-- contact order, so grouping needs no sort and no event row is read. It
-- replaces events_by_type(type, at_ms), whose rows had to be looked up for
-- their contact.
DROP INDEX events_by_type;
CREATE INDEX events_by_type_contact
  ON events(type, contact_id, at_ms, json_extract(properties, '$.amount'));
)sql";

// Version 3: the product catalog (`herald products import`). `id` is the
// catalog's own product id, the one purchase events name in "items" or
// "product_id"; every other imported column is in `attributes`.
constexpr const char* kV3 = R"sql(
CREATE TABLE products(
  id         TEXT PRIMARY KEY,
  name       TEXT,
  url        TEXT,
  image      TEXT,
  price      REAL,
  currency   TEXT,
  category   TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',  -- JSON object
  updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 4: the daemon's scheduler (docs/ARCHITECTURE.md, "Due work and
// claims").
//  - journeys lose UNIQUE(run_id, contact_id): an event run enrols the same
//    contact again under `reentry: always` / `once_per`. Each journey gets
//    `entry` (the contact's n-th entry into the revision, part of its ledger
//    occurrence), `context` (the triggering event or API input, JSON),
//    `entered_ms`, and a claim: `claim_owner` + `claim_until_ms` (real time),
//    taken when a process fetches the journey as due work and cleared when
//    its move commits; another process skips claimed rows until the lease
//    ends. The table is rebuilt (SQLite cannot drop a constraint) the way
//    SQLite documents: a new table, copy, drop, rename, with foreign keys
//    off during migrations (see migrate()).
//  - journeys_next_wake: the scheduler's one timer reads the earliest wake
//    of all runs from it (no scan of the journeys).
//  - workflow_triggers: per workflow, the last claimed schedule firing (a
//    compare-and-set claim in the transaction that creates its run) and
//    whether enrolment is paused.
constexpr const char* kV4 = R"sql(
CREATE TABLE journeys_v4(
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  contact_id     INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  revision       TEXT NOT NULL,
  step_id        TEXT NOT NULL,
  status         TEXT NOT NULL,
  vars           TEXT NOT NULL DEFAULT '{}',
  wake_ms        INTEGER NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  occurrence     INTEGER NOT NULL DEFAULT 0,
  updated_ms     INTEGER NOT NULL,
  entry          INTEGER NOT NULL DEFAULT 0,
  context        TEXT NOT NULL DEFAULT '{}',
  entered_ms     INTEGER NOT NULL DEFAULT 0,
  claim_owner    TEXT,
  claim_until_ms INTEGER
);
INSERT INTO journeys_v4(id, run_id, contact_id, revision, step_id, status, vars, wake_ms,
                        attempts, occurrence, updated_ms, entry, context, entered_ms)
  SELECT id, run_id, contact_id, revision, step_id, status, vars, wake_ms, attempts, occurrence,
         updated_ms, 0, '{}', updated_ms FROM journeys;
DROP TABLE journeys;
ALTER TABLE journeys_v4 RENAME TO journeys;
CREATE UNIQUE INDEX journeys_by_entry ON journeys(run_id, contact_id, entry);
CREATE INDEX journeys_due ON journeys(run_id, status, step_id, wake_ms);
CREATE INDEX journeys_wake ON journeys(run_id, status, wake_ms);
CREATE INDEX journeys_by_contact ON journeys(contact_id, revision, entered_ms);
CREATE INDEX journeys_next_wake ON journeys(wake_ms) WHERE status IN ('active', 'waiting');

CREATE TABLE IF NOT EXISTS workflow_triggers(
  workflow     TEXT PRIMARY KEY,
  last_fire_ms INTEGER,
  paused       INTEGER NOT NULL DEFAULT 0,
  updated_ms   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS runs_by_trigger ON runs(workflow, revision, trigger, status);
)sql";

// Version 5: exact money. events.amount_units holds the event's `amount`
// property in micro-units (util/money.hpp: an integer, read from the
// number's decimal text, never through a double), so sums, averages and
// RFM's monetary figure are exact. It replaces the JSON amount in
// events_by_type_contact, which still answers them from the index alone.
// Existing events are filled from their stored JSON text.
constexpr const char* kV5 = R"sql(
ALTER TABLE events ADD COLUMN amount_units INTEGER;
UPDATE events SET amount_units = herald_money_units(properties -> '$.amount')
  WHERE json_type(properties, '$.amount') IN ('integer', 'real', 'text');
DROP INDEX IF EXISTS events_by_type_contact;
CREATE INDEX events_by_type_contact ON events(type, contact_id, at_ms, amount_units);
)sql";

// Version 6: batches handed to plugin steps (plugin isolation). A row is
// written before run_batch is called and deleted when the batch completes;
// one that survives a restart means the process died with the batch in the
// plugin's hands. After two such deaths the row is quarantined
// (quarantined_ms set) and kept, for `herald workflows show` and metrics.
// batch_hash identifies the batch by its journeys; the contact range and
// count are for the people reading it.
constexpr const char* kV6 = R"sql(
CREATE TABLE IF NOT EXISTS plugin_handovers(
  run_id         INTEGER NOT NULL,
  step_id        TEXT NOT NULL,
  batch_hash     TEXT NOT NULL,
  plugin         TEXT NOT NULL,
  step_type      TEXT NOT NULL,
  first_contact  INTEGER NOT NULL,
  last_contact   INTEGER NOT NULL,
  contacts       INTEGER NOT NULL,
  attempts       INTEGER NOT NULL,
  quarantined_ms INTEGER,
  updated_ms     INTEGER NOT NULL,
  PRIMARY KEY (run_id, step_id, batch_hash)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS plugin_handovers_quarantined
  ON plugin_handovers(quarantined_ms) WHERE quarantined_ms IS NOT NULL;
)sql";

// Version 7: the send ledger's states and the run report's exits
// (docs/workflows.md, "Delivery policy").
//  - send_ledger.until_ms: when a `deferred` row (quiet hours) may go;
//    send_ledger.transactional: the row does not count against frequency
//    caps (settings.require_consent: false).
//  - Existing rows keep their meaning: a `skipped` row whose decision was
//    not 'allowed' was refused by the policy, and now says so; one left
//    `sending` or `unknown` with such a decision never reached a provider.
//    Other `skipped` rows (a step that asked to be called later) stay.
//  - send_ledger_by_state: `herald sends list --state S`, newest first.
//  - journey_exits: per run, step and reason, how many journeys left there.
constexpr const char* kV7 = R"sql(
ALTER TABLE send_ledger ADD COLUMN until_ms INTEGER;
ALTER TABLE send_ledger ADD COLUMN transactional INTEGER NOT NULL DEFAULT 0;
UPDATE send_ledger SET status = 'refused'
  WHERE status IN ('skipped', 'sending', 'unknown') AND decision <> 'allowed';
CREATE INDEX IF NOT EXISTS send_ledger_by_state ON send_ledger(status, updated_ms);
CREATE TABLE IF NOT EXISTS journey_exits(
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step_id TEXT NOT NULL,
  reason  TEXT NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY(run_id, step_id, reason)
) WITHOUT ROWID;
)sql";

// Version 8: experiments (issue 14; store/experiments.hpp).
//  - experiments: per key, the step that runs it and its spec as last run.
//  - experiment_assignments: who got what, written once per (key, contact)
//    and never recomputed (sticky). No foreign key to contacts: like the send
//    ledger it is the record of what was done. The report reads it in
//    primary key (contact) order, merged with the events and ledger indexes.
//  - experiment_windows: per key, the earliest assignment and the first and
//    last exposure, so the report knows the time span of its events at once.
//  - experiment_decisions: the first decision of a key wins.
//  - experiment_stops: variants stopped by a guardrail.
//  - send_ledger_by_workflow_contact: a workflow's ledger rows in contact
//    order, for the report's `sent` (covering: status and created_ms are in it).
//  - events_machine: events flagged `machine: true` (opens by privacy proxies
//    and link scanners), a small partial index, so open goals leave them out
//    without reading the rows of all the other opens.
constexpr const char* kV8 = R"sql(
CREATE TABLE IF NOT EXISTS experiments(
  key        TEXT PRIMARY KEY,
  workflow   TEXT NOT NULL,
  revision   TEXT NOT NULL,
  step       TEXT NOT NULL,
  spec       TEXT NOT NULL DEFAULT '{}',  -- JSON: the step's `with`
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS experiment_assignments(
  key         TEXT NOT NULL,
  contact_id  INTEGER NOT NULL,
  variant     TEXT NOT NULL,     -- 'holdout' for the holdout, '' while waiting
  phase       TEXT NOT NULL,     -- split, test, holdout, waiting, rollout
  assigned_ms INTEGER NOT NULL,
  exposed_ms  INTEGER NOT NULL,  -- the goal window opens here
  run_id      INTEGER NOT NULL,
  PRIMARY KEY(key, contact_id)
) WITHOUT ROWID;
-- The span of an experiment's windows, kept by assign() in the same
-- transaction (it only ever widens): the report limits its event scans to
-- it without reading every assignment first.
CREATE TABLE IF NOT EXISTS experiment_windows(
  key               TEXT PRIMARY KEY,
  first_assigned_ms INTEGER NOT NULL,
  first_exposed_ms  INTEGER NOT NULL,
  last_exposed_ms   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS experiment_decisions(
  key        TEXT PRIMARY KEY,
  decided_ms INTEGER NOT NULL,
  outcome    TEXT NOT NULL,      -- winner, no_winner
  variant    TEXT NOT NULL,      -- what the waiting contacts get; '' for nobody
  figures    TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS experiment_stops(
  key     TEXT NOT NULL,
  variant TEXT NOT NULL,
  reason  TEXT NOT NULL,
  at_ms   INTEGER NOT NULL,
  PRIMARY KEY(key, variant)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS send_ledger_by_workflow_contact
  ON send_ledger(workflow, contact_id, status, created_ms);
CREATE INDEX IF NOT EXISTS events_machine ON events(type, contact_id, at_ms)
  WHERE json_extract(properties, '$.machine') IS 1;
)sql";

constexpr std::array<Migration, 8> kMigrations{{
    {1, kV1},
    {2, kV2},
    {3, kV3},
    {4, kV4},
    {5, kV5},
    {6, kV6},
    {7, kV7},
    {8, kV8},
}};

int userVersion(Db& db) {
  auto q = db.query("PRAGMA user_version");
  return q.step() ? static_cast<int>(q.colInt(0)) : 0;
}

void refuseNewer(const Db& db, int version) {
  if (version > latestSchemaVersion()) {
    throw StoreError(fmt::format(
        "{} was written by a newer Herald (schema version {}; this Herald knows up to {}): "
        "upgrade Herald or point --db elsewhere",
        db.path(), version, latestSchemaVersion()));
  }
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latestSchemaVersion() { return kMigrations.back().version; }

// Foreign keys are off while migrations run (a pragma that only works
// outside a transaction): a migration may rebuild a table, and dropping the
// old one must not cascade into the tables that refer to it. They are
// checked before the commit instead.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(Db& db) : db_(db) { db_.exec("PRAGMA foreign_keys = OFF"); }
  ~ForeignKeysOff() {
    sqlite3_exec(db_.raw(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  Db& db_;
};

void migrate(Db& db) {
  int version = userVersion(db);
  refuseNewer(db, version);
  if (version == latestSchemaVersion()) return;

  ForeignKeysOff fk_off(db);
  WriteTx tx(db);
  // Another process may have migrated between the check and the lock.
  version = userVersion(db);
  refuseNewer(db, version);
  if (version == 0) {
    // Version 0 with tables in it is some other program's database: do not
    // add Herald's tables to it.
    auto q = db.query("SELECT count(*) FROM sqlite_schema");
    q.step();
    if (q.colInt(0) > 0) {
      throw StoreError(fmt::format(
          "{} is not a Herald database (it has tables but no Herald schema version): point --db "
          "at a new file or at a Herald database",
          db.path()));
    }
  }
  for (const auto& m : kMigrations) {
    if (m.version <= version) continue;
    db.exec(m.sql);
    // PRAGMA takes no bound parameters; the value is our own integer.
    db.exec(fmt::format("PRAGMA user_version = {}", m.version).c_str());
  }
  {
    auto q = db.query("PRAGMA foreign_key_check");
    if (q.step())
      throw StoreError(fmt::format("{}: migrating broke a reference of table {}; nothing changed",
                                   db.path(), q.colText(0)));
  }
  tx.commit();
}

}  // namespace herald::store::sqlite
