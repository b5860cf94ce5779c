// The rule parser: JSON (converted from YAML, with positions) -> Rule tree.
// Every mistake is one diagnostic at the offending node that says what
// would be valid; a rule with any error is never returned.
#include "segment/parse.hpp"

#include <algorithm>
#include <regex>

#include "segment/rule_parser.hpp"
#include "segment/time.hpp"
#include "util/suggest.hpp"
#include "util/yaml_json.hpp"

namespace herald::segment {
namespace detail {
namespace {

using nlohmann::json;

const std::vector<std::string> kRuleKeys = {
    "all",      "any",         "not",   "segment", "field",     "attribute", "tags",      "age",
    "birthday", "anniversary", "event", "rfm",     "reachable", "consent",   "suppressed"};
const std::vector<std::string> kChannels = {"email", "sms"};
const std::vector<std::string> kWindowKeys = {"within", "older_than", "before", "after", "between"};
const std::vector<std::string> kAggregateKeys = {"count", "sum", "average", "first", "last"};

const std::vector<Op> kAllOps = {Op::kEquals,    Op::kNotEquals, Op::kLess,       Op::kLessEq,
                                 Op::kGreater,   Op::kGreaterEq, Op::kBetween,    Op::kIn,
                                 Op::kNotIn,     Op::kExists,    Op::kStartsWith, Op::kContains,
                                 Op::kOlderThan, Op::kWithin,    Op::kBefore,     Op::kAfter,
                                 Op::kHas,       Op::kHasAny,    Op::kHasAll,     Op::kHasNone};
const std::vector<Op> kTextOps = {Op::kEquals, Op::kNotEquals,  Op::kIn,      Op::kNotIn,
                                  Op::kExists, Op::kStartsWith, Op::kContains};
const std::vector<Op> kTimeOps = {Op::kExists, Op::kOlderThan, Op::kWithin,
                                  Op::kBefore, Op::kAfter,     Op::kBetween};
const std::vector<Op> kWindowOps = {Op::kOlderThan, Op::kWithin, Op::kBefore, Op::kAfter,
                                    Op::kBetween};
const std::vector<Op> kNumberOps = {Op::kEquals,  Op::kNotEquals, Op::kLess,
                                    Op::kLessEq,  Op::kGreater,   Op::kGreaterEq,
                                    Op::kBetween, Op::kIn,        Op::kNotIn};
const std::vector<Op> kHasOps = {Op::kHas, Op::kHasAny, Op::kHasAll, Op::kHasNone};

std::vector<std::string> names(const std::vector<Op>& ops) {
  std::vector<std::string> out;
  for (Op op : ops) out.emplace_back(opName(op));
  return out;
}

bool isIdentifier(const std::string& s) {
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(s, kName);
}

std::string typeOf(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "nothing";
    case json::value_t::boolean:
      return "true/false";
    case json::value_t::string:
      return "text";
    case json::value_t::array:
      return "a list";
    case json::value_t::object:
      return "a mapping";
    default:
      return "a number";
  }
}

// "'abc'", "42", "true", "a list", ...
std::string shown(const json& v) {
  if (v.is_string()) return "'" + v.get<std::string>() + "'";
  if (v.is_number() || v.is_boolean()) return v.dump();
  return typeOf(v);
}

bool isScalar(const json& v) { return v.is_string() || v.is_number() || v.is_boolean(); }

// What values a test takes.
struct ValueSpec {
  enum class Kind {
    kAny,      // attributes and event properties: text, numbers, true/false
    kText,     // contact fields and tags: text only
    kInteger,  // age, counts, RFM scores: whole numbers in [min, max]
    kNumber,   // sums and averages
    kTime,     // created_at, event times: durations and dates
  };
  Kind kind = Kind::kAny;
  int64_t min = 0, max = 0;
};

class RuleParser {
 public:
  RuleParser(const Positions& positions, Resolver& resolver, Diagnostics& diags)
      : positions_(positions), resolver_(resolver), diags_(diags) {}

  RulePtr rule(const json& v, const std::string& ptr) {
    const size_t before = diags_.errorCount();
    RulePtr r = anyRule(v, ptr);
    return diags_.errorCount() == before ? r : nullptr;
  }

 private:
  // ------------------------------------------------------------ positions
  SourcePos at(const std::string& ptr) const {
    std::string p = ptr;
    while (true) {
      if (auto it = positions_.find(p); it != positions_.end()) return it->second;
      if (p.empty()) return {};
      p = p.substr(0, p.rfind('/'));
    }
  }
  static std::string child(const std::string& ptr, const std::string& key) {
    return ptr + "/" + escapeJsonPointerToken(key);
  }
  static std::string child(const std::string& ptr, size_t i) {
    return ptr + "/" + std::to_string(i);
  }
  SourcePos keyAt(const std::string& ptr, const std::string& key) const {
    if (auto it = positions_.find(child(ptr, key) + "#key"); it != positions_.end())
      return it->second;
    return at(child(ptr, key));
  }
  // The keys of a mapping in the order they were written.
  std::vector<std::string> keysOf(const json& obj, const std::string& ptr) const {
    std::vector<std::string> keys;
    for (const auto& [k, v] : obj.items()) keys.push_back(k);
    std::stable_sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
      const SourcePos pa = keyAt(ptr, a), pb = keyAt(ptr, b);
      return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
    });
    return keys;
  }
  void error(const SourcePos& pos, std::string message) { diags_.error(pos, std::move(message)); }

  // ------------------------------------------------------------ rules
  RulePtr make(std::variant<Combination, ValueTest, EventTest, RfmTest, ReachTest, SegmentRef> node,
               const std::string& ptr) {
    auto r = std::make_shared<Rule>();
    r->node = std::move(node);
    r->pos = at(ptr);
    return r;
  }

  RulePtr anyRule(const json& v, const std::string& ptr) {
    if (v.is_array()) {
      if (v.empty()) {
        error(at(ptr),
              "empty list of rules; a list means all of its rules hold: give at least one, "
              "e.g. - tags: {has: vip}");
        return nullptr;
      }
      return combination(Combination::Kind::kAll, v, ptr);
    }
    if (!v.is_object()) {
      error(at(ptr),
            "a rule is a mapping such as {attribute: plan, equals: pro} or "
            "{segment: NAME}, not " +
                (v.is_null() ? std::string("nothing") : shown(v)));
      return nullptr;
    }
    const auto keys = keysOf(v, ptr);
    std::vector<std::string> kinds;
    for (const auto& k : keys)
      if (k == "tag" || std::find(kRuleKeys.begin(), kRuleKeys.end(), k) != kRuleKeys.end())
        kinds.push_back(k);
    if (kinds.empty()) {
      std::string op;
      bool unknown = false;
      for (const auto& k : keys) {
        if (opFromName(k))
          op = k;
        else
          unknown = true;
      }
      if (!op.empty() && !unknown) {
        error(at(ptr), "this rule has the test '" + op +
                           "' but nothing to test: name what it looks at with field:, "
                           "attribute:, tags:, age: or event:, e.g. {attribute: plan, "
                           "equals: pro}");
        return nullptr;
      }
      if (keys.empty()) {
        error(at(ptr), "empty rule; a rule starts with one of " + joinList(kRuleKeys, "or"));
        return nullptr;
      }
      for (const auto& k : keys)
        if (!opFromName(k))
          error(keyAt(ptr, k), "unknown key '" + k + "' in a rule" + didYouMean(k, kRuleKeys) +
                                   "; a rule starts with one of " + joinList(kRuleKeys, "or"));
      return nullptr;
    }
    if (kinds.size() > 1) {
      error(keyAt(ptr, kinds[1]), "'" + kinds[0] + "' and '" + kinds[1] +
                                      "' in one rule: each rule looks at one thing; combine "
                                      "rules with all: [...] or any: [...]");
      return nullptr;
    }
    const std::string& kind = kinds[0];
    const json& val = v.at(kind);
    const std::string vptr = child(ptr, kind);
    if (kind == "all" || kind == "any") {
      if (!onlyKeys(v, ptr, kind, {kind}, kind + ": [{tags: {has: vip}}, {reachable: email}]"))
        return nullptr;
      if (!val.is_array()) {
        error(at(vptr), "'" + kind + "' takes a list of rules (each starting with '- '), not " +
                            (val.is_null() ? std::string("nothing") : shown(val)));
        return nullptr;
      }
      if (val.empty()) {
        error(at(vptr), "'" + kind + "' needs at least one rule");
        return nullptr;
      }
      return combination(kind == "all" ? Combination::Kind::kAll : Combination::Kind::kAny, val,
                         vptr);
    }
    if (kind == "not") {
      if (!onlyKeys(v, ptr, kind, {kind}, "not: {tags: {has: vip}}")) return nullptr;
      if (val.is_array()) {
        error(at(vptr),
              "'not' takes one rule, not a list; to leave out contacts matching any of several "
              "rules write not: {any: [...]}");
        return nullptr;
      }
      RulePtr inner = anyRule(val, vptr);
      if (!inner) return nullptr;
      Combination c;
      c.kind = Combination::Kind::kNot;
      c.children.push_back(std::move(inner));
      return make(std::move(c), ptr);
    }
    if (kind == "segment") return segmentRef(v, ptr, val, vptr);
    if (kind == "field" || kind == "attribute") return valueRule(v, ptr, kind);
    if (kind == "tag") return legacyTag(v, ptr, val, vptr);
    if (kind == "tags") return tagsRule(v, ptr, val, vptr);
    if (kind == "age") return ageRule(v, ptr, val, vptr);
    if (kind == "birthday" || kind == "anniversary") {
      return anniversaryRule(v, ptr, kind, val, vptr);
    }
    if (kind == "event") return eventRule(v, ptr, val, vptr);
    if (kind == "rfm") return rfmRule(v, ptr, val, vptr);
    return reachRule(v, ptr, kind, val, vptr);
  }

  RulePtr combination(Combination::Kind kind, const json& list, const std::string& ptr) {
    Combination c;
    c.kind = kind;
    bool ok = true;
    for (size_t i = 0; i < list.size(); ++i) {
      RulePtr r = anyRule(list[i], child(ptr, i));
      if (r)
        c.children.push_back(std::move(r));
      else
        ok = false;
    }
    if (!ok) return nullptr;
    return make(std::move(c), ptr);
  }

  // Reports every key of `obj` outside `allowed`; false if there was one.
  bool onlyKeys(const json& obj, const std::string& ptr, const std::string& kind,
                const std::vector<std::string>& allowed, const std::string& example) {
    bool ok = true;
    for (const auto& k : keysOf(obj, ptr)) {
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      error(keyAt(ptr, k), "unknown key '" + k + "' in a '" + kind + "' rule" +
                               didYouMean(k, allowed) + "; it takes " + joinList(allowed, "and") +
                               ", e.g. " + example);
      ok = false;
    }
    return ok;
  }

  std::optional<std::string> name(const json& v, const std::string& ptr, const std::string& what,
                                  const std::string& example) {
    if (v.is_string() && !v.get<std::string>().empty()) return v.get<std::string>();
    error(at(ptr), "'" + what + "' takes a name, e.g. " + example + "; got " + shown(v));
    return std::nullopt;
  }

  RulePtr segmentRef(const json& obj, const std::string& ptr, const json& val,
                     const std::string& vptr) {
    if (!onlyKeys(obj, ptr, "segment", {"segment"}, "segment: lapsed-customers")) return nullptr;
    auto n = name(val, vptr, "segment", "segment: lapsed-customers");
    if (!n) return nullptr;
    RulePtr target = resolver_.resolve(*n, at(vptr), diags_);
    if (!target) return nullptr;
    return make(SegmentRef{*n, std::move(target)}, ptr);
  }

  RulePtr valueRule(const json& obj, const std::string& ptr, const std::string& kind) {
    const std::string vptr = child(ptr, kind);
    const json& val = obj.at(kind);
    Subject subject;
    subject.pos = at(vptr);
    std::vector<Op> allowed = kAllOps;
    ValueSpec spec;
    std::string what;
    const bool is_field = kind == "field";
    if (is_field) {
      subject.kind = Subject::Kind::kField;
      const auto& fields = contactFieldNames();
      if (!val.is_string() ||
          std::find(fields.begin(), fields.end(), val.get<std::string>()) == fields.end()) {
        const std::string s = val.is_string() ? val.get<std::string>() : "";
        error(at(vptr), "unknown contact field " + shown(val) + didYouMean(s, fields) +
                            "; fields: " + joinList(fields, "and") +
                            " (use attribute: NAME for imported attributes)");
        return nullptr;
      }
      subject.name = val.get<std::string>();
      if (subject.name == "created_at" || subject.name == "updated_at") {
        allowed = kTimeOps;
        spec.kind = ValueSpec::Kind::kTime;
        what = subject.name + " (a time)";
      } else {
        allowed = kTextOps;
        spec.kind = ValueSpec::Kind::kText;
        what = "the text field " + subject.name;
      }
    } else {
      subject.kind = Subject::Kind::kAttribute;
      if (!val.is_string() || !isIdentifier(val.get<std::string>())) {
        error(at(vptr),
              "attribute names are letters, digits and '_', not starting with a "
              "digit (e.g. attribute: plan); got " +
                  shown(val));
        return nullptr;
      }
      subject.name = val.get<std::string>();
      what = "attribute '" + subject.name + "'";
    }
    auto test = oneTest(obj, ptr, {kind}, {}, allowed, spec, what,
                        is_field ? "field: email / exists: true" : "attribute: plan / equals: pro");
    if (!test) return nullptr;
    return make(ValueTest{std::move(subject), std::move(*test)}, ptr);
  }

  RulePtr legacyTag(const json& obj, const std::string& ptr, const json& val,
                    const std::string& vptr) {
    if (!onlyKeys(obj, ptr, "tag", {"tag"}, "tag: vip (or tags: {has: vip})")) return nullptr;
    auto n = name(val, vptr, "tag", "tag: vip");
    if (!n) return nullptr;
    ValueTest t;
    t.subject.kind = Subject::Kind::kTags;
    t.subject.pos = at(vptr);
    t.test.op = Op::kHas;
    t.test.value = *n;
    t.test.pos = keyAt(ptr, "tag");
    return make(std::move(t), ptr);
  }

  RulePtr tagsRule(const json& obj, const std::string& ptr, const json& val,
                   const std::string& vptr) {
    if (!onlyKeys(obj, ptr, "tags", {"tags"}, "tags: {has: vip}")) return nullptr;
    if (!val.is_object()) {
      error(at(vptr),
            "'tags' takes a test such as {has: vip}, {has_any: [vip, press]}, "
            "{has_all: [...]} or {has_none: [...]}; got " +
                shown(val));
      return nullptr;
    }
    ValueSpec spec;
    spec.kind = ValueSpec::Kind::kText;
    auto test = oneTest(val, vptr, {}, {}, kHasOps, spec, "tags", "tags: {has: vip}");
    if (!test) return nullptr;
    ValueTest t;
    t.subject.kind = Subject::Kind::kTags;
    t.subject.pos = at(vptr);
    t.test = std::move(*test);
    return make(std::move(t), ptr);
  }

  RulePtr ageRule(const json& obj, const std::string& ptr, const json& val,
                  const std::string& vptr) {
    if (!onlyKeys(obj, ptr, "age", {"age"}, "age: {at_least: 18}")) return nullptr;
    if (!val.is_object()) {
      error(at(vptr),
            "'age' takes a test such as {at_least: 18} or {between: [18, 30]} (and "
            "optionally from: ATTRIBUTE, default birth_date); got " +
                shown(val));
      return nullptr;
    }
    Subject subject;
    subject.kind = Subject::Kind::kAge;
    subject.name = "birth_date";
    subject.pos = at(vptr);
    bool ok = true;
    if (val.contains("from")) {
      const json& f = val.at("from");
      if (!f.is_string() || !isIdentifier(f.get<std::string>())) {
        error(at(child(vptr, "from")),
              "'from' names the attribute holding the birth date (YYYY-MM-DD), e.g. from: "
              "birthday; got " +
                  shown(f));
        ok = false;
      } else {
        subject.name = f.get<std::string>();
      }
    }
    ValueSpec spec{ValueSpec::Kind::kInteger, 0, 200};
    auto test =
        oneTest(val, vptr, {"from"}, {"from"}, kNumberOps, spec, "age", "age: {at_least: 18}");
    if (!test || !ok) return nullptr;
    return make(ValueTest{std::move(subject), std::move(*test)}, ptr);
  }

  // birthday: today | birthday: {within: 7d} | anniversary: {from: signup_date, within: 7d}:
  // the month and day of a date attribute fall today (or in the next days)
  // in the contact's time zone. `birthday` reads birth_date unless `from`
  // says otherwise; `anniversary` needs `from`.
  RulePtr anniversaryRule(const json& obj, const std::string& ptr, const std::string& kind,
                          const json& val, const std::string& vptr) {
    const bool birthday = kind == "birthday";
    const std::string example = birthday ? "birthday: today or birthday: {within: 7d}"
                                         : "anniversary: {from: signup_date, within: 7d}";
    if (!onlyKeys(obj, ptr, kind, {kind}, example)) return nullptr;
    Subject subject;
    subject.kind = Subject::Kind::kAnniversary;
    subject.name = birthday ? "birth_date" : "";
    subject.pos = at(vptr);
    Comparison test;
    test.op = Op::kWithin;
    test.value = 1;  // days, today included
    test.pos = at(vptr);
    if (val.is_string() && val.get<std::string>() == "today" && birthday) {
      return make(ValueTest{std::move(subject), std::move(test)}, ptr);
    }
    if (!val.is_object()) {
      error(at(vptr), "'" + kind + "' takes " +
                          (birthday ? "today, or a mapping such as {within: 7d} (and "
                                      "optionally from: ATTRIBUTE, default birth_date)"
                                    : "a mapping with from: ATTRIBUTE and equals: today or "
                                      "within: 7d, e.g. {from: signup_date, within: 7d}") +
                          "; got " + shown(val));
      return nullptr;
    }
    bool ok = true;
    for (const auto& k : keysOf(val, vptr)) {
      if (k != "from" && k != "equals" && k != "within") {
        error(keyAt(vptr, k), "unknown key '" + k + "' in '" + kind +
                                  "'; it takes from: ATTRIBUTE and one of equals: today or "
                                  "within: 7d");
        ok = false;
      }
    }
    if (val.contains("from")) {
      const json& f = val.at("from");
      if (!f.is_string() || !isIdentifier(f.get<std::string>())) {
        error(at(child(vptr, "from")),
              "'from' names the attribute holding the date (YYYY-MM-DD), e.g. from: "
              "signup_date; got " +
                  shown(f));
        ok = false;
      } else {
        subject.name = f.get<std::string>();
      }
    } else if (!birthday) {
      error(at(vptr),
            "'anniversary' needs from: ATTRIBUTE, the attribute holding the date, e.g. " + example);
      ok = false;
    }
    const bool has_equals = val.contains("equals"), has_within = val.contains("within");
    if (has_equals && has_within) {
      error(keyAt(vptr, "within"), "'equals' and 'within' in one '" + kind +
                                       "': write equals: today or within: 7d, not both");
      return nullptr;
    }
    if (!has_equals && !has_within) {
      if (ok) error(at(vptr), "'" + kind + "' needs equals: today or within: 7d, e.g. " + example);
      return nullptr;
    }
    if (has_equals) {
      const json& e = val.at("equals");
      test.pos = keyAt(vptr, "equals");
      if (!e.is_string() || e.get<std::string>() != "today") {
        error(at(child(vptr, "equals")),
              "'equals' in '" + kind +
                  "' takes today (for the coming days write within: 7d); got " + shown(e));
        ok = false;
      }
    } else {
      const json& w = val.at("within");
      test.pos = keyAt(vptr, "within");
      const auto d = w.is_string() ? parseDuration(w.get<std::string>()) : std::nullopt;
      const bool days = d && (d->unit == Duration::Unit::kDay || d->unit == Duration::Unit::kWeek);
      const int64_t n = days ? d->amount * (d->unit == Duration::Unit::kWeek ? 7 : 1) : 0;
      if (!days || n > 366) {
        error(at(child(vptr, "within")),
              "'within' in '" + kind +
                  "' takes a number of days or weeks up to a year, counted from today "
                  "(within: 7d is today and the 6 days after it); got " +
                  shown(w));
        ok = false;
      } else {
        test.value = n;
      }
    }
    if (!ok) return nullptr;
    return make(ValueTest{std::move(subject), std::move(test)}, ptr);
  }

  RulePtr reachRule(const json& obj, const std::string& ptr, const std::string& kind,
                    const json& val, const std::string& vptr) {
    const std::string example = kind == "suppressed" ? "suppressed: false" : kind + ": email";
    if (!onlyKeys(obj, ptr, kind, {kind}, example)) return nullptr;
    ReachTest t;
    t.pos = at(ptr);
    if (kind == "suppressed") {
      t.kind = ReachTest::Kind::kSuppressed;
      if (!val.is_boolean()) {
        error(at(vptr), "'suppressed' takes true or false, got " + shown(val));
        return nullptr;
      }
      t.value = val.get<bool>();
      return make(std::move(t), ptr);
    }
    t.kind = kind == "reachable" ? ReachTest::Kind::kReachable : ReachTest::Kind::kConsent;
    const std::string s = val.is_string() ? val.get<std::string>() : "";
    if (std::find(kChannels.begin(), kChannels.end(), s) == kChannels.end()) {
      error(at(vptr), "unknown channel " + shown(val) + didYouMean(s, kChannels) +
                          "; channels: " + joinList(kChannels, "or"));
      return nullptr;
    }
    t.channel = s;
    return make(std::move(t), ptr);
  }

  // ------------------------------------------------------------ events
  RulePtr eventRule(const json& obj, const std::string& ptr, const json& val,
                    const std::string& vptr) {
    EventTest e;
    e.pos = at(ptr);
    bool ok = true;
    if (!val.is_string() || val.get<std::string>().empty() ||
        val.get<std::string>().find_first_of(" \t") != std::string::npos) {
      error(at(vptr),
            "'event' takes the event type, one word such as purchase or open; got " + shown(val));
      ok = false;
    } else {
      e.type = val.get<std::string>();
    }
    std::vector<std::string> allowed = {"event", "where"};
    allowed.insert(allowed.end(), kWindowKeys.begin(), kWindowKeys.end());
    allowed.insert(allowed.end(), kAggregateKeys.begin(), kAggregateKeys.end());
    ok = onlyKeys(obj, ptr, "event", allowed,
                  "event: purchase / within: 90d / count: {at_least: 3}") &&
         ok;
    std::string window_key, aggregate_key;
    for (const auto& k : keysOf(obj, ptr)) {
      const bool is_window =
          std::find(kWindowKeys.begin(), kWindowKeys.end(), k) != kWindowKeys.end();
      const bool is_aggregate =
          std::find(kAggregateKeys.begin(), kAggregateKeys.end(), k) != kAggregateKeys.end();
      if (is_window) {
        if (!window_key.empty()) {
          error(keyAt(ptr, k), "two time windows ('" + window_key + "' and '" + k +
                                   "') on one event; use one, or between: [DATE, DATE] for a "
                                   "range");
          ok = false;
          continue;
        }
        window_key = k;
        const Op op = *opFromName(k);
        auto c = operand(op, obj.at(k), child(ptr, k), keyAt(ptr, k),
                         ValueSpec{ValueSpec::Kind::kTime, 0, 0}, "the event's time");
        if (c)
          e.window = std::move(*c);
        else
          ok = false;
      } else if (is_aggregate) {
        if (!aggregate_key.empty()) {
          error(keyAt(ptr, k), "two tests on one event ('" + aggregate_key + "' and '" + k +
                                   "'); use one, and combine event rules with all: [...]");
          ok = false;
          continue;
        }
        aggregate_key = k;
        ok = aggregate(e, k, obj.at(k), child(ptr, k)) && ok;
      } else if (k == "where") {
        ok = where(e, obj.at(k), child(ptr, k)) && ok;
      }
    }
    if (!ok) return nullptr;
    return make(std::move(e), ptr);
  }

  bool where(EventTest& e, const json& val, const std::string& ptr) {
    const std::string example = "where: [{property: product_id, equals: X}]";
    json list = val;
    if (val.is_object()) list = json::array({val});
    if (!list.is_array() || list.empty()) {
      error(at(ptr), "'where' takes a list of tests on the event's properties, e.g. " + example +
                         "; got " + shown(val));
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string iptr = val.is_object() ? ptr : child(ptr, i);
      const json& item = list[i];
      if (!item.is_object()) {
        error(at(iptr),
              "each 'where' test is a mapping such as {property: product_id, equals: "
              "X}; got " +
                  shown(item));
        ok = false;
        continue;
      }
      Subject s;
      s.kind = Subject::Kind::kProperty;
      s.pos = at(iptr);
      if (!item.contains("property")) {
        error(at(iptr),
              "this 'where' test names no property; e.g. {property: product_id, "
              "equals: X}");
        ok = false;
        continue;
      }
      const json& p = item.at("property");
      const std::string pptr = child(iptr, "property");
      if (!p.is_string() || !isIdentifier(p.get<std::string>())) {
        error(at(pptr),
              "property names are letters, digits and '_', not starting with a digit; "
              "got " +
                  shown(p));
        ok = false;
        continue;
      }
      s.name = p.get<std::string>();
      s.pos = at(pptr);
      auto test = oneTest(item, iptr, {"property"}, {"property"}, kAllOps, ValueSpec{},
                          "property '" + s.name + "'", "{property: product_id, equals: X}");
      if (!test) {
        ok = false;
        continue;
      }
      e.where.push_back(ValueTest{std::move(s), std::move(*test)});
    }
    return ok;
  }

  bool aggregate(EventTest& e, const std::string& key, const json& val, const std::string& ptr) {
    if (key == "count") {
      e.aggregate = EventTest::Aggregate::kCount;
      if (!val.is_object()) {
        error(at(ptr),
              "'count' takes a test such as {at_least: 3} or {equals: 0}; got " + shown(val));
        return false;
      }
      auto t = oneTest(val, ptr, {}, {}, kNumberOps,
                       ValueSpec{ValueSpec::Kind::kInteger, 0, 1'000'000'000}, "count",
                       "count: {at_least: 3}");
      if (t) e.test = std::move(*t);
      return t.has_value();
    }
    if (key == "first" || key == "last") {
      e.aggregate = key == "first" ? EventTest::Aggregate::kFirst : EventTest::Aggregate::kLast;
      if (!val.is_object()) {
        error(at(ptr), "'" + key +
                           "' takes a time test such as {older_than: 60d} or {before: "
                           "2024-01-01}; got " +
                           shown(val));
        return false;
      }
      auto t = oneTest(val, ptr, {}, {}, kWindowOps, ValueSpec{ValueSpec::Kind::kTime, 0, 0},
                       "the " + key + " event's time", key + ": {older_than: 60d}");
      if (t) e.test = std::move(*t);
      return t.has_value();
    }
    e.aggregate = key == "sum" ? EventTest::Aggregate::kSum : EventTest::Aggregate::kAverage;
    const std::string example =
        key + ": {property: amount, " + (key == "sum" ? "greater_than: 200}" : "at_least: 50}");
    if (!val.is_object()) {
      error(at(ptr),
            "'" + key + "' takes a property and a test, e.g. " + example + "; got " + shown(val));
      return false;
    }
    bool ok = true;
    if (!val.contains("property")) {
      error(at(ptr), "'" + key + "' needs the numeric property to " +
                         (key == "sum" ? "add up" : "average") + ", e.g. " + example);
      ok = false;
    } else if (const json& p = val.at("property");
               !p.is_string() || !isIdentifier(p.get<std::string>())) {
      error(
          at(child(ptr, "property")),
          "property names are letters, digits and '_', not starting with a digit; got " + shown(p));
      ok = false;
    } else {
      e.property = p.get<std::string>();
    }
    auto t = oneTest(val, ptr, {"property"}, {"property"}, kNumberOps,
                     ValueSpec{ValueSpec::Kind::kNumber, 0, 0}, "the " + key, example);
    if (t) e.test = std::move(*t);
    return ok && t.has_value();
  }

  // ------------------------------------------------------------ RFM
  RulePtr rfmRule(const json& obj, const std::string& ptr, const json& val,
                  const std::string& vptr) {
    if (!onlyKeys(obj, ptr, "rfm", {"rfm"}, "rfm: champions")) return nullptr;
    RfmTest t;
    t.pos = at(ptr);
    if (val.is_string() || val.is_array()) {
      if (!rfmNames(t, val, vptr)) return nullptr;
      return make(std::move(t), ptr);
    }
    const std::string example =
        "rfm: {segment: [champions, loyal]} or rfm: {recency: {at_least: 4}}";
    if (!val.is_object()) {
      error(at(vptr),
            "'rfm' takes a segment name (rfm: champions), a list of them, or a "
            "mapping such as {recency: {at_least: 4}}; got " +
                shown(val));
      return nullptr;
    }
    const std::vector<std::string> keys = {"segment", "recency", "frequency", "monetary",
                                           "event",   "amount",  "as_of",     "window"};
    bool ok = true;
    for (const auto& k : keysOf(val, vptr)) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        error(keyAt(vptr, k), "unknown key '" + k + "' in 'rfm'" + didYouMean(k, keys) +
                                  "; it takes " + joinList(keys, "and"));
        ok = false;
      }
    }
    if (!ok) return nullptr;
    if (val.contains("segment")) ok = rfmNames(t, val.at("segment"), child(vptr, "segment")) && ok;
    for (const char* score : {"recency", "frequency", "monetary"}) {
      if (!val.contains(score)) continue;
      const json& s = val.at(score);
      const std::string sptr = child(vptr, score);
      if (!s.is_object()) {
        error(at(sptr), std::string("'") + score +
                            "' takes a test on its 1-5 score, e.g. {at_least: 4}; got " + shown(s));
        ok = false;
        continue;
      }
      auto c =
          oneTest(s, sptr, {}, {}, kNumberOps, ValueSpec{ValueSpec::Kind::kInteger, 1, 5},
                  std::string("the ") + score + " score", std::string(score) + ": {at_least: 4}");
      if (!c) {
        ok = false;
        continue;
      }
      (std::string(score) == "recency"     ? t.recency
       : std::string(score) == "frequency" ? t.frequency
                                           : t.monetary) = std::move(*c);
    }
    for (const char* k : {"event", "amount"}) {
      if (!val.contains(k)) continue;
      const json& s = val.at(k);
      const bool good =
          s.is_string() && (std::string(k) == "event"
                                ? !s.get<std::string>().empty() &&
                                      s.get<std::string>().find_first_of(" \t") == std::string::npos
                                : isIdentifier(s.get<std::string>()));
      if (!good) {
        error(at(child(vptr, k)),
              std::string("'") + k + "' takes " +
                  (std::string(k) == "event" ? "the event type that counts as a purchase (default "
                                               "purchase)"
                                             : "the property holding the amount (default amount)") +
                  "; got " + shown(s));
        ok = false;
        continue;
      }
      (std::string(k) == "event" ? t.options.event_type : t.options.amount_property) =
          s.get<std::string>();
    }
    if (val.contains("as_of")) {
      auto tv = timeValue(val.at("as_of"), child(vptr, "as_of"), "as_of");
      if (tv)
        t.options.as_of = std::move(*tv);
      else
        ok = false;
    }
    if (val.contains("window")) {
      const json& w = val.at("window");
      auto tv = timeValue(w, child(vptr, "window"), "window");
      if (tv && std::holds_alternative<Duration>(tv->value)) {
        t.options.window = std::get<Duration>(tv->value);
      } else {
        if (tv) {
          error(at(child(vptr, "window")),
                "'window' takes a length of time counted back from as_of (365d, 12mo, 1y); "
                "got the date " +
                    shown(w) + " (to score from a date on, give as_of and a window)");
        }
        ok = false;
      }
    }
    if (ok && t.segments.empty() && !t.recency && !t.frequency && !t.monetary) {
      error(at(vptr),
            "'rfm' needs a segment or a test on recency, frequency or monetary, e.g. " + example);
      ok = false;
    }
    if (!ok) return nullptr;
    return make(std::move(t), ptr);
  }

  bool rfmNames(RfmTest& t, const json& val, const std::string& ptr) {
    const auto& known = rfmSegmentNames();
    if (val.is_array() && val.empty()) {
      error(at(ptr),
            "the list of RFM segments is empty; name at least one of " + joinList(known, "or"));
      return false;
    }
    const json list = val.is_array() ? val : json::array({val});
    bool ok = true;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string iptr = val.is_array() ? child(ptr, i) : ptr;
      const std::string s = list[i].is_string() ? list[i].get<std::string>() : "";
      if (std::find(known.begin(), known.end(), s) == known.end()) {
        error(at(iptr), "unknown RFM segment " + shown(list[i]) + didYouMean(s, known) +
                            "; RFM segments: " + joinList(known, "or"));
        ok = false;
        continue;
      }
      t.segments.push_back(s);
    }
    return ok;
  }

  // ------------------------------------------------------------ tests
  // The one test in `obj` among its keys other than `skip`. `extra` are the
  // other keys the mapping may hold (for suggestions).
  std::optional<Comparison> oneTest(const json& obj, const std::string& ptr,
                                    const std::vector<std::string>& skip,
                                    const std::vector<std::string>& extra,
                                    const std::vector<Op>& allowed, const ValueSpec& spec,
                                    const std::string& what, const std::string& example) {
    const auto allowed_names = names(allowed);
    std::vector<std::string> suggestions = allowed_names;
    suggestions.insert(suggestions.end(), extra.begin(), extra.end());
    std::vector<std::string> found;
    bool ok = true;
    for (const auto& k : keysOf(obj, ptr)) {
      if (std::find(skip.begin(), skip.end(), k) != skip.end()) continue;
      const auto op = opFromName(k);
      if (!op) {
        error(keyAt(ptr, k), "unknown key '" + k + "' in a test on " + what +
                                 didYouMean(k, suggestions) +
                                 "; tests: " + joinList(allowed_names, "or"));
        ok = false;
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), *op) == allowed.end()) {
        error(keyAt(ptr, k),
              "'" + k + "' does not apply to " + what + "; use " + joinList(allowed_names, "or"));
        ok = false;
        continue;
      }
      found.push_back(k);
    }
    if (found.size() > 1) {
      error(keyAt(ptr, found[1]), "two tests in one rule ('" + found[0] + "' and '" + found[1] +
                                      "'); a rule has one test: combine rules with all: [...] "
                                      "or any: [...]");
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
    if (found.empty()) {
      error(at(ptr),
            what + " needs a test: one of " + joinList(allowed_names, "or") + ", e.g. " + example);
      return std::nullopt;
    }
    const std::string& k = found[0];
    return operand(*opFromName(k), obj.at(k), child(ptr, k), keyAt(ptr, k), spec, what);
  }

  // Checks one scalar against the spec; `where` names the operator.
  bool scalarOk(const json& v, const std::string& ptr, const ValueSpec& spec,
                const std::string& opname, const std::string& what) {
    switch (spec.kind) {
      case ValueSpec::Kind::kText:
        if (v.is_string()) return true;
        if (v.is_number() || v.is_boolean()) {
          error(at(ptr), what + " holds text: put the value in quotes, e.g. " + opname + ": \"" +
                             v.dump() + "\"");
          return false;
        }
        break;
      case ValueSpec::Kind::kInteger:
        if (v.is_number_integer() && v.get<int64_t>() >= spec.min && v.get<int64_t>() <= spec.max)
          return true;
        error(at(ptr), "'" + opname + "' on " + what + " takes a whole number from " +
                           std::to_string(spec.min) + " to " + std::to_string(spec.max) + ", got " +
                           shown(v));
        return false;
      case ValueSpec::Kind::kNumber:
        if (v.is_number()) return true;
        error(at(ptr), "'" + opname + "' on " + what + " takes a number, got " + shown(v));
        return false;
      case ValueSpec::Kind::kAny:
      case ValueSpec::Kind::kTime:
        if (isScalar(v)) return true;
        break;
    }
    error(at(ptr), "'" + opname + "' takes text, a number or true/false, got " + shown(v));
    return false;
  }

  std::optional<Comparison> operand(Op op, const json& v, const std::string& ptr,
                                    const SourcePos& key_pos, const ValueSpec& spec,
                                    const std::string& what) {
    Comparison c;
    c.op = op;
    c.pos = key_pos;
    c.value = v;
    const std::string opname = opName(op);
    switch (op) {
      case Op::kExists:
        if (!v.is_boolean()) {
          error(at(ptr), "'exists' takes true or false, got " + shown(v));
          return std::nullopt;
        }
        return c;
      case Op::kEquals:
      case Op::kNotEquals:
      case Op::kHas:
        if (v.is_array()) {
          error(at(ptr), "'" + opname + "' takes one value, not a list; for several use " +
                             (op == Op::kHas      ? "has_any, has_all or has_none"
                              : op == Op::kEquals ? "in: [...]"
                                                  : "not_in: [...]"));
          return std::nullopt;
        }
        if (!scalarOk(v, ptr, spec, opname, what)) return std::nullopt;
        return c;
      case Op::kLess:
      case Op::kLessEq:
      case Op::kGreater:
      case Op::kGreaterEq:
        if (spec.kind == ValueSpec::Kind::kAny && !v.is_number() && !v.is_string()) {
          error(at(ptr), "'" + opname +
                             "' takes a number (or text, compared alphabetically), got " +
                             shown(v));
          return std::nullopt;
        }
        if (!scalarOk(v, ptr, spec, opname, what)) return std::nullopt;
        return c;
      case Op::kStartsWith:
      case Op::kContains:
        if (!v.is_string()) {
          error(at(ptr),
                "'" + opname + "' takes text" +
                    (isScalar(v) ? ": put it in quotes, e.g. " + opname + ": \"" + v.dump() + "\""
                                 : ", got " + shown(v)));
          return std::nullopt;
        }
        if (v.get<std::string>().empty()) {
          error(at(ptr), "'" + opname + "' needs some text to look for");
          return std::nullopt;
        }
        return c;
      case Op::kIn:
      case Op::kNotIn:
      case Op::kHasAny:
      case Op::kHasAll:
      case Op::kHasNone: {
        const std::string example = op == Op::kIn || op == Op::kNotIn ? opname + ": [DE, AT, CH]"
                                                                      : opname + ": [vip, press]";
        if (!v.is_array()) {
          error(at(ptr),
                "'" + opname + "' takes a list of values, e.g. " + example + "; got " + shown(v));
          return std::nullopt;
        }
        if (v.empty()) {
          error(at(ptr), "'" + opname + "' needs at least one value, e.g. " + example);
          return std::nullopt;
        }
        bool ok = true;
        for (size_t i = 0; i < v.size(); ++i) {
          if (!isScalar(v[i])) {
            error(at(child(ptr, i)), "each value of '" + opname +
                                         "' is text, a number or true/false, got " + shown(v[i]));
            ok = false;
          } else if (!scalarOk(v[i], child(ptr, i), spec, opname, what)) {
            ok = false;
          }
        }
        if (!ok) return std::nullopt;
        return c;
      }
      case Op::kBetween:
        return between(c, v, ptr, spec, what);
      case Op::kOlderThan:
      case Op::kWithin:
      case Op::kBefore:
      case Op::kAfter: {
        auto t = timeValue(v, ptr, opname);
        if (!t) return std::nullopt;
        c.time = std::move(*t);
        return c;
      }
    }
    return std::nullopt;
  }

  std::optional<Comparison> between(Comparison c, const json& v, const std::string& ptr,
                                    const ValueSpec& spec, const std::string& what) {
    const bool time = spec.kind == ValueSpec::Kind::kTime;
    const std::string example = time ? "between: [2024-01-01, 2024-03-31]" : "between: [18, 30]";
    if (!v.is_array() || v.size() != 2) {
      error(at(ptr), "'between' takes two values, lowest first, e.g. " + example + "; got " +
                         (v.is_array() ? std::to_string(v.size()) + " values" : shown(v)));
      return std::nullopt;
    }
    if (time) {
      bool ok = true;
      for (size_t i = 0; i < 2; ++i) {
        if (!v[i].is_string() || !isIsoTime(v[i].get<std::string>())) {
          error(at(child(ptr, i)), "'between' on " + what +
                                       " takes two dates, earliest first, e.g. " + example +
                                       "; got " + shown(v[i]) +
                                       " (for a time relative to now use within: or older_than:)");
          ok = false;
        }
      }
      if (!ok) return std::nullopt;
      c.time = TimeValue{v[0].get<std::string>()};
      c.time_high = TimeValue{v[1].get<std::string>()};
      const EvalContext utc;
      if (resolve(*c.time, utc) > resolve(*c.time_high, utc)) {
        error(at(ptr), "'between' takes the earliest date first; write [" +
                           v[1].get<std::string>() + ", " + v[0].get<std::string>() + "]");
        return std::nullopt;
      }
      return c;
    }
    if (!scalarOk(v[0], child(ptr, 0), spec, "between", what) ||
        !scalarOk(v[1], child(ptr, 1), spec, "between", what))
      return std::nullopt;
    const bool numbers = v[0].is_number() && v[1].is_number();
    const bool texts = v[0].is_string() && v[1].is_string();
    if (!numbers && !texts) {
      error(at(ptr), "'between' takes two numbers or two texts, got " + typeOf(v[0]) + " and " +
                         typeOf(v[1]));
      return std::nullopt;
    }
    if (numbers ? v[0].get<double>() > v[1].get<double>()
                : v[0].get<std::string>() > v[1].get<std::string>()) {
      error(at(ptr), "'between' takes the lowest value first; write [" + v[1].dump() + ", " +
                         v[0].dump() + "]");
      return std::nullopt;
    }
    if (texts && isIsoTime(v[0].get<std::string>()) && isIsoTime(v[1].get<std::string>())) {
      c.time = TimeValue{v[0].get<std::string>()};
      c.time_high = TimeValue{v[1].get<std::string>()};
    }
    return c;
  }

  std::optional<TimeValue> timeValue(const json& v, const std::string& ptr,
                                     const std::string& opname) {
    static const std::string kForms =
        "a length of time (a whole number and s, m, h, d, w, mo or y: 30d, 2w, 6mo) or a date "
        "(2024-01-01, 2024-01-01T09:30, 2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00)";
    if (v.is_number_integer()) {
      error(at(ptr), "'" + opname + "' takes " + kForms + "; " + v.dump() +
                         " has no unit (did you mean " + v.dump() + "d?)");
      return std::nullopt;
    }
    if (!v.is_string()) {
      error(at(ptr), "'" + opname + "' takes " + kForms + "; got " + shown(v));
      return std::nullopt;
    }
    const std::string s = v.get<std::string>();
    if (auto d = parseDuration(s)) return TimeValue{std::move(*d)};
    if (isIsoTime(s)) return TimeValue{s};
    static const std::regex kDateLike("[0-9]{4}-.*");
    static const std::regex kDurationLike("[0-9]+\\s*[A-Za-z]+");
    if (std::regex_match(s, kDateLike)) {
      error(at(ptr), "'" + s +
                         "' is not a valid date; write YYYY-MM-DD (a real day), "
                         "optionally with a time: 2024-01-01T09:30, 2024-01-01T09:30:00Z "
                         "or 2024-01-01T09:30+02:00");
    } else if (std::regex_match(s, kDurationLike)) {
      error(at(ptr), "'" + s +
                         "' is not a length of time; write a whole number above 0 and one "
                         "unit: s, m, h, d, w, mo (calendar months) or y (calendar years), "
                         "e.g. 30d, 2w or 6mo");
    } else {
      error(at(ptr), "'" + opname + "' takes " + kForms + "; got '" + s + "'");
    }
    return std::nullopt;
  }

  const Positions& positions_;
  Resolver& resolver_;
  Diagnostics& diags_;
};

}  // namespace

RulePtr parseRuleWith(const nlohmann::json& doc, const std::string& pointer,
                      const Positions& positions, Resolver& resolver, Diagnostics& diags) {
  const json* node = nullptr;
  try {
    node = &doc.at(json::json_pointer(pointer));
  } catch (const std::exception&) {
    const auto it = positions.find(pointer);
    diags.error(it == positions.end() ? SourcePos{} : it->second, "no rule at '" + pointer + "'");
    return nullptr;
  }
  return RuleParser(positions, resolver, diags).rule(*node, pointer);
}

RulePtr LibraryResolver::resolve(const std::string& name, const SourcePos& at, Diagnostics& diags) {
  if (!library_) {
    diags.error(
        at, "named segments (segment: " + name + ") cannot be used here; write the rule itself");
    return nullptr;
  }
  if (const NamedSegment* s = library_->find(name)) return s->rule;
  if (const std::string* path = library_->brokenPath(name)) {
    diags.error(at, "segment '" + name + "' (" + *path + ") has errors; fix them first");
    return nullptr;
  }
  reportUnknownSegment(name, at, library_->names(), library_->dir(), diags);
  return nullptr;
}

void reportUnknownSegment(const std::string& name, const SourcePos& at,
                          const std::vector<std::string>& known, const std::string& library_dir,
                          Diagnostics& diags) {
  const std::string dir = library_dir.empty() ? "segments" : library_dir;
  if (known.empty()) {
    diags.error(at, "unknown segment '" + name + "': there are no named segments in " + dir +
                        "/ (a named segment is a file such as " + dir + "/" + name + ".yaml)");
  } else {
    diags.error(at, "unknown segment '" + name + "'" + didYouMean(name, known) +
                        "; named segments in " + dir + "/: " + joinList(known, "and"));
  }
}

void checkDuplicateKeys(const YAML::Node& node, const std::string& file, Diagnostics& diags) {
  if (node.IsMap()) {
    std::map<std::string, int> seen;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        diags.error(positionOf(kv.first, file), "keys must be plain text");
      } else {
        const SourcePos p = positionOf(kv.first, file);
        auto [it, inserted] = seen.emplace(kv.first.Scalar(), p.line);
        if (!inserted)
          diags.error(p, "duplicate key '" + kv.first.Scalar() + "' (first at line " +
                             std::to_string(it->second) + "); each key may appear once");
      }
      checkDuplicateKeys(kv.second, file, diags);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) checkDuplicateKeys(item, file, diags);
  }
}

bool isSegmentName(const std::string& s) {
  static const std::regex kName("[a-z0-9][a-z0-9_-]{0,63}");
  return std::regex_match(s, kName);
}

}  // namespace detail

RulePtr parseRule(const nlohmann::json& doc, const std::string& pointer, const Positions& positions,
                  const Library* library, Diagnostics& diags) {
  detail::LibraryResolver resolver(library);
  return detail::parseRuleWith(doc, pointer, positions, resolver, diags);
}

RulePtr parseRule(const YAML::Node& node, const std::string& file, const Library* library,
                  Diagnostics& diags) {
  const size_t before = diags.errorCount();
  detail::checkDuplicateKeys(node, file, diags);
  Positions positions;
  const nlohmann::json doc = yamlToJson(node, file, positions);
  RulePtr r = parseRule(doc, "", positions, library, diags);
  return diags.errorCount() == before ? r : nullptr;
}

const std::vector<std::string>& contactFieldNames() {
  static const std::vector<std::string> kFields = {"email",       "phone",      "first_name",
                                                   "last_name",   "locale",     "timezone",
                                                   "external_id", "created_at", "updated_at"};
  return kFields;
}

}  // namespace herald::segment
