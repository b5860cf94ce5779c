// Array filters: size, first, last, join, sort, sort_natural, uniq, reverse,
// compact, map, where, concat. Like the gem's InputIterator, the
// filters that walk an array first flatten nested arrays, take an object as
// a one-item array and anything else (but nil) as itself.
#include <algorithm>
#include <unordered_set>

#include "template/filters/builtins.hpp"

namespace herald::tmpl::filters {
namespace {

void flattenInto(const Value& v, std::vector<Value>& out) {
  if (v.isArray()) {
    const auto n = static_cast<int64_t>(v.size());
    for (int64_t i = 0; i < n; ++i) flattenInto(v.at(i), out);
  } else {
    out.push_back(v);
  }
}

std::vector<Value> iterate(const Value& v) {
  std::vector<Value> out;
  if (v.isNil()) return out;
  if (!v.isArray()) {
    out.push_back(v);
    return out;
  }
  out.reserve(v.size());
  flattenInto(v, out);
  return out;
}

// item[property] as Ruby evaluates it: a hash's member; a string's
// substring (String#[]); nil for values without []. false when Ruby raises
// a TypeError (arrays, integers).
enum class Lookup { kOk, kNoIndex, kTypeError };

Lookup property(const Value& item, const Value& prop, Value& out) {
  out = Value();
  if (item.isObject()) {
    if (!prop.isString()) return Lookup::kOk;
    const auto* j = item.jsonValue();
    auto it = j->find(prop.string());
    if (it != j->end()) out = Value::json(*it);
    return Lookup::kOk;
  }
  if (item.isString()) {
    if (!prop.isString()) return Lookup::kTypeError;
    if (item.string().find(prop.string()) != std::string_view::npos) out = prop;
    return Lookup::kOk;
  }
  if (item.isArray() || item.isInt()) return Lookup::kTypeError;
  return Lookup::kNoIndex;
}

Value propertyError(std::string_view name, const Value& prop, FilterEnv& env) {
  return fail(env, name, "cannot select the property '" + prop.toString() + "'");
}

// Ruby's <=> as nil_safe_compare uses it: nil sorts last; other values that
// cannot be compared are an error.
bool nilSafeLess(const Value& a, const Value& b, bool& incompatible) {
  if (a.isNil() && b.isNil()) return false;
  if (auto c = a.compare(b)) return *c < 0;
  if (a.isBool() && b.isBool() && a.asBool() == b.asBool()) return false;
  if (a.isNil()) return false;
  if (b.isNil()) return true;
  incompatible = true;
  return false;
}

int caseCompare(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

bool naturalLess(const Value& a, const Value& b) {
  if (a.isNil() || b.isNil()) return !a.isNil() && b.isNil();
  return caseCompare(a.toString(), b.toString()) < 0;
}

// The sort key of `item` (by property or itself); false on a TypeError.
bool keyOf(const Value& item, const Value* prop, Value& key) {
  if (!prop) {
    key = item;
    return true;
  }
  return property(item, *prop, key) != Lookup::kTypeError;
}

Value sortImpl(std::string_view name, const Value& in, Args args, FilterEnv& env, bool natural) {
  std::vector<Value> items = iterate(in);
  if (items.empty()) return Value::array({});
  const Value* prop = args.empty() || args[0].isNil() ? nullptr : &args[0];
  std::vector<std::pair<Value, Value>> keyed;
  keyed.reserve(items.size());
  for (auto& item : items) {
    Value key;
    if (!keyOf(item, prop, key)) return propertyError(name, *prop, env);
    keyed.emplace_back(std::move(key), std::move(item));
  }
  bool incompatible = false;
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return natural ? naturalLess(x.first, y.first) : nilSafeLess(x.first, y.first, incompatible);
  });
  if (incompatible) return fail(env, name, "cannot sort values of incompatible types");
  std::vector<Value> out;
  out.reserve(keyed.size());
  for (auto& [key, item] : keyed) out.push_back(std::move(item));
  return Value::array(std::move(out));
}

// A key with Ruby's eql? (1 and 1.0 differ; strings, arrays, hashes by content).
std::string uniqKey(const Value& v) {
  std::string key(1, static_cast<char>('0' + static_cast<int>(v.kind())));
  if (v.kind() == Value::Kind::kArray) key[0] = '0' + static_cast<int>(Value::Kind::kJson);
  key += v.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return key;
}

}  // namespace

Value fSize(const Value& in, Args, FilterEnv&) {
  if (in.isString()) return Value::integer(static_cast<int64_t>(utf8Length(in.string())));
  if (in.isArray() || in.isObject()) return Value::integer(static_cast<int64_t>(in.size()));
  if (in.isInt()) return Value::integer(8);  // Ruby's Integer#size: bytes of a machine word
  return Value::integer(0);
}

Value fFirst(const Value& in, Args, FilterEnv&) {
  if (in.isArray()) return in.at(0);
  if (in.isObject()) {
    auto items = in.items();
    return items.empty() ? Value() : items.front();
  }
  return {};
}

Value fLast(const Value& in, Args, FilterEnv&) {
  if (in.isArray()) return in.at(-1);
  return {};
}

Value fJoin(const Value& in, Args args, FilterEnv& env) {
  const std::string glue = args.empty() ? std::string(" ") : args[0].toString();
  std::string out;
  bool first = true;
  for (const auto& item : iterate(in)) {
    if (!first) out += glue;
    first = false;
    item.appendTo(out);
    if (overRoom(env, out.size())) return {};
  }
  return Value::owned(std::move(out));
}

Value fSort(const Value& in, Args args, FilterEnv& env) {
  return sortImpl("sort", in, args, env, false);
}

Value fSortNatural(const Value& in, Args args, FilterEnv& env) {
  return sortImpl("sort_natural", in, args, env, true);
}

Value fUniq(const Value& in, Args args, FilterEnv& env) {
  std::vector<Value> items = iterate(in);
  const Value* prop = args.empty() || args[0].isNil() ? nullptr : &args[0];
  std::unordered_set<std::string> seen;
  std::vector<Value> out;
  for (auto& item : items) {
    Value key;
    if (!keyOf(item, prop, key)) return propertyError("uniq", *prop, env);
    if (seen.insert(uniqKey(key)).second) out.push_back(std::move(item));
  }
  return Value::array(std::move(out));
}

Value fReverse(const Value& in, Args, FilterEnv&) {
  std::vector<Value> items = iterate(in);
  std::reverse(items.begin(), items.end());
  return Value::array(std::move(items));
}

Value fCompact(const Value& in, Args args, FilterEnv& env) {
  std::vector<Value> items = iterate(in);
  const Value* prop = args.empty() || args[0].isNil() ? nullptr : &args[0];
  std::vector<Value> out;
  for (auto& item : items) {
    Value key;
    if (!keyOf(item, prop, key)) return propertyError("compact", *prop, env);
    if (!key.isNil()) out.push_back(std::move(item));
  }
  return Value::array(std::move(out));
}

Value fMap(const Value& in, Args args, FilterEnv& env) {
  std::vector<Value> out;
  for (const auto& item : iterate(in)) {
    Value v;
    if (property(item, args[0], v) == Lookup::kTypeError) return propertyError("map", args[0], env);
    out.push_back(std::move(v));
  }
  return Value::array(std::move(out));
}

Value fWhere(const Value& in, Args args, FilterEnv& env) {
  std::vector<Value> out;
  const Value& target = arg(args, 1);
  for (auto& item : iterate(in)) {
    Value v;
    switch (property(item, args[0], v)) {
      case Lookup::kTypeError:
        return propertyError("where", args[0], env);
      case Lookup::kNoIndex:
        return {};
      case Lookup::kOk:
        break;
    }
    if (target.isNil() ? v.truthy() : v.equals(target)) out.push_back(std::move(item));
  }
  return Value::array(std::move(out));
}

Value fConcat(const Value& in, Args args, FilterEnv& env) {
  if (!args[0].isArray())
    return fail(env, "concat", "the argument must be an array, got \"" + args[0].toString() + "\"");
  std::vector<Value> out = iterate(in);
  const auto n = static_cast<int64_t>(args[0].size());
  for (int64_t i = 0; i < n; ++i) out.push_back(args[0].at(i));
  return Value::array(std::move(out));
}

}  // namespace herald::tmpl::filters
