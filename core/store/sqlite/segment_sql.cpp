// The SQLite segment compiler (see segment_sql.hpp for the shape of the SQL).
//
// Three-valued logic: a comparison with a missing value is NULL in SQL. That
// is "no match" everywhere except under `not:`, which is therefore written
// as NOT coalesce(x, 0): "not (plan equals pro)" holds for a contact with no
// plan.
#include "store/sqlite/segment_sql.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "segment/time.hpp"
#include "store/store.hpp"
#include "util/money.hpp"

namespace herald::store::sqlite {
namespace {

using nlohmann::json;
using segment::Comparison;
using segment::Op;

[[noreturn]] void fail(const std::string& what) { throw StoreError("segment: " + what); }

// ---- names ----

bool isName(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
  };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char ch) { return alpha(ch) || (ch >= '0' && ch <= '9'); });
}

// A JSON path literal for a checked name: '$.name'.
std::string jsonPath(const std::string& name, const char* what) {
  if (!isName(name)) {
    fail(
        fmt::format("{} name '{}' is not valid: names are letters, digits and '_', not starting "
                    "with a digit",
                    what, name));
  }
  return "'$." + name + "'";
}

// ---- civil dates, for date-only values ----

date::sys_days dayOf(const std::string& iso) {  // "YYYY-MM-DD", already checked
  return date::year_month_day{date::year{std::stoi(iso.substr(0, 4))},
                              date::month{static_cast<unsigned>(std::stoi(iso.substr(5, 2)))},
                              date::day{static_cast<unsigned>(std::stoi(iso.substr(8, 2)))}};
}

date::sys_days utcDayOf(int64_t ms) {
  return date::floor<date::days>(
      date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
}

std::string isoDate(date::sys_days d) { return date::format("%F", d); }

bool isDateOnly(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && segment::isIsoTime(s);
}

segment::TimeValue timeValue(std::string text) {
  segment::TimeValue t;
  t.value = std::move(text);
  return t;
}

// ---- the value of a comparison ----

// A bound on an instant: `x op ms`.
struct Bound {
  const char* op;  // "<", "<=", ">", ">=", "="
  int64_t ms;
};

bool isTimeOp(Op op) {
  return op == Op::kOlderThan || op == Op::kWithin || op == Op::kBefore || op == Op::kAfter;
}

// What the operator holds when the value is missing (NULL): only "not
// equal" and "not in" (and exists: false) hold then.
bool holdsForMissing(const Comparison& c) {
  if (c.op == Op::kExists) return c.value.is_boolean() && !c.value.get<bool>();
  return c.op == Op::kNotEquals || c.op == Op::kNotIn;
}

double asNumber(const json& v) {
  if (!v.is_number()) fail(fmt::format("an age is compared with a number, not {}", v.dump()));
  return v.get<double>();
}

// Evaluates a numeric comparison on `x` in C++ (to know whether a count or
// sum of zero passes the test).
bool holdsForNumber(const Comparison& c, double x) {
  auto num = [](const json& v) {
    return v.is_number() ? std::optional(v.get<double>()) : std::nullopt;
  };
  switch (c.op) {
    case Op::kEquals:
      return num(c.value) == x;
    case Op::kNotEquals:
      return num(c.value) != x;
    case Op::kLess:
      return num(c.value) && x < *num(c.value);
    case Op::kLessEq:
      return num(c.value) && x <= *num(c.value);
    case Op::kGreater:
      return num(c.value) && x > *num(c.value);
    case Op::kGreaterEq:
      return num(c.value) && x >= *num(c.value);
    case Op::kBetween:
      return c.value.is_array() && c.value.size() == 2 && num(c.value[0]) && num(c.value[1]) &&
             x >= *num(c.value[0]) && x <= *num(c.value[1]);
    case Op::kIn:
    case Op::kNotIn: {
      bool found = false;
      if (c.value.is_array()) {
        for (const auto& v : c.value) found = found || num(v) == x;
      }
      return c.op == Op::kIn ? found : !found;
    }
    case Op::kExists:
      return c.value.is_boolean() && c.value.get<bool>();
    default:
      return false;
  }
}

std::vector<json> listOf(const json& v) {
  if (v.is_array()) return std::vector<json>(v.begin(), v.end());
  return {v};
}

// ---- the compiler ----

enum class Form {
  kCorrelated,  // one index seek per candidate contact
  kMembership,  // c.id IN (a set built once)
};

class Compiler {
 public:
  Compiler(const segment::EvalContext& ctx, int first_param, RfmTables rfm_tables = {})
      : ctx_(ctx), first_(first_param), rfm_tables_(std::move(rfm_tables)) {}

  CompiledRule compile(const segment::Rule& rule, Drive drive) {
    std::vector<const segment::Rule*> terms;
    flatten(rule, terms);
    // The driver: the best-ranked term that can name its contacts from an index.
    int driver = -1;
    if (drive == Drive::kAuto) {
      for (size_t i = 0; i < terms.size(); ++i) {
        int rank = driveRank(*terms[i]);
        if (rank > 0 && (driver < 0 || rank < driveRank(*terms[static_cast<size_t>(driver)]))) {
          driver = static_cast<int>(i);
        }
      }
    }
    const Form others =
        drive == Drive::kGivenIds || driver >= 0 ? Form::kCorrelated : Form::kMembership;
    std::vector<std::pair<int, std::string>> parts;  // (cost, sql)
    std::string head;
    if (driver >= 0) head = node(*terms[static_cast<size_t>(driver)], Form::kMembership);
    for (size_t i = 0; i < terms.size(); ++i) {
      if (static_cast<int>(i) == driver) continue;
      parts.emplace_back(cost(*terms[i]), node(*terms[i], others));
    }
    // Cheap tests first: SQLite evaluates the conditions of a row in order.
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    CompiledRule out;
    out.where = head.empty() ? "c.erased_ms IS NULL" : head + " AND c.erased_ms IS NULL";
    for (auto& [c, sql] : parts) out.where += " AND " + sql;
    out.with = takeWith();
    out.params = std::move(params_);
    out.first_param = first_;
    return out;
  }

  // Per purchaser (not erased) in the window up to as_of: contact_id,
  // last_ms, n, amount (micro-units), external_id, in contact id order
  // (events_by_type_contact holds the figures, in that order; the partial
  // index contacts_erased lists the erased contacts).
  std::string rfmAggregate(const segment::RfmOptions& options) {
    const segment::RfmPeriod period = segment::rfmPeriod(options, ctx_);
    std::string window;
    if (period.from_ms) window = " AND e.at_ms >= " + param(*period.from_ms);
    return fmt::format(
        "SELECT a.contact_id, a.last_ms, a.n, a.amount, p.external_id FROM ("
        "SELECT e.contact_id, max(e.at_ms) AS last_ms, count(*) AS n, "
        "coalesce(sum({0}), 0) AS amount "
        "FROM events e WHERE e.type = {1} AND e.at_ms <= {2}{3} "
        "AND e.contact_id NOT IN (SELECT id FROM contacts WHERE erased_ms IS NOT NULL) "
        "GROUP BY e.contact_id) a JOIN contacts p ON p.id = a.contact_id ORDER BY a.contact_id",
        moneyUnits(options.amount_property), param(options.event_type), param(period.to_ms),
        window);
  }

  // The RFM table expression for `options`, as a CTE name (added once).
  std::string rfmTable(const segment::RfmOptions& options) {
    const segment::RfmPeriod period = segment::rfmPeriod(options, ctx_);
    auto key = std::make_tuple(options.event_type, options.amount_property, period.to_ms,
                               period.from_ms.value_or(INT64_MIN));
    if (auto it = rfm_names_.find(key); it != rfm_names_.end()) return it->second;
    std::string name = fmt::format("rfm{}", rfm_names_.size() + 1);
    // NTILE(5) ranks by value, ties broken by external_id then contact id
    // (docs/workflows.md says so); the highest values get 5. rfmScores() ranks
    // the same rows the same way in C++.
    ctes_.push_back(
        fmt::format("{0} AS (SELECT a.contact_id, a.last_ms, a.n, a.amount, "
                    "NTILE(5) OVER (ORDER BY a.last_ms, a.external_id, a.contact_id) AS r, "
                    "NTILE(5) OVER (ORDER BY a.n, a.external_id, a.contact_id) AS f, "
                    "NTILE(5) OVER (ORDER BY a.amount, a.external_id, a.contact_id) AS m "
                    "FROM ({1}) a)",
                    name, rfmAggregate(options)));
    rfm_names_.emplace(key, name);
    return name;
  }

  std::vector<json> takeParams() { return std::move(params_); }
  std::string takeWith() {
    std::string out;
    for (size_t i = 0; i < ctes_.size(); ++i) out += (i ? ", " : "WITH ") + ctes_[i];
    return out.empty() ? out : out + " ";
  }

 private:
  std::string param(json v) {
    params_.push_back(std::move(v));
    return fmt::format("?{}", first_ + static_cast<int>(params_.size()) - 1);
  }

  // The terms of the top-level `all:` (through nested all: and segment references).
  static void flatten(const segment::Rule& r, std::vector<const segment::Rule*>& out) {
    if (const auto* c = std::get_if<segment::Combination>(&r.node)) {
      if (c->kind == segment::Combination::Kind::kAll) {
        for (const auto& child : c->children) flatten(*child, out);
        return;
      }
    }
    if (const auto* s = std::get_if<segment::SegmentRef>(&r.node)) {
      if (!s->rule) fail(fmt::format("segment '{}' was not resolved", s->name));
      flatten(*s->rule, out);
      return;
    }
    out.push_back(&r);
  }

  // Whether a term can drive the query, and how well (1 best; 0 cannot).
  int driveRank(const segment::Rule& r) const {
    if (const auto* v = std::get_if<segment::ValueTest>(&r.node)) {
      if (v->subject.kind == segment::Subject::Kind::kTags &&
          (v->test.op == Op::kHas || v->test.op == Op::kHasAny || v->test.op == Op::kHasAll)) {
        return 1;
      }
      return 0;
    }
    if (const auto* e = std::get_if<segment::EventTest>(&r.node)) {
      if (!needsEvent(*e)) return 0;
      if (e->window && (e->window->op == Op::kWithin || e->window->op == Op::kAfter ||
                        e->window->op == Op::kBetween)) {
        return 2;
      }
      return 4;
    }
    if (std::holds_alternative<segment::RfmTest>(r.node)) return 3;
    return 0;
  }

  // How much a term costs per row, to order the tests.
  static int cost(const segment::Rule& r) {
    if (const auto* v = std::get_if<segment::ValueTest>(&r.node)) {
      switch (v->subject.kind) {
        case segment::Subject::Kind::kField:
          return 0;
        case segment::Subject::Kind::kTags:
          return 2;
        default:
          return 1;
      }
    }
    if (const auto* t = std::get_if<segment::ReachTest>(&r.node)) {
      return t->kind == segment::ReachTest::Kind::kSuppressed ? 0 : 2;
    }
    if (std::holds_alternative<segment::EventTest>(r.node)) return 3;
    if (std::holds_alternative<segment::RfmTest>(r.node)) return 4;
    return 5;
  }

  // Whether the event test fails for a contact without matching events.
  static bool needsEvent(const segment::EventTest& e) {
    if (!e.test) return true;
    switch (e.aggregate) {
      case segment::EventTest::Aggregate::kCount:
        return !holdsForNumber(*e.test, 0);
      case segment::EventTest::Aggregate::kSum:
        return !holdsForNumber(*e.test, 0);
      default:
        return !holdsForMissing(*e.test);
    }
  }

  std::string node(const segment::Rule& r, Form form) {
    return std::visit([&](const auto& n) { return visit(n, form); }, r.node);
  }

  std::string visit(const segment::Combination& c, Form form) {
    using Kind = segment::Combination::Kind;
    if (c.kind == Kind::kNot) {
      if (c.children.size() != 1) fail("'not' takes exactly one rule");
      return "NOT coalesce(" + node(*c.children[0], form) + ", 0)";
    }
    if (c.children.empty()) return c.kind == Kind::kAll ? "1" : "0";
    std::string out = "(";
    for (size_t i = 0; i < c.children.size(); ++i) {
      if (i) out += c.kind == Kind::kAll ? " AND " : " OR ";
      out += node(*c.children[i], form);
    }
    return out + ")";
  }

  std::string visit(const segment::SegmentRef& s, Form form) {
    if (!s.rule) fail(fmt::format("segment '{}' was not resolved", s.name));
    return "(" + node(*s.rule, form) + ")";
  }

  std::string visit(const segment::ValueTest& t, Form form) {
    using Kind = segment::Subject::Kind;
    switch (t.subject.kind) {
      case Kind::kField:
        return field(t);
      case Kind::kAttribute:
        return jsonValue(
            "json_extract(c.attributes, " + jsonPath(t.subject.name, "attribute") + ")",
            "c.attributes", t.subject.name, t.test);
      case Kind::kTags:
        return tags(t.test, form);
      case Kind::kAge:
        return age(t);
      case Kind::kAnniversary:
        return anniversary(t);
      case Kind::kProperty:
        fail("an event property test outside 'event: ... where:'");
    }
    fail("unknown subject");
  }

  // ---- contact fields ----

  std::string field(const segment::ValueTest& t) {
    static const std::map<std::string, std::string> kText = {{"email", "c.email"},
                                                             {"phone", "c.phone"},
                                                             {"first_name", "c.first_name"},
                                                             {"last_name", "c.last_name"},
                                                             {"locale", "c.locale"},
                                                             {"timezone", "c.timezone"},
                                                             {"external_id", "c.external_id"}};
    if (auto it = kText.find(t.subject.name); it != kText.end()) {
      return scalar(it->second, t.test);
    }
    if (t.subject.name == "created_at") return instant("c.created_ms", t.test);
    if (t.subject.name == "updated_at") return instant("c.updated_ms", t.test);
    fail(fmt::format("unknown contact field '{}'", t.subject.name));
  }

  // ---- scalar comparisons ----

  std::string inList(const json& values) {
    std::string out = "(";
    bool first = true;
    for (const auto& v : listOf(values)) {
      if (!first) out += ", ";
      out += param(v);
      first = false;
    }
    return out + ")";
  }

  // `x` compared with the comparison's value (x is NULL when missing).
  std::string scalar(const std::string& x, const Comparison& c) {
    switch (c.op) {
      case Op::kEquals:
        return c.value.is_null() ? x + " IS NULL" : x + " = " + param(c.value);
      case Op::kNotEquals:
        return x + " IS NOT " + param(c.value);
      case Op::kLess:
        return x + " < " + param(c.value);
      case Op::kLessEq:
        return x + " <= " + param(c.value);
      case Op::kGreater:
        return x + " > " + param(c.value);
      case Op::kGreaterEq:
        return x + " >= " + param(c.value);
      case Op::kBetween:
        if (!c.value.is_array() || c.value.size() != 2) fail("'between' takes [low, high]");
        return x + " BETWEEN " + param(c.value[0]) + " AND " + param(c.value[1]);
      case Op::kIn:
        if (listOf(c.value).empty()) return "0";
        return x + " IN " + inList(c.value);
      case Op::kNotIn:
        if (listOf(c.value).empty()) return "1";
        return "(" + x + " IS NULL OR " + x + " NOT IN " + inList(c.value) + ")";
      case Op::kExists:
        return x + (c.value == true ? " IS NOT NULL" : " IS NULL");
      case Op::kStartsWith: {
        // Literal and case-sensitive: no LIKE, so '%' and '_' are plain text.
        std::string p = param(text(c));
        return "substr(" + x + ", 1, length(" + p + ")) = " + p;
      }
      case Op::kContains:
        return "instr(" + x + ", " + param(text(c)) + ") > 0";
      default:
        fail(fmt::format("'{}' does not apply to this value", segment::opName(c.op)));
    }
  }

  static json text(const Comparison& c) {
    if (!c.value.is_string()) {
      fail(fmt::format("'{}' takes text, not {}", segment::opName(c.op), c.value.dump()));
    }
    return c.value;
  }

  // ---- times ----

  int64_t resolveText(const std::string& s) {
    if (segment::isIsoTime(s)) return segment::resolve(timeValue(s), ctx_);
    if (auto d = segment::parseDuration(s)) return segment::resolve(*d, ctx_);
    fail(fmt::format("'{}' is not a date, a date-time or a duration", s));
  }

  int64_t resolveTime(const std::optional<segment::TimeValue>& t, const json& v) {
    if (t) return segment::resolve(*t, ctx_);
    if (v.is_string()) return resolveText(v.get<std::string>());
    if (v.is_number_integer()) return v.get<int64_t>();
    fail(fmt::format("{} is not a time", v.dump()));
  }

  // The upper end of `between` on times: a date without a time includes
  // that whole day (before the next midnight).
  Bound upperBound(const std::optional<segment::TimeValue>& t, const json& v) {
    std::optional<std::string> iso;
    if (t) {
      if (const auto* s = std::get_if<std::string>(&t->value)) iso = *s;
    } else if (v.is_string()) {
      iso = v.get<std::string>();
    }
    if (iso && isDateOnly(*iso)) {
      return {"<", segment::resolve(timeValue(isoDate(dayOf(*iso) + date::days{1})), ctx_)};
    }
    return {"<=", resolveTime(t, v)};
  }

  // The bounds an instant must keep for a time comparison; nullopt when `c`
  // is not a comparison of times.
  std::optional<std::vector<Bound>> timeBounds(const Comparison& c, bool values_are_times) {
    const bool timed = isTimeOp(c.op) || c.time.has_value() || values_are_times;
    if (!timed) return std::nullopt;
    switch (c.op) {
      case Op::kOlderThan:
      case Op::kBefore:
        return std::vector<Bound>{{"<", resolveTime(c.time, c.value)}};
      case Op::kAfter:
        return std::vector<Bound>{{">=", resolveTime(c.time, c.value)}};
      case Op::kWithin:
        return std::vector<Bound>{{">=", resolveTime(c.time, c.value)}, {"<=", ctx_.now_ms}};
      case Op::kLess:
        return std::vector<Bound>{{"<", resolveTime(c.time, c.value)}};
      case Op::kLessEq:
        return std::vector<Bound>{{"<=", resolveTime(c.time, c.value)}};
      case Op::kGreater:
        return std::vector<Bound>{{">", resolveTime(c.time, c.value)}};
      case Op::kGreaterEq:
        return std::vector<Bound>{{">=", resolveTime(c.time, c.value)}};
      case Op::kEquals:
        return std::vector<Bound>{{"=", resolveTime(c.time, c.value)}};
      case Op::kBetween: {
        const json lo = c.value.is_array() && !c.value.empty() ? c.value[0] : json();
        const json hi = c.value.is_array() && c.value.size() > 1 ? c.value[1] : json();
        return std::vector<Bound>{{">=", resolveTime(c.time, lo)}, upperBound(c.time_high, hi)};
      }
      default:
        return std::nullopt;
    }
  }

  // A column of Unix milliseconds (created_ms, at_ms).
  std::string instant(const std::string& x, const Comparison& c) {
    const bool iso_values =
        c.value.is_string() || (c.value.is_array() && !c.value.empty() && c.value[0].is_string());
    if (auto bounds = timeBounds(c, iso_values)) {
      std::string out;
      for (const auto& b : *bounds) {
        if (!out.empty()) out += " AND ";
        out += x + " " + b.op + " " + param(b.ms);
      }
      return bounds->size() > 1 ? "(" + out + ")" : out;
    }
    return scalar(x, c);
  }

  // The latest date whose midnight (in the rule's time zone) is <= ms, and
  // the earliest whose midnight is >= ms. Local dates are within a day of
  // the UTC date.
  std::string floorDate(int64_t ms) {
    const date::sys_days utc = utcDayOf(ms);
    for (date::sys_days d = utc + date::days{1}; d >= utc - date::days{2}; d -= date::days{1}) {
      std::string iso = isoDate(d);
      if (segment::resolve(timeValue(iso), ctx_) <= ms) return iso;
    }
    return isoDate(utc - date::days{2});
  }
  std::string ceilDate(int64_t ms) {
    const date::sys_days utc = utcDayOf(ms);
    for (date::sys_days d = utc - date::days{1}; d <= utc + date::days{2}; d += date::days{1}) {
      std::string iso = isoDate(d);
      if (segment::resolve(timeValue(iso), ctx_) >= ms) return iso;
    }
    return isoDate(utc + date::days{2});
  }

  // A JSON value holding a date ("2024-03-01": midnight in the rule's time
  // zone, compared as text) or a date-time with an offset (compared as an
  // instant; without an offset it is read as UTC).
  std::string jsonTime(const std::string& x, const std::vector<Bound>& bounds) {
    std::string dates, instants;
    for (const auto& b : bounds) {
      if (!dates.empty()) {
        dates += " AND ";
        instants += " AND ";
      }
      const std::string op = b.op;
      if (op == "<") dates += x + " < " + param(ceilDate(b.ms));
      if (op == ">=") dates += x + " >= " + param(ceilDate(b.ms));
      if (op == "<=") dates += x + " <= " + param(floorDate(b.ms));
      if (op == ">") dates += x + " > " + param(floorDate(b.ms));
      if (op == "=") {
        dates += "(" + x + " >= " + param(ceilDate(b.ms)) + " AND " + x +
                 " <= " + param(floorDate(b.ms)) + ")";
      }
      instants += "CAST(round((julianday(" + x + ") - 2440587.5) * 86400000.0) AS INTEGER) " + op +
                  " " + param(b.ms);
    }
    return "(typeof(" + x + ") = 'text' AND CASE WHEN length(" + x + ") = 10 THEN " + dates +
           " ELSE " + instants + " END)";
  }

  // ---- JSON values: contact attributes and event properties ----

  // `x` is json_extract(<doc>, '$.name').
  std::string jsonValue(const std::string& x, const std::string& doc, const std::string& name,
                        const Comparison& c) {
    switch (c.op) {
      case Op::kHas:
      case Op::kHasAny:
      case Op::kHasAll:
      case Op::kHasNone: {
        // An array (or a single value) in the document.
        const std::string path = jsonPath(name, "attribute");
        auto any = [&](const json& values) {
          return "EXISTS (SELECT 1 FROM json_each(" + doc + ", " + path + ") j WHERE j.value IN " +
                 inList(values) + ")";
        };
        if (listOf(c.value).empty()) return c.op == Op::kHasAll || c.op == Op::kHasNone ? "1" : "0";
        if (c.op == Op::kHasNone) return "NOT " + any(c.value);
        if (c.op != Op::kHasAll) return any(c.value);
        std::string out = "(";
        bool first = true;
        for (const auto& v : listOf(c.value)) {
          if (!first) out += " AND ";
          out += any(v);
          first = false;
        }
        return out + ")";
      }
      default:
        break;
    }
    if (auto bounds = timeBounds(c, false)) return jsonTime(x, *bounds);
    return scalar(x, c);
  }

  // ---- tags ----

  std::string tags(const Comparison& c, Form form) {
    auto set = [&](const json& values) {
      const auto list = listOf(values);
      if (form == Form::kMembership) {
        return "c.id IN (SELECT t.contact_id FROM contact_tags t WHERE t.tag " +
               (list.size() == 1 ? "= " + param(list[0]) : "IN " + inList(values)) + ")";
      }
      return "EXISTS (SELECT 1 FROM contact_tags t WHERE t.tag " +
             (list.size() == 1 ? "= " + param(list[0]) : "IN " + inList(values)) +
             " AND t.contact_id = c.id)";
    };
    const auto list = listOf(c.value);
    switch (c.op) {
      case Op::kHas:
      case Op::kHasAny:
      case Op::kEquals:
      case Op::kIn:
        return list.empty() ? "0" : set(c.value);
      case Op::kHasAll: {
        if (list.empty()) return "1";
        std::string out;
        for (const auto& v : list) out += (out.empty() ? "" : " AND ") + set(v);
        return list.size() > 1 ? "(" + out + ")" : out;
      }
      case Op::kHasNone:
      case Op::kNotEquals:
      case Op::kNotIn:
        return list.empty() ? "1" : "NOT " + set(c.value);
      case Op::kExists:
        return c.value == true ? "c.tags <> '[]'" : "c.tags = '[]'";
      default:
        fail(fmt::format("'{}' does not apply to tags (use has, has_any, has_all or has_none)",
                         segment::opName(c.op)));
    }
  }

  // ---- age ----

  // Ages are whole years; a birth date is compared as ISO text with the
  // latest birth date of someone of an age (no per-row date arithmetic).
  // "bd <= D" is written bd < D || '~', so that a date-time still compares
  // by its date; '0' keeps out values that are not text.
  std::string ageAtLeast(const std::string& x, int64_t years) {
    if (years <= 0) years = 0;
    return "(" + x + " >= '0' AND " + x + " < " + param(birthDate(years) + "~") + ")";
  }
  std::string ageBelow(const std::string& x, int64_t years) {
    if (years <= 0) return "0";
    return x + " >= " + param(birthDate(years) + "~");
  }
  std::string birthDate(int64_t years) {
    return segment::birthDateForAge(static_cast<int>(std::min<int64_t>(years, 100000)), ctx_);
  }

  std::string ageEquals(const std::string& x, const json& v) {
    const double n = asNumber(v);
    if (n != std::floor(n) || n < 0) return "0";
    const auto years = static_cast<int64_t>(n);
    return "(" + ageAtLeast(x, years) + " AND " + ageBelow(x, years + 1) + ")";
  }

  std::string age(const segment::ValueTest& t) {
    const std::string name = t.subject.name.empty() ? "birth_date" : t.subject.name;
    const std::string x = "json_extract(c.attributes, " + jsonPath(name, "attribute") + ")";
    const Comparison& c = t.test;
    auto ceilOf = [](double v) { return static_cast<int64_t>(std::ceil(v)); };
    auto floorOf = [](double v) { return static_cast<int64_t>(std::floor(v)); };
    switch (c.op) {
      case Op::kGreaterEq:
        return ageAtLeast(x, ceilOf(asNumber(c.value)));
      case Op::kGreater:
        return ageAtLeast(x, floorOf(asNumber(c.value)) + 1);
      case Op::kLess:
        return "(" + ageBelow(x, ceilOf(asNumber(c.value))) + ")";
      case Op::kLessEq:
        return "(" + ageBelow(x, floorOf(asNumber(c.value)) + 1) + ")";
      case Op::kEquals:
        return ageEquals(x, c.value);
      case Op::kNotEquals:
        return "NOT coalesce(" + ageEquals(x, c.value) + ", 0)";
      case Op::kBetween:
        if (!c.value.is_array() || c.value.size() != 2) fail("'between' takes [low, high]");
        return "(" + ageAtLeast(x, ceilOf(asNumber(c.value[0]))) + " AND " +
               ageBelow(x, floorOf(asNumber(c.value[1])) + 1) + ")";
      case Op::kIn:
      case Op::kNotIn: {
        std::string any;
        for (const auto& v : listOf(c.value)) any += (any.empty() ? "" : " OR ") + ageEquals(x, v);
        if (any.empty()) any = "0";
        return c.op == Op::kIn ? "(" + any + ")" : "NOT coalesce((" + any + "), 0)";
      }
      case Op::kExists:
        return x + (c.value == true ? " IS NOT NULL" : " IS NULL");
      default:
        fail(fmt::format("'{}' does not apply to an age", segment::opName(c.op)));
    }
  }

  // ---- anniversaries (birthday, anniversary) ----

  // The month-day of the date attribute is one of the month-days of today
  // (and the days after it) in the contact's time zone. At any instant the
  // zones of the world are on two or three dates: the zones whose date is
  // not the rule zone's are listed by date (a set built once per
  // statement); everyone else, contacts without a zone included, gets the
  // rule zone's month-days.
  std::string anniversary(const segment::ValueTest& t) {
    const std::string x =
        "json_extract(c.attributes, " + jsonPath(t.subject.name, "attribute") + ")";
    const int days = t.test.value.is_number_integer() ? t.test.value.get<int>() : 1;
    auto monthDays = [&](const std::string& date) {
      return param(json(segment::monthDaysFrom(date, days)).dump());
    };
    const std::string rule_date = segment::localDate(ctx_);
    std::string cases;
    for (const auto& [date, zones] : segment::zonesByLocalDate(ctx_.now_ms)) {
      if (date == rule_date) continue;
      cases += " WHEN c.timezone IN (SELECT value FROM json_each(" + param(json(zones).dump()) +
               ")) THEN " + monthDays(date);
    }
    const std::string wanted = cases.empty()
                                   ? monthDays(rule_date)
                                   : "CASE" + cases + " ELSE " + monthDays(rule_date) + " END";
    return "(typeof(" + x + ") = 'text' AND substr(" + x + ", 5, 1) = '-' AND substr(" + x +
           ", 6, 5) IN (SELECT value FROM json_each(" + wanted + ")))";
  }

  // ---- events ----

  // The conditions on events `e` of the test (type, window, where).
  std::string eventFilter(const segment::EventTest& t) {
    std::string out = "e.type = " + param(t.type);
    if (t.window) out += " AND " + instant("e.at_ms", *t.window);
    for (const auto& w : t.where) {
      if (w.subject.kind != segment::Subject::Kind::kProperty) {
        fail("'where' tests event properties only");
      }
      out += " AND " +
             jsonValue("json_extract(e.properties, " + jsonPath(w.subject.name, "property") + ")",
                       "e.properties", w.subject.name, w.test);
    }
    return out;
  }

  std::string aggregate(const segment::EventTest& t) {
    using A = segment::EventTest::Aggregate;
    switch (t.aggregate) {
      case A::kCount:
        return "count(*)";
      case A::kSum:
        return "coalesce(sum(" + moneyUnits(t.property) + "), 0)";
      case A::kAverage: {
        // Exact: the integer sum over the count, rounded half away from
        // zero to a micro-unit (money::averageUnits() in C++).
        const std::string u = moneyUnits(t.property);
        const std::string sum = "sum(" + u + ")", n = "count(" + u + ")";
        return "(CASE WHEN " + n + " = 0 THEN NULL WHEN " + sum + " >= 0 THEN (2 * " + sum + " + " +
               n + ") / (2 * " + n + ") ELSE -((-2 * " + sum + " + " + n + ") / (2 * " + n +
               ")) END)";
      }
      case A::kFirst:
        return "min(e.at_ms)";
      case A::kLast:
        return "max(e.at_ms)";
    }
    fail("unknown aggregate");
  }

  // The test on the aggregate value `x`.
  std::string aggregateTest(const segment::EventTest& t, const std::string& x) {
    using A = segment::EventTest::Aggregate;
    if (t.aggregate == A::kFirst || t.aggregate == A::kLast) return instant(x, *t.test);
    if (t.aggregate == A::kSum || t.aggregate == A::kAverage) return scalar(x, inUnits(*t.test));
    return scalar(x, *t.test);
  }

  // The micro-units of an event property (util/money.hpp): `amount` from
  // its column (in events_by_type_contact), others from the number's text.
  static std::string moneyUnits(const std::string& property) {
    if (property == "amount") return "e.amount_units";
    return "herald_money_units(e.properties -> " + jsonPath(property, "property") + ")";
  }

  // A comparison of amounts with its numbers in micro-units, so that SQL
  // compares integers.
  static Comparison inUnits(const Comparison& c) {
    Comparison out = c;
    auto convert = [](json& v) {
      if (auto units = money::unitsOfThreshold(v)) v = *units;
    };
    if (out.value.is_array()) {
      for (auto& v : out.value) convert(v);
    } else {
      convert(out.value);
    }
    return out;
  }

  // Whether the test means "no such event": a count test that holds for 0
  // and for no count above (equals 0, at_most 0, less_than 1). Written
  // without counting: the contact has no matching event.
  static bool meansNone(const segment::EventTest& e) {
    if (!e.test || e.aggregate != segment::EventTest::Aggregate::kCount) return false;
    const Comparison& c = *e.test;
    if (!c.value.is_number()) return false;
    const double v = c.value.get<double>();
    switch (c.op) {
      case Op::kEquals:
        return v == 0;
      case Op::kLessEq:
        return v >= 0 && v < 1;
      case Op::kLess:
        return v > 0 && v <= 1;
      default:
        return false;
    }
  }

  std::string visit(const segment::EventTest& t, Form form) {
    if (t.type.empty()) fail("an event test without an event type");
    if (meansNone(t)) {
      if (form == Form::kCorrelated) {
        return "NOT EXISTS (SELECT 1 FROM events e WHERE e.contact_id = c.id AND " +
               eventFilter(t) + ")";
      }
      return "c.id NOT IN (SELECT e.contact_id FROM events e WHERE " + eventFilter(t) + ")";
    }
    if (form == Form::kCorrelated) {
      if (!t.test) {
        return "EXISTS (SELECT 1 FROM events e WHERE e.contact_id = c.id AND " + eventFilter(t) +
               ")";
      }
      const std::string value = "(SELECT " + aggregate(t) +
                                " FROM events e WHERE e.contact_id = c.id AND " + eventFilter(t) +
                                ")";
      return "coalesce(" + aggregateTest(t, value) + ", 0)";
    }
    // Membership: the set of contacts whose events pass (or, when a contact
    // without events passes, the set of those whose events fail).
    std::string sql = "SELECT e.contact_id FROM events e WHERE " + eventFilter(t);
    if (!t.test) return "c.id IN (" + sql + ")";
    const std::string test = aggregateTest(t, aggregate(t));
    if (needsEvent(t)) return "c.id IN (" + sql + " GROUP BY e.contact_id HAVING " + test + ")";
    return "c.id NOT IN (" + sql + " GROUP BY e.contact_id HAVING NOT coalesce(" + test + ", 0))";
  }

  // ---- RFM ----

  std::string visit(const segment::RfmTest& t, Form form) {
    std::optional<std::string> kept;
    if (rfm_tables_) kept = rfm_tables_(t.options);
    const std::string table = kept ? *kept : rfmTable(t.options);
    std::string cond;
    auto add = [&](const std::string& s) { cond += (cond.empty() ? "" : " AND ") + s; };
    if (!t.segments.empty()) {
      // The cells of the grid that map to the named segments, as codes
      // r*100 + f*10 + m: segment::rfmSegmentOf() stays the only copy of it.
      const auto& names = segment::rfmSegmentNames();
      std::set<std::string> wanted;
      for (const auto& s : t.segments) {
        if (std::find(names.begin(), names.end(), s) == names.end()) {
          std::string valid;
          for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
          fail(fmt::format("unknown RFM segment '{}' (valid: {})", s, valid));
        }
        wanted.insert(s);
      }
      json codes = json::array();
      for (int r = 1; r <= 5; ++r) {
        for (int f = 1; f <= 5; ++f) {
          for (int m = 1; m <= 5; ++m) {
            if (wanted.count(segment::rfmSegmentOf(r, f, m))) codes.push_back(r * 100 + f * 10 + m);
          }
        }
      }
      add("x.r * 100 + x.f * 10 + x.m IN (SELECT value FROM json_each(" + param(codes.dump()) +
          "))");
    }
    if (t.recency) add(scalar("x.r", *t.recency));
    if (t.frequency) add(scalar("x.f", *t.frequency));
    if (t.monetary) add(scalar("x.m", *t.monetary));
    if (kept && form == Form::kCorrelated) {
      // One primary-key seek per contact in the kept table.
      return "EXISTS (SELECT 1 FROM " + table + " x WHERE x.contact_id = c.id" +
             (cond.empty() ? "" : " AND " + cond) + ")";
    }
    return "c.id IN (SELECT x.contact_id FROM " + table + " x" +
           (cond.empty() ? "" : " WHERE " + cond) + ")";
  }

  // ---- reachability ----

  std::string consent(const std::string& channel) {
    // The newest answer on the channel (one seek on the consents key).
    return "coalesce((SELECT k.granted FROM consents k WHERE k.contact_id = c.id AND k.channel = " +
           param(channel) + " ORDER BY k.at_ms DESC LIMIT 1), 0) = 1";
  }

  std::string visit(const segment::ReachTest& t, Form /*form*/) {
    using Kind = segment::ReachTest::Kind;
    switch (t.kind) {
      case Kind::kSuppressed:
        return t.value ? "c.suppressed_ms IS NOT NULL" : "c.suppressed_ms IS NULL";
      case Kind::kConsent:
        return consent(t.channel);
      case Kind::kReachable: {
        std::string address;
        if (t.channel == "email") address = "c.email";
        if (t.channel == "sms") address = "c.phone";
        if (address.empty()) {
          fail(fmt::format("unknown channel '{}' for 'reachable' (valid: email, sms)", t.channel));
        }
        return "(" + address + " IS NOT NULL AND " + address +
               " <> '' AND c.suppressed_ms IS NULL AND " + consent(t.channel) + ")";
      }
    }
    fail("unknown reachability test");
  }

  const segment::EvalContext& ctx_;
  int first_;
  RfmTables rfm_tables_;
  std::vector<json> params_;
  std::vector<std::string> ctes_;
  std::map<std::tuple<std::string, std::string, int64_t, int64_t>, std::string> rfm_names_;
};

}  // namespace

CompiledRule compileRule(const segment::Rule& rule, const segment::EvalContext& ctx,
                         int first_param, Drive drive, const RfmTables& rfm_tables) {
  Compiler compiler(ctx, first_param, rfm_tables);
  return compiler.compile(rule, drive);
}

CompiledRule compileEveryone(int first_param) {
  CompiledRule out;
  out.where = "c.erased_ms IS NULL";
  out.first_param = first_param;
  return out;
}

CompiledRfm compileRfmAggregate(const segment::RfmOptions& options,
                                const segment::EvalContext& ctx) {
  Compiler compiler(ctx, 1);
  CompiledRfm out;
  out.select = compiler.rfmAggregate(options);
  out.params = compiler.takeParams();
  return out;
}

CompiledRfm compileRfmScores(const segment::RfmOptions& options, const segment::EvalContext& ctx) {
  Compiler compiler(ctx, 1);
  const std::string table = compiler.rfmTable(options);
  CompiledRfm out;
  out.select = compiler.takeWith() + "SELECT contact_id, r, f, m FROM " + table;
  out.params = compiler.takeParams();
  return out;
}

void bindParams(Query& q, const std::vector<json>& params, int first) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = first + static_cast<int>(i);
    const json& v = params[i];
    switch (v.type()) {
      case json::value_t::string:
        q.bindText(index, v.get_ref<const std::string&>());
        break;
      case json::value_t::boolean:
        q.bindInt(index, v.get<bool>() ? 1 : 0);
        break;
      case json::value_t::number_integer:
        q.bindInt(index, v.get<int64_t>());
        break;
      case json::value_t::number_unsigned:
        q.bindInt(index, static_cast<int64_t>(v.get<uint64_t>()));
        break;
      case json::value_t::number_float:
        q.bindReal(index, v.get<double>());
        break;
      case json::value_t::null:
        q.bindNull(index);
        break;
      default:
        fail(fmt::format("{} cannot be compared (a list or a mapping where one value belongs)",
                         v.dump()));
    }
  }
}

}  // namespace herald::store::sqlite
