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

enum class RunStatus { kRunning, kWaiting, kDone, kFailed };
const char* toString(RunStatus s);
std::optional<RunStatus> runStatusFromString(const std::string& s);

struct Run {
  int64_t id = 0;
  std::string workflow;
  std::string revision;
  std::string trigger;  // "manual", "schedule", "event"
  bool dry_run = false;
  RunStatus status = RunStatus::kRunning;
  bool enrolled = false;  // enrolment finished (it is one transaction)
  int64_t enrolled_count = 0;
  int64_t started_ms = 0;
  int64_t updated_ms = 0;
};

enum class JourneyStatus { kActive, kWaiting, kDone, kExited, kFailed };
const char* toString(JourneyStatus s);
std::optional<JourneyStatus> journeyStatusFromString(const std::string& s);

// A journey that is due, with its contact, as the engine hands it to a step.
struct DueJourney {
  int64_t journey_id = 0;
  int64_t run_id = 0;
  std::string step_id;
  int32_t attempts = 0;    // failed retryable attempts at this step so far
  int32_t occurrence = 0;  // how many times this journey entered this step before
  nlohmann::json vars = nlohmann::json::object();
  Contact contact;
};

// What one step decided for one journey, ready to commit.
struct JourneyMove {
  int64_t journey_id = 0;
  std::string from_step;
  std::string outcome;  // "continue", "branch:<label>", "wait", "exit", "fail", "retry", "done"
  std::optional<std::string> to_step;  // next step; nullopt when the journey ends
  JourneyStatus status = JourneyStatus::kActive;
  int64_t wake_ms = 0;                             // kActive/kWaiting: not before this time
  int32_t attempts = 0;                            // attempts at `to_step` (reset to 0 on a move)
  nlohmann::json vars = nlohmann::json::object();  // full variables after merge
  std::string reason;                              // failures
  bool counts_as_visit = true;  // false for a retry that will call the step again
};

enum class LedgerStatus { kSending, kSent, kFailed, kUnknown, kSkipped };
const char* toString(LedgerStatus s);
std::optional<LedgerStatus> ledgerStatusFromString(const std::string& s);

struct LedgerKey {
  std::string workflow;
  std::string revision;
  std::string step_id;
  int64_t contact_id = 0;
  int32_t occurrence = 0;
  // Stable text form used as the delivery key given to plugins.
  std::string text() const;
};

struct LedgerEntry {
  LedgerKey key;
  std::string channel;
  LedgerStatus status = LedgerStatus::kSending;
  std::string decision;  // policy decision recorded before sending ("allowed", "no-consent", ...)
  std::string detail;    // provider id, failure reason
  int64_t run_id = 0;
  int64_t updated_ms = 0;
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
};

struct JourneySummary {
  int64_t active = 0;
  int64_t waiting = 0;
  int64_t done = 0;
  int64_t exited = 0;
  int64_t failed = 0;
  std::optional<int64_t> next_wake_ms;  // earliest wake of waiting/active journeys
};

// The simple audience filter used until the segment language lands: every
// condition must hold. `field` is a contact field (email, phone, locale,
// timezone, first_name, last_name, external_id) or "attributes.NAME", or "tag".
struct AudienceCondition {
  std::string field;
  std::string op;  // "eq", "ne", "exists", "has" (tag)
  nlohmann::json value;
};
struct AudienceFilter {
  std::vector<AudienceCondition> all;
};

}  // namespace herald::store
