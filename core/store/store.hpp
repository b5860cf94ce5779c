#pragma once
// The Store: the only way anything in Herald reads or writes persistent
// state. Nothing outside core/store/ writes SQL; sqlite/ is the embedded
// backend and a PostgreSQL backend can implement the same interface.
//
// Threading: a Store is used from one thread at a time (the engine thread);
// the host API serialises plugin kv calls onto it.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "segment/rule.hpp"
#include "store/products.hpp"
#include "store/records.hpp"
#include "store/survey_responses.hpp"

namespace herald::store {

class ExperimentStore;  // store/experiments.hpp

// Thrown for a database that cannot be used (newer schema, corrupt, locked
// past the busy timeout). Start-up and CLI code catch it and print what().
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by ContactImport::upsert when a contact cannot be stored without
// breaking a uniqueness rule (its email belongs to another contact). Nothing
// of that contact was written and the import can go on with the next one.
class ContactConflict : public StoreError {
 public:
  using StoreError::StoreError;
};

// Thrown by ContactImport::commit() of a bulk load (beginBulkContactImport)
// when its rows repeat an external id or email, which a bulk load cannot
// merge. Everything was rolled back; run the import again with
// beginContactImport(), which upserts row by row.
class BulkLoadConflict : public StoreError {
 public:
  using StoreError::StoreError;
};

// Bulk upsert of contacts inside one transaction: nothing is visible until
// commit(); destroying without commit() rolls everything back.
class ContactImport {
 public:
  virtual ~ContactImport() = default;
  // Insert or update by external_id, else by email. Fields without a value
  // (nullopt) keep the stored one; attributes are merged (new keys win, a
  // JSON null removes a key); tags are unioned; a consent is recorded when it
  // changes the channel's current answer and is not older than it (reading a
  // contact gives the current answer per channel). Returns the contact id,
  // or 0 when the contact's email or phone is on the suppression list:
  // nothing of it is stored (see suppressAddress).
  virtual int64_t upsert(const Contact& c) = 0;
  // As upsert(c), with the attributes given as the text of a JSON object
  // (c.attributes is ignored): a bulk importer writes that text directly
  // rather than build a JSON tree for every row.
  virtual int64_t upsertWithAttributes(const Contact& c, std::string_view attributes_json) = 0;
  // Bulk load only (a no-op otherwise): builds the deferred indexes now and
  // throws BulkLoadConflict when the rows repeat a key. commit() calls it;
  // an import that will not commit calls it to learn about conflicts.
  virtual void check() = 0;
  virtual void commit() = 0;
  // Contacts created / updated so far.
  virtual int64_t createdCount() const = 0;
  virtual int64_t updatedCount() const = 0;
};

class EventImport {
 public:
  virtual ~EventImport() = default;
  // Resolve a contact by external id or email: nullopt when unknown.
  virtual std::optional<int64_t> resolveContact(const std::optional<std::string>& external_id,
                                                const std::optional<std::string>& email) = 0;
  virtual void insert(const Event& e) = 0;
  // Settles what a bulk load deferred (see beginEventImport) so the counts
  // below are final; commit() calls it. A no-op otherwise.
  virtual void check() = 0;
  virtual void commit() = 0;
  // Events stored by insert() so far, and events skipped because an event
  // with the same external_id was already stored.
  virtual int64_t insertedCount() const = 0;
  virtual int64_t duplicateCount() const = 0;
};

// Events posted to the daemon, stored and turned into enrolments in ONE
// transaction (group commit: many posts share it and its fsync), so an event
// is never stored without the journeys it starts, nor enrolled twice.
// Nothing is visible until commit(); destroying without commit() rolls back.
class EventIngest {
 public:
  virtual ~EventIngest() = default;
  // The contact by id, else external id, else email (lower-cased by the
  // caller); nullopt when unknown or erased.
  virtual std::optional<Contact> resolveContact(std::optional<int64_t> id,
                                                const std::optional<std::string>& external_id,
                                                const std::optional<std::string>& email) = 0;
  // The stored row's id; nullopt when an event with e.external_id is stored.
  virtual std::optional<int64_t> insert(const Event& e) = 0;
  // As Store::enrollEntries for one contact, inside this transaction.
  virtual int64_t enroll(int64_t run_id, const std::string& first_step, const Reentry& reentry,
                         const EntryRequest& entry, int64_t now_ms) = 0;
  virtual void commit() = 0;
};

// The parts of a schedule firing, done by Store::fireSchedule in one
// transaction.
struct Firing {
  std::string workflow;
  std::string revision;
  std::optional<int64_t> expected_last_ms;  // the stored last firing this one follows
  int64_t fire_ms = 0;                      // the firing's scheduled time
  std::string first_step;
  const segment::Rule* audience = nullptr;  // null: every contact
  segment::EvalContext ctx;
  Reentry reentry;
  bool enroll = true;  // false: only record the firing (catch_up: skip)
  int64_t now_ms = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- contacts and events ----
  virtual std::unique_ptr<ContactImport> beginContactImport() = 0;
  // Into an empty events table the import appends without index upkeep and
  // builds the indexes once in check()/commit(), dropping repeated event ids
  // there (the first one stays, as row by row).
  virtual std::unique_ptr<EventImport> beginEventImport() = 0;
  // As beginContactImport(), but when the store has no contacts yet it loads
  // them without looking each one up and builds the unique indexes once at
  // commit(), which may then throw BulkLoadConflict (see there). Only for a
  // caller that can read its input a second time.
  virtual std::unique_ptr<ContactImport> beginBulkContactImport() = 0;
  virtual std::optional<Contact> contactById(int64_t id) = 0;
  // Lookups never find an erased contact.
  virtual std::optional<Contact> contactByExternalId(const std::string& external_id) = 0;
  // `email` as stored: lower-cased.
  virtual std::optional<Contact> contactByEmail(const std::string& email) = 0;
  // Every contact with this phone number (E.164; numbers are not unique),
  // newest update first. Unindexed: for rare lookups (an SMS reply), not
  // for a batch.
  virtual std::vector<Contact> contactsByPhone(const std::string& phone) = 0;
  // Contacts not erased.
  virtual int64_t contactCount() = 0;
  virtual int64_t eventCount() = 0;
  virtual std::vector<Event> eventsOf(int64_t contact_id) = 0;

  // ---- product catalog and purchases (store/products.hpp) ----
  virtual std::unique_ptr<ProductImport> beginProductImport() = 0;
  virtual int64_t productCount() = 0;
  // The products among `ids` that are in the catalog, in id order.
  virtual std::vector<Product> productsByIds(std::span<const std::string> ids) = 0;
  // Products in id order after `after_id` (from the first when empty), at
  // most `limit` (all when negative).
  virtual std::vector<Product> listProducts(int64_t limit, const std::string& after_id) = 0;
  // Every purchase event in contact id order (then time), read from the
  // events_by_type_contact index; `fn` gets a reused record.
  virtual void forEachPurchase(const std::function<void(const Purchase&)>& fn) = 0;

  // ---- survey answers (store/survey_responses.hpp) ----
  // Every `survey_response` event matching `filter`, oldest first (then by
  // event id, so a later answer to the same send comes after the one it
  // replaces), with its contact's external id and email, handed to `each`
  // one at a time as the query steps. `each` must not use the store.
  virtual void forEachSurveyResponse(const SurveyResponseFilter& filter,
                                     const std::function<void(const SurveyResponse&)>& each) = 0;
  // Messages the step delivered: send_ledger rows of (workflow, step), any
  // revision, in state sent. The denominator of a survey's response rate.
  virtual int64_t sentByStep(const std::string& workflow, const std::string& step_id) = 0;

  // ---- segments (the rule compiles to one statement; values are bound) ----
  // Erased contacts never match. Throws StoreError for a rule the backend
  // cannot run (the parser's validation makes that an internal error).
  virtual int64_t segmentCount(const segment::Rule& rule, const segment::EvalContext& ctx) = 0;
  // Matching contacts in id order, at most `limit`.
  virtual std::vector<Contact> segmentSample(const segment::Rule& rule,
                                             const segment::EvalContext& ctx, int limit) = 0;
  // Every matching contact, in id order, handed to `each` one at a time as
  // the query steps (one statement, nothing collected: flat memory however
  // many match). `each` must not use the store.
  virtual void segmentEach(const segment::Rule& rule, const segment::EvalContext& ctx,
                           const std::function<void(const Contact&)>& each) = 0;
  // Every matching contact id, ascending.
  virtual std::vector<int64_t> segmentMembers(const segment::Rule& rule,
                                              const segment::EvalContext& ctx) = 0;
  // For each id in `contact_ids` (any order), whether it matches now.
  virtual std::vector<bool> segmentMatch(const segment::Rule& rule, const segment::EvalContext& ctx,
                                         std::span<const int64_t> contact_ids) = 0;
  virtual SegmentPlan explainSegment(const segment::Rule& rule,
                                     const segment::EvalContext& ctx) = 0;
  // RFM scores of every contact with at least one purchase up to as_of,
  // in contact id order.
  virtual std::vector<RfmScore> rfmScores(const segment::RfmOptions& options,
                                          const segment::EvalContext& ctx) = 0;
  // Of a rule's contacts (every contact when `rule` is null), how many have
  // `field` empty (missing, null or ""): a contact field ("first_name") or
  // an attribute path ("attributes.address.city"). nullopt for any other
  // field. For `validate`'s warning on template variables with no default.
  struct EmptyCount {
    int64_t empty = 0;
    int64_t total = 0;
  };
  virtual std::optional<EmptyCount> countEmptyField(const segment::Rule* rule,
                                                    const std::string& field,
                                                    const segment::EvalContext& ctx) = 0;

  // ---- the contact's rights ----
  // Everything stored about one contact, as JSON: fields, attributes, tags,
  // consent history with provenance, events, journeys, messages sent
  // (ledger). nullopt for an unknown or erased contact.
  virtual std::optional<nlohmann::json> exportContact(int64_t contact_id) = 0;
  // Removes the contact's personal data in one transaction: the row keeps
  // only its id (so anonymised events still count in totals), events keep
  // their type, time and the properties in `keep_event_properties`, and the
  // contact's journeys, failures and consents go. The email and phone are
  // added to the suppression list as salted hashes. nullopt when unknown.
  virtual std::optional<ErasureReport> eraseContact(
      int64_t contact_id, const std::vector<std::string>& keep_event_properties,
      int64_t now_ms) = 0;
  // Adds `address` ("email" or "phone" kind, normalised by the caller) to the
  // suppression list, and marks stored contacts with that address.
  virtual Suppression suppressAddress(const std::string& kind, const std::string& address,
                                      const std::string& reason, int64_t now_ms) = 0;
  virtual bool isSuppressed(const std::string& kind, const std::string& address) = 0;

  // ---- workflows and runs ----
  virtual void saveWorkflowRevision(const WorkflowRevision& rev) = 0;
  // A saved revision (with its YAML text), so reports on old runs can show
  // the steps as they were; nullopt when it was never saved.
  virtual std::optional<WorkflowRevision> workflowRevision(const std::string& workflow,
                                                           const std::string& revision) = 0;
  // The newest run of (workflow, revision) that is still kRunning or kWaiting.
  virtual std::optional<Run> findResumableRun(const std::string& workflow,
                                              const std::string& revision, bool dry_run) = 0;
  virtual Run createRun(const std::string& workflow, const std::string& revision,
                        const std::string& trigger, bool dry_run, int64_t now_ms) = 0;
  virtual void setRunStatus(int64_t run_id, RunStatus status, int64_t now_ms) = 0;
  virtual std::optional<Run> runById(int64_t run_id) = 0;
  virtual std::vector<Run> listRuns(int limit) = 0;
  // The newest run of `workflow` that was not a dry run, any revision.
  virtual std::optional<Run> lastRun(const std::string& workflow) = 0;

  // Enrol every contact matching `audience` (everyone when null; never an
  // erased or suppressed contact) up to `limit` if set, into the run at
  // `first_step`, in one transaction, and mark the run enrolled. Safe to
  // call again: contacts already enrolled in the run are not enrolled twice.
  virtual int64_t enrollAudience(int64_t run_id, const std::string& first_step,
                                 const segment::Rule* audience, const segment::EvalContext& ctx,
                                 std::optional<int64_t> limit, int64_t now_ms) = 0;
  // Enrol one contact (event triggers).
  virtual int64_t enrollContact(int64_t run_id, const std::string& first_step, int64_t contact_id,
                                int64_t now_ms) = 0;

  // Enrol `entries` into the run at `first_step` in one transaction, each
  // only as `reentry` allows: kOnce, when the contact has no journey of the
  // run's revision yet; kOncePer, when its last entry into the revision is
  // older than the period; kAlways, every time. Each journey gets the
  // contact's next entry number and its context. Suppressed and erased
  // contacts are never enrolled. Returns the journeys created.
  virtual int64_t enrollEntries(int64_t run_id, const std::string& first_step,
                                const Reentry& reentry, std::span<const EntryRequest> entries,
                                int64_t now_ms) = 0;
  virtual std::unique_ptr<EventIngest> beginEventIngest() = 0;

  // ---- the daemon's scheduler: triggers and due work ----
  // Due work is claimed: dueJourneys() marks the journeys it returns with
  // this store's claim owner until now + lease (real time, not the engine's
  // clock), skips journeys another owner holds, and a committed move clears
  // the claim. A restarted daemon uses the same owner name and so takes its
  // own claims back at once; a CLI run uses one of its own. On PostgreSQL
  // the same claim is SELECT ... FOR UPDATE SKIP LOCKED + UPDATE.
  virtual void setClaimOwner(const std::string& owner, int64_t lease_ms) = 0;
  // The earliest wake time after `after_ms` of an active or waiting journey
  // of any run, not claimed by another owner, from an index (the
  // scheduler's one timer); nullopt when none.
  virtual std::optional<int64_t> nextWakeMs(int64_t after_ms) = 0;
  // Runs with an active or waiting journey due at `now_ms`.
  virtual std::vector<int64_t> runsWithDueJourneys(int64_t now_ms) = 0;
  // Journeys waiting (all runs), and per workflow active/waiting.
  virtual int64_t journeysWaiting() = 0;
  virtual JourneySummary workflowJourneys(const std::string& workflow) = 0;
  // The newest run of (workflow, revision) with `trigger`, any status.
  virtual std::optional<Run> findRunByTrigger(const std::string& workflow,
                                              const std::string& revision,
                                              const std::string& trigger) = 0;
  virtual std::optional<TriggerState> triggerState(const std::string& workflow) = 0;
  // Stores `last_fire_ms` as the last firing when none is stored yet (a
  // workflow served for the first time starts from now).
  virtual void initTrigger(const std::string& workflow, int64_t last_fire_ms, int64_t now_ms) = 0;
  virtual void setTriggerPaused(const std::string& workflow, bool paused, int64_t now_ms) = 0;
  // One transaction: claims the firing (the stored last firing must still be
  // `expected_last_ms`; it becomes `fire_ms`), creates its run (trigger
  // "schedule") and enrols the audience as enrollEntries would. nullopt when
  // another process claimed it first; the run otherwise (nullopt run id 0
  // when enroll is false: the firing was only recorded).
  virtual std::optional<Run> fireSchedule(const Firing& firing) = 0;
  // Ends the run's active and waiting journeys (exited, "canceled") and marks
  // it canceled. false: no such run or it already ended.
  virtual bool cancelRun(int64_t run_id, int64_t now_ms) = 0;

  // Active journeys of the run at `step_id` whose wake time is <= now,
  // oldest first, at most `limit`, with their contacts (claimed, see
  // setClaimOwner).
  virtual std::vector<DueJourney> dueJourneys(int64_t run_id, const std::string& step_id,
                                              int64_t now_ms, int limit) = 0;
  // Step ids that have due journeys in the run now.
  virtual std::vector<std::string> stepsWithDueJourneys(int64_t run_id, int64_t now_ms) = 0;
  // Turn journeys whose wake time has come from kWaiting into kActive.
  virtual int64_t wakeDueJourneys(int64_t run_id, int64_t now_ms) = 0;
  virtual JourneySummary journeySummary(int64_t run_id) = 0;

  // One transaction: journey moves, one visit row per move that counts as a
  // visit, per-step outcome counters, and the ledger settlements.
  virtual void commitBatch(const BatchCommit& batch) = 0;

  virtual std::vector<StepCount> stepCounts(int64_t run_id) = 0;
  virtual std::vector<JourneyFailure> failures(int64_t run_id, int limit) = 0;
  // Where the run's journeys left (exited) and why, the most first.
  virtual std::vector<ExitCount> exitCounts(int64_t run_id) = 0;

  // ---- send ledger ----
  // One transaction: for each key, insert a row as wanted (kSending with
  // the decision "allowed", kRefused or kDeferred with the policy's
  // decision), unless the key already exists. Returns, per key in order, the
  // entry as stored after the call: the new row, or the existing row (a row
  // found in kSending is from a crashed attempt and is first turned into
  // kUnknown). A row found in kFailed, kRefused, kDeferred, kQueued or
  // kSkipped delivered nothing, so a retry (or a later run) may deliver it:
  // it is reopened as wanted, with the new decision and run, and counts as
  // created. The caller delivers only for kSending rows it created.
  struct Claim {
    LedgerEntry entry;
    bool created = false;
  };
  virtual std::vector<Claim> claimDeliveries(std::span<const LedgerEntry> wanted) = 0;
  virtual std::optional<LedgerEntry> ledgerEntry(const LedgerKey& key) = 0;
  virtual int64_t ledgerCount(const std::string& workflow) = 0;
  // Marketing messages (not transactional) on `channel` that went to the
  // contact after `since_ms`, any workflow: sending, sent or unknown rows.
  // The frequency cap's count (engine/delivery_policy).
  virtual int64_t recentSends(int64_t contact_id, const std::string& channel, int64_t since_ms) = 0;
  // Rows of the run still kSending become kUnknown: called when a run is
  // (re)started, when none of its batches can be in a plugin's hands. The
  // number of rows changed.
  virtual int64_t markInterruptedSends(int64_t run_id, int64_t now_ms) = 0;
  // The type of the first event of the key's contact whose `ledger_key` or
  // `herald_key` property names the key (a bounce report, a provider's
  // webhook about that message): proof that it was sent. nullopt when none.
  virtual std::optional<std::string> deliveryEvidence(const LedgerKey& key) = 0;
  // Rows matching `filter`, the most recently changed first.
  virtual std::vector<LedgerEntry> listLedger(const LedgerFilter& filter) = 0;

  // ---- experiments (store/experiments.hpp) ----
  virtual ExperimentStore& experiments() = 0;

  // ---- plugin key/value store (namespaced) ----
  virtual std::optional<std::string> kvGet(const std::string& ns, const std::string& key) = 0;
  virtual void kvPut(const std::string& ns, const std::string& key, const std::string& value) = 0;
  virtual bool kvDelete(const std::string& ns, const std::string& key) = 0;

  // ---- batches in a plugin's hands (plugin isolation) ----
  // A record is written before a plugin step is called with a batch and
  // cleared when the batch completes; one found afterwards (a restart) means
  // the process died during the call.
  virtual std::optional<Handover> handover(int64_t run_id, const std::string& step_id,
                                           const std::string& batch_hash) = 0;
  // Inserts `h` with attempts 1, or adds one to the attempts of its record.
  virtual void recordHandover(const Handover& h, int64_t now_ms) = 0;
  // The batch came back (completed, failed or timed out): the record goes,
  // unless it is quarantined.
  virtual void clearHandover(int64_t run_id, const std::string& step_id,
                             const std::string& batch_hash) = 0;
  virtual void quarantineHandover(int64_t run_id, const std::string& step_id,
                                  const std::string& batch_hash, int64_t now_ms) = 0;
  // Quarantined batches, newest first, with their workflow filled in; only
  // those of `workflow` unless it is empty.
  virtual std::vector<Handover> quarantinedBatches(const std::string& workflow) = 0;
};

// Opens (creating if needed) the SQLite store at `path` and applies
// migrations. Throws StoreError for a database from a newer Herald.
std::unique_ptr<Store> openSqliteStore(const std::string& path);

}  // namespace herald::store
