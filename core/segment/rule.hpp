#pragma once
// A segment rule: who a marketer means, as a tree. Backend-neutral: the
// parser (segment/parse.hpp) builds it from YAML with every node's source
// position, and each Store backend compiles it to its own SQL
// (store/sqlite/segment_sql.cpp for SQLite). Values are kept as JSON and
// are always bound as query parameters, never spliced into SQL text.
//
// Relative times (`within: 2w`, `older_than: 30d`) and dates
// (`before: 2024-01-01`) stay symbolic here; resolveTime() in
// segment/time.hpp turns them into Unix milliseconds for one evaluation,
// in the rule's time zone.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "util/diagnostic.hpp"

namespace herald::segment {

// `30d`, `2w`, `12h`, `3mo`, `1y`. s/m/h/d/w are exact lengths; mo and y are
// calendar months and years, counted back in the rule's time zone.
struct Duration {
  enum class Unit { kSecond, kMinute, kHour, kDay, kWeek, kMonth, kYear };
  int64_t amount = 0;
  Unit unit = Unit::kDay;
  std::string text;  // as written, for messages and explain
};

// A point in time as written in a rule: an absolute instant (an ISO 8601
// date or date-time; a date without a time means midnight in the rule's time
// zone, a date-time without an offset is read in the rule's time zone) or
// "now minus a duration".
struct TimeValue {
  std::variant<Duration, std::string> value;  // Duration: now - d; string: ISO text
};

enum class Op {
  kEquals,      // equals
  kNotEquals,   // not_equals (a missing value is "not equal" too)
  kLess,        // less_than
  kLessEq,      // at_most
  kGreater,     // greater_than
  kGreaterEq,   // at_least
  kBetween,     // between: [low, high], both ends included
  kIn,          // in: [a, b, ...]
  kNotIn,       // not_in: [a, b, ...] (a missing value is "not in" too)
  kExists,      // exists: true|false
  kStartsWith,  // starts_with: "text" (case-sensitive, literal: no wildcards)
  kContains,    // contains: "text" (literal substring)
  kOlderThan,   // older_than: 30d  (time value < now - 30d)
  kWithin,      // within: 2w       (time value >= now - 2w and <= now)
  kBefore,      // before: 2024-01-01 (time value < that instant)
  kAfter,       // after: 2024-01-01  (time value >= that instant)
  kHas,         // has: x        (array subjects: tags, array attributes)
  kHasAny,      // has_any: [x, y]
  kHasAll,      // has_all: [x, y]
  kHasNone,     // has_none: [x, y]
};

// The YAML key of an operator ("at_least") and the reverse lookup.
const char* opName(Op op);
std::optional<Op> opFromName(const std::string& name);

// One test of a value: the operator and its operand(s).
struct Comparison {
  Op op = Op::kEquals;
  nlohmann::json value;                // scalar, or array for between/in/not_in/has_*
  std::optional<TimeValue> time;       // older_than/within/before/after; also between on dates
  std::optional<TimeValue> time_high;  // between on dates: the upper end
  SourcePos pos;                       // the operator key
};

// What a comparison looks at.
struct Subject {
  enum class Kind {
    kField,      // a contact column: email, phone, first_name, last_name, locale,
                 // timezone, external_id, created_at, updated_at
    kAttribute,  // attributes.NAME (NAME: [A-Za-z_][A-Za-z0-9_]*)
    kTags,       // the contact's tags (has/has_any/has_all/has_none)
    kAge,        // whole years since the ISO date in attributes.NAME (default birth_date),
                 // as of today in the rule's time zone
    kProperty,   // an event property (only inside `event: ... where:`)
    // The month and day of the ISO date in attributes.NAME (birthday:
    // birth_date) against today's date in the contact's time zone (the
    // rule's for contacts without one): test is kWithin with the number of
    // days, today included, as value. Feb 29 falls on Feb 28 in other years.
    kAnniversary,
  };
  Kind kind = Kind::kField;
  std::string name;
  SourcePos pos;
};

struct ValueTest {
  Subject subject;
  Comparison test;
};

// Behaviour: events of one type, optionally within a time window and
// filtered by their properties, aggregated per contact and tested.
//   event: purchase / within: 90d / count: {at_least: 3}
//   event: purchase / within: 1y / sum: {property: amount, greater_than: 200}
//   event: open / within: 60d / count: {equals: 0}          ("no open in 60 days")
//   event: view / where: [{property: product_id, equals: X}]  (at least one)
struct EventTest {
  enum class Aggregate { kCount, kSum, kAverage, kFirst, kLast };
  std::string type;
  std::optional<Comparison> window;  // on the event's time: within/older_than/before/after/between
  std::vector<ValueTest> where;      // all must hold for an event to count (subject kProperty)
  Aggregate aggregate = Aggregate::kCount;
  std::string property;  // kSum/kAverage: the numeric property summed or averaged
  // The test on the aggregate. Absent: count at_least 1. kFirst/kLast take
  // time operators (the first/last matching event's time).
  std::optional<Comparison> test;
  SourcePos pos;
};

// RFM: recency, frequency and monetary scores 1-5 (quintiles over the
// contacts that have at least one purchase event up to `as_of`, in the
// window when there is one), and the
// named segments mapped from them (docs/workflows.md has the grid).
struct RfmOptions {
  std::string event_type = "purchase";
  std::string amount_property = "amount";
  std::optional<TimeValue> as_of;  // default: now
  // The look-back window (`window: 365d`): only purchases at or after
  // as_of - window count, and only contacts with one are scored. Default:
  // every purchase up to as_of.
  std::optional<Duration> window;
};
struct RfmTest {
  RfmOptions options;
  std::vector<std::string> segments;  // any of these named segments ("champions", ...)
  std::optional<Comparison> recency;  // tests on the 1-5 scores
  std::optional<Comparison> frequency;
  std::optional<Comparison> monetary;
  SourcePos pos;
};
// The named RFM segments, in the order docs/workflows.md lists them.
const std::vector<std::string>& rfmSegmentNames();
// The named segment for scores (r, f, m), each 1..5.
const std::string& rfmSegmentOf(int r, int f, int m);

// Reachability on a channel ("email", "sms"):
//   reachable: email  -> has the address, consent granted now, not suppressed
//   consent: email    -> the current consent answer on the channel is yes
//   suppressed: true|false
struct ReachTest {
  enum class Kind { kReachable, kConsent, kSuppressed };
  Kind kind = Kind::kReachable;
  std::string channel;  // kReachable/kConsent
  bool value = true;    // kSuppressed
  SourcePos pos;
};

struct Rule;
using RulePtr = std::shared_ptr<const Rule>;

// all / any / not, nested to any depth.
struct Combination {
  enum class Kind { kAll, kAny, kNot };
  Kind kind = Kind::kAll;
  std::vector<RulePtr> children;  // kNot: exactly one
};

// A reference to a named segment (`segment: lapsed-vips`), resolved by the
// parser: `rule` is the named segment's own tree.
struct SegmentRef {
  std::string name;
  RulePtr rule;
};

struct Rule {
  std::variant<Combination, ValueTest, EventTest, RfmTest, ReachTest, SegmentRef> node;
  SourcePos pos;  // the mapping that holds this rule
};

// Everything one evaluation needs besides the rule: the clock and the time
// zone in which dates, calendar units and ages are read.
struct EvalContext {
  int64_t now_ms = 0;
  std::string timezone = "UTC";  // IANA name
  // When set (a run's id), the RFM scores a rule's `rfm:` needs are
  // computed once per (scope, RFM options, local date of now_ms) and reused
  // by later evaluations: a segment step asks once per batch, and ranking
  // every purchaser again for each batch would cost the full RFM each time.
  std::string reuse_scope = {};
};

}  // namespace herald::segment
