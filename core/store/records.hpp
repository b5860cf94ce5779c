#pragma once
// Plain records exchanged with the Store. No SQL, no backend types: the
// engine, the importers and the host API only ever see these.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace herald::store {

struct Consent {
  std::string channel;  // "email", "sms", ...
  bool granted = false;
  std::string source;   // where it came from: "import:file.csv", "form:signup", ...
  int64_t at_ms = 0;    // when it was given or withdrawn
  std::string wording;  // the text shown to the person, when known
};

struct Contact {
  int64_t id = 0;  // 0 until stored
  std::optional<std::string> external_id;
  std::optional<std::string> email;  // lower-cased
  std::optional<std::string> phone;  // E.164
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> timezone;  // IANA name
  std::optional<std::string> locale;    // BCP 47
  nlohmann::json attributes = nlohmann::json::object();
  std::vector<std::string> tags;
  std::vector<Consent> consents;
  // Set when one of the contact's addresses is on the suppression list:
  // nothing is ever delivered to them (engine/delivery_policy).
  std::optional<int64_t> suppressed_ms;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct Event {
  int64_t id = 0;
  int64_t contact_id = 0;
  std::string type;  // "purchase", "open", "click", or any custom name
  nlohmann::json properties = nlohmann::json::object();
  int64_t at_ms = 0;
  // The source system's event id: importing an event whose id is already
  // stored is a no-op, so re-running an import does not double purchases.
  std::optional<std::string> external_id;
};

struct WorkflowRevision {
  std::string workflow;  // name
  std::string revision;  // content hash
  std::string source;    // the YAML text
  int64_t created_ms = 0;
};

enum class RunStatus { kRunning, kWaiting, kDone, kFailed, kCanceled };
const char* toString(RunStatus s);
std::optional<RunStatus> runStatusFromString(const std::string& s);

struct Run {
  int64_t id = 0;
  std::string workflow;
  std::string revision;
  std::string trigger;  // "manual", "schedule", "event", "api"
  bool dry_run = false;
  RunStatus status = RunStatus::kRunning;
  bool enrolled = false;  // enrolment finished (it is one transaction)
  int64_t enrolled_count = 0;
  int64_t started_ms = 0;
  int64_t updated_ms = 0;
};

// kRefused: delivery policy (consent, address, suppression) kept the
// message from being sent; counted apart from failures, which are problems.
enum class JourneyStatus { kActive, kWaiting, kDone, kExited, kFailed, kRefused };
const char* toString(JourneyStatus s);
std::optional<JourneyStatus> journeyStatusFromString(const std::string& s);

// A journey that is due, with its contact, as the engine hands it to a step.
struct DueJourney {
  int64_t journey_id = 0;
  int64_t run_id = 0;
  std::string step_id;
  int32_t attempts = 0;    // failed retryable attempts at this step so far
  int32_t occurrence = 0;  // how many times this journey entered this step before
  // The contact's entry into this workflow revision (0 = first): every
  // schedule firing, event enrolment or API run the contact enters is a new
  // entry, so its deliveries get ledger keys of their own (ledgerOccurrence).
  int32_t entry = 0;
  // When it was due, and when it last moved: a journey with wake_ms later
  // than moved_ms waited (the daemon's wake-up lag is now - wake_ms).
  int64_t wake_ms = 0;
  int64_t moved_ms = 0;
  nlohmann::json vars = nlohmann::json::object();
  // What started the journey, for the whole journey: {"event": {type, at,
  // properties}} for event triggers, {"input": {...}} for API runs; {} else.
  nlohmann::json context = nlohmann::json::object();
  Contact contact;
};

// The occurrence of a send-ledger key: the contact's entry into the workflow
// revision and the journey's pass through the step, in one number (a pass
// count beyond 65535 in one journey is not a workflow anyone writes).
inline int64_t ledgerOccurrence(int32_t entry, int32_t pass) {
  return (static_cast<int64_t>(entry) << 16) | (pass & 0xffff);
}

// Who may enter a workflow again (trigger `reentry:`): a contact enters at
// most once per revision, at most once per period, or on every trigger.
struct Reentry {
  enum class Kind { kOnce, kOncePer, kAlways };
  Kind kind = Kind::kOnce;
  int64_t period_ms = 0;  // kOncePer
};

// One contact to enrol, with what started its journey (DueJourney::context).
struct EntryRequest {
  int64_t contact_id = 0;
  nlohmann::json context = nlohmann::json::object();
};

// A stored schedule trigger's state: the last firing that was claimed.
struct TriggerState {
  std::string workflow;
  std::optional<int64_t> last_fire_ms;
  bool paused = false;
};

// What one step decided for one journey, ready to commit.
struct JourneyMove {
  int64_t journey_id = 0;
  std::string from_step;
  // "continue", "branch:<label>", "wait", "exit", "fail", "refused", "retry", "done"; the
  // store adds "waited" to a step's counts when journeys it sent waiting wake up.
  std::string outcome;
  std::optional<std::string> to_step;  // next step; nullopt when the journey ends
  JourneyStatus status = JourneyStatus::kActive;
  int64_t wake_ms = 0;                             // kActive/kWaiting: not before this time
  int32_t attempts = 0;                            // attempts at `to_step` (reset to 0 on a move)
  nlohmann::json vars = nlohmann::json::object();  // full variables after merge
  std::string reason;                              // failures
  bool counts_as_visit = true;  // false for a retry that will call the step again
};

// A ledger row's state. A key is claimed `sending` (with the policy
// decision) before the provider is called and settles as `sent`, `failed`
// (permanent, with the provider's answer), `refused` (the delivery policy
// said no; nothing was handed over), `deferred` (quiet hours: it waits,
// nothing handed over, until `until_ms`), `queued` (the provider asked for
// time: handed over again later) or `unknown` (a crash or a missed deadline
// left it `sending`: the provider may or may not have it; the step's
// on_unknown settles it). `skipped`: the step asked to be called again
// later, and that call has a key of its own (nothing went out under this one).
enum class LedgerStatus {
  kSending,
  kSent,
  kFailed,
  kUnknown,
  kSkipped,
  kQueued,
  kRefused,
  kDeferred
};
const char* toString(LedgerStatus s);
std::optional<LedgerStatus> ledgerStatusFromString(const std::string& s);

struct LedgerKey {
  std::string workflow;
  std::string revision;
  std::string step_id;
  int64_t contact_id = 0;
  int64_t occurrence = 0;  // ledgerOccurrence(entry, pass)
  // Stable text form used as the delivery key given to plugins:
  // "workflow/revision/step/contact/occurrence".
  std::string text() const;
};

// The key of a text() form; nullopt when `text` is not one.
std::optional<LedgerKey> parseLedgerKey(const std::string& text);

struct LedgerEntry {
  LedgerKey key;
  std::string channel;
  LedgerStatus status = LedgerStatus::kSending;
  std::string decision;  // policy decision recorded before sending ("allowed", "no-consent", ...)
  std::string detail;    // provider id, failure or refusal reason
  int64_t run_id = 0;
  int64_t updated_ms = 0;
  std::optional<int64_t> until_ms;  // kDeferred: not before this time
  // A transactional message (settings.require_consent: false): it does not
  // count against the marketing frequency caps.
  bool transactional = false;
  int64_t created_ms = 0;  // read back only
};

// Which ledger rows `herald sends list` shows; empty fields match all.
struct LedgerFilter {
  std::string workflow;
  std::optional<int64_t> contact_id;
  std::optional<LedgerStatus> status;
  int limit = 100;
};

// Journeys that left a run at one step for one reason (an exit step, a
// plugin's exit, a refused delivery with on_refused: exit, a canceled run).
struct ExitCount {
  std::string step_id;
  std::string reason;
  int64_t count = 0;
};

// Everything one batch changes, committed atomically (one transaction,
// synchronous=FULL): journey moves, step visits, and ledger settlements.
struct BatchCommit {
  int64_t run_id = 0;
  int64_t now_ms = 0;
  std::vector<JourneyMove> moves;
  std::vector<LedgerEntry> ledger_updates;  // final statuses for claimed keys
};

struct StepCount {
  std::string step_id;
  std::string outcome;  // as in JourneyMove::outcome
  int64_t count = 0;
};

struct JourneyFailure {
  int64_t journey_id = 0;
  int64_t contact_id = 0;
  std::string step_id;
  std::string reason;
  int64_t at_ms = 0;
  bool refused = false;  // refused by delivery policy, not a failure
};

struct JourneySummary {
  int64_t active = 0;
  int64_t waiting = 0;
  int64_t done = 0;
  int64_t exited = 0;
  int64_t failed = 0;
  int64_t refused = 0;
  std::optional<int64_t> next_wake_ms;  // earliest wake of waiting/active journeys
};

// What `herald segment explain` shows: the one SQL statement a rule
// compiled to, its bound parameters in order, and the backend's query plan.
struct SegmentPlan {
  std::string sql;
  nlohmann::json params = nlohmann::json::array();
  std::vector<std::string> plan;  // one line per plan step, indented by depth
};

// A contact's RFM scores (1..5 each) as of one date, with the raw figures
// they were ranked on and the named segment they map to.
struct RfmScore {
  int64_t contact_id = 0;
  int recency = 0;
  int frequency = 0;
  int monetary = 0;
  int64_t last_ms = 0;       // the last purchase up to as_of (in the window)
  int64_t purchases = 0;     // purchases up to as_of (in the window)
  int64_t amount_units = 0;  // their summed amount, exact, in micro-units (util/money.hpp)
  std::optional<std::string> external_id;  // the first tie-breaker of the ranking
  std::string segment;                     // "champions", ...
};

// An address that may never be imported or messaged again (after an
// erasure, or added by hand): only a salted hash of it is kept.
struct Suppression {
  std::string kind;  // "email" or "phone"
  std::string hash;  // hex HMAC-SHA256(salt, normalised address)
  std::string reason;
  int64_t at_ms = 0;
};

// What `herald contacts erase` did.
struct ErasureReport {
  int64_t contact_id = 0;
  int64_t events_anonymised = 0;
  int64_t journeys_removed = 0;
  std::vector<Suppression> suppressed;  // the hashes kept
};

// A batch handed to a plugin step (Store::recordHandover).
struct Handover {
  int64_t run_id = 0;
  std::string step_id;
  std::string batch_hash;  // of the batch's journey ids (engine/handover.hpp)
  std::string plugin;
  std::string step_type;
  int64_t first_contact = 0;  // smallest and largest contact id, and how many
  int64_t last_contact = 0;
  int64_t contacts = 0;
  int32_t attempts = 0;  // times handed over without coming back
  std::optional<int64_t> quarantined_ms;
  int64_t updated_ms = 0;
  std::string workflow;  // quarantinedBatches() only
};

}  // namespace herald::store
