#pragma once
// A workflow as loaded from YAML: what the engine runs and what validation
// checks. Every node keeps its source position so errors point at
// FILE:LINE:COL.
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "message/text_source.hpp"
#include "segment/rule.hpp"
#include "store/records.hpp"
#include "util/diagnostic.hpp"

namespace herald::segment {
class Library;  // segment/parse.hpp
}
namespace herald::experiment {
struct Spec;  // experiment/spec.hpp
}

namespace herald::workflow {

class Expr;          // workflow/expression.hpp
struct WaitSpec;     // workflow/wait.hpp
class CronSchedule;  // workflow/cron.hpp

// JSON pointer (RFC 6901, relative to a step's `with`) -> position in the file.
using PositionMap = std::map<std::string, SourcePos>;

struct Trigger {
  enum class Kind { kManual, kSchedule, kEvent, kApi };
  // kSchedule: what happens to firings missed while the daemon was down.
  // kOnce (the default): one firing now for all of them; kSkip: none, the
  // next one on time; kAll: each missed firing, oldest first.
  enum class CatchUp { kSkip, kOnce, kAll };
  Kind kind = Kind::kManual;
  std::string cron;        // kSchedule: 5-field cron expression
  std::string timezone;    // kSchedule: IANA zone the cron is read in (default UTC)
  std::string event_type;  // kEvent: the event type that enrols its contact
  SourcePos pos;
  // kSchedule, once validated: the parsed cron (nextAfter() gives fire times).
  std::shared_ptr<const CronSchedule> schedule;
  CatchUp catch_up = CatchUp::kOnce;
  // kEvent: `condition:` over `event` and the contact (the condition
  // language); null = every event of the type.
  std::shared_ptr<const Expr> condition;
  // Who may enter again (`reentry:`): once per contact per revision for
  // event triggers; always for schedules (each firing is a new occurrence)
  // and API runs.
  store::Reentry reentry;
};

const char* toString(Trigger::Kind kind);
const char* toString(Trigger::CatchUp catch_up);

struct RetryPolicy {
  int max_attempts = 3;         // attempts in all, including the first
  int64_t backoff_ms = 60'000;  // wait before the 2nd attempt; doubles after
};

struct Step {
  std::string id;
  std::string uses;  // step type name ("condition", "outbox.email", ...)
  nlohmann::json config = nlohmann::json::object();  // the `with` block
  PositionMap config_positions;                      // where each `with` node stands
  std::optional<std::string> next;                   // explicit `next`
  std::map<std::string, std::string> branches;       // label -> step id
  RetryPolicy retry;
  SourcePos pos;  // the step's `- id:` line
  SourcePos uses_pos;
  SourcePos next_pos;
  std::map<std::string, SourcePos> branch_pos;
  // Set by validation for built-ins, so the engine never parses at run time:
  std::shared_ptr<const Expr> condition;  // uses: condition (branch "then" / "else")
  std::shared_ptr<const WaitSpec> wait;   // uses: wait
  SourcePos with_pos;                     // the `with:` key (or the step when absent)
  SourcePos branches_pos;                 // the `branches` value (or the step when absent)
  std::string description;                // free text for people and reports
  // Delivery steps: where a journey goes when the delivery policy refuses
  // its message (`on_refused:`): "continue" (the default: on to the next
  // step), "exit" (the journey ends, its reason recorded) or a label of
  // `branches`.
  std::string on_refused = "continue";
  SourcePos on_refused_pos;
  // Delivery steps: what settles a key a crash left `unknown` (`on_unknown:`):
  // "skip" (not resent; the journey goes on) or "resend". Unset: skip for
  // marketing, resend for a transactional workflow (require_consent: false).
  std::optional<std::string> on_unknown;
  SourcePos on_unknown_pos;
  // uses: experiment, set by validation: the experiment, and the wait of
  // each variant that sends later (send_after / send_at), by variant name.
  std::shared_ptr<const experiment::Spec> experiment;
  std::map<std::string, std::shared_ptr<const WaitSpec>> variant_waits;
  // Delivery steps that an experiment's variants change (`set:`): this step
  // as each of those variants sends it, validated like the step itself.
  struct VariantConfig {
    std::string experiment;  // the experiment's key
    std::string variant;
    std::shared_ptr<const Step> step;
  };
  std::vector<VariantConfig> variant_configs;
  // Templated text that came from a message file or a {file: NAME} part
  // (set by validation when it expands `message:`), so template errors
  // point into those files; absent pointers are scalars of the workflow.
  message::TextSources template_sources;
};

// Where a JSON pointer into a step's `with` stands in the file: the node,
// else its nearest parent that has a position, else the `with:` key.
SourcePos configPosition(const Step& step, std::string pointer);

struct Workflow {
  std::string path;      // file it was loaded from
  std::string source;    // the file's text
  std::string revision;  // hex SHA-256 of `source`: a changed file is a new revision
  std::string name;
  SourcePos name_pos;  // the `name` value
  std::string description;
  Trigger trigger;
  // Who a manual or scheduled run enrols (`audience:`, a segment rule);
  // null: every contact.
  segment::RulePtr audience;
  // settings.timezone: the zone the workflow's segment dates, calendar
  // units and ages are read in.
  std::string timezone = "UTC";
  // The named segments (segments/*.yaml beside the file) that `segment:
  // NAME` in the audience and in x-segment step fields resolves to. Set by
  // the loader; validation loads them when it was not.
  std::shared_ptr<const segment::Library> segments;
  int batch_size = 500;  // contacts per step call
  // settings.require_consent: a delivery step sends only to contacts whose
  // current answer on its channel is yes. false for transactional messages
  // (receipts); suppressed contacts are never messaged either way.
  bool require_consent = true;
  // settings.locale: the default locale (BCP 47) of messages: the variant
  // contacts without a matching one get (when the message has it), and the
  // number/money format of contacts with no locale. "" = none.
  std::string locale;
  // settings.undefined_variables: strict fails a contact's journey when a
  // template outputs a variable that is empty and has no default; lenient
  // (the default) renders nothing there and counts it in the run report.
  bool strict_undefined = false;
  // settings.currency: the ISO 4217 code `money` uses without an argument.
  std::string currency;
  std::vector<Step> steps;

  const Step* find(const std::string& id) const;
  // Where a journey goes after `step` continues: its `next`, else the step
  // that follows it in the file, else nowhere (the journey is done).
  std::optional<std::string> nextOf(const Step& step) const;
};

}  // namespace herald::workflow
