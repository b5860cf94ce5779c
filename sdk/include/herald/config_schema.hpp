// herald/config_schema.hpp — the JSON-Schema subset step configs are written
// in (docs/plugins.md, "Config schemas"), header-only.
//
// The one implementation of the subset: the daemon validates every workflow
// step's `with:` with it (core/schema wraps it to place problems at
// FILE:LINE:COL), and the fake host of herald/testing.hpp validates a test's
// config with it, so a plugin's unit test refuses exactly what the daemon
// refuses, with the same words. It needs nothing but nlohmann-json and the
// standard library, and nothing of it crosses the plugin boundary.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace herald::config_schema {

using json = nlohmann::json;

/// One problem with a config: where (an RFC 6901 pointer into the config;
/// `at_key`: the problem is the key itself, e.g. an unknown key) and what is
/// wrong, saying what would be valid:
///   unknown key 'subjet' in 'with' of outbox.email (did you mean 'subject'?); known keys: ...
///   'batch' must be an integer from 1 to 1000, got "ten"
/// A value at an x-secret field is never quoted ("got a secret value").
struct Problem {
  std::string pointer;
  bool at_key = false;
  std::string message;
};

/// Validates `value` against `schema`; `context` names the whole config in
/// messages ("'with' of outbox.email"). Empty when valid.
std::vector<Problem> validate(const json& schema, const json& value, const std::string& context);

/// An x-templated property: `"x-templated": true` is a text template,
/// `"html"` an HTML one (output escaped).
struct TemplatedField {
  std::string pointer;
  bool html = false;
};

namespace detail {

inline std::string escapeToken(const std::string& token) {
  std::string out;
  for (char c : token) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

inline size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      // Transposition ("teh") counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// Candidates within a small edit distance of `word`, closest first.
inline std::vector<std::string> closeMatches(const std::string& word,
                                             const std::vector<std::string>& candidates,
                                             size_t max_results = 3) {
  std::vector<std::pair<size_t, std::string>> scored;
  const size_t limit = std::max<size_t>(2, word.size() / 3);
  for (const auto& c : candidates) {
    const size_t d = editDistance(word, c);
    // A candidate that merely contains the word ("email" in "outbox.email") is close too.
    const bool contains = word.size() >= 3 && c.find(word) != std::string::npos;
    if (d <= limit || contains) scored.emplace_back(contains ? std::min<size_t>(d, 1) : d, c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& s : scored) {
    // Only the best matches: one typo away beats three.
    if (out.size() >= max_results || s.first > scored.front().first + 1) break;
    out.push_back(s.second);
  }
  return out;
}

using nlohmann::json;

inline const std::vector<std::string> kKeywords = {
    "type",        "properties", "required", "additionalProperties",
    "enum",        "minimum",    "maximum",  "minLength",
    "maxLength",   "pattern",    "items",    "default",
    "description", "title",      "x-secret", "x-templated",
    "x-segment",   "x-message",  "x-locales"};
inline const std::vector<std::string> kTypes = {"string", "number", "integer", "boolean",
                                                "object", "array",  "null"};

inline std::string joined(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The declared types of a schema; empty when any type is allowed.
inline std::vector<std::string> typesOf(const json& schema) {
  std::vector<std::string> out;
  auto it = schema.find("type");
  if (it == schema.end()) return out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (const auto& t : *it)
      if (t.is_string()) out.push_back(t.get<std::string>());
  }
  return out;
}

inline bool isInteger(const json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

inline bool hasType(const json& v, const std::string& type) {
  if (type == "string") return v.is_string();
  if (type == "number") return v.is_number();
  if (type == "integer") return isInteger(v);
  if (type == "boolean") return v.is_boolean();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "null") return v.is_null();
  return false;
}

// Length in code points, as JSON Schema counts it (not bytes).
inline size_t codePoints(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

inline std::string truncated(std::string s, size_t max = 60) {
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

// How a value reads in a message: scalars as written, containers by kind.
inline std::string describe(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "a list";
  return truncated(v.dump());
}

inline std::string typeNoun(const std::string& type) {
  if (type == "string") return "a string";
  if (type == "number") return "a number";
  if (type == "integer") return "an integer";
  if (type == "boolean") return "true or false";
  if (type == "object") return "an object";
  if (type == "array") return "a list";
  return "null";
}

inline std::string plural(const json& n, const std::string& word) {
  return n.dump() + " " + word + (n == 1 ? "" : "s");
}

// What a valid value looks like, e.g. "an integer from 1 to 1000".
inline std::string expectation(const json& s) {
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    std::vector<std::string> vals;
    for (const auto& v : *e) vals.push_back(truncated(v.dump(), 40));
    return "one of " + joined(vals);
  }
  auto types = typesOf(s);
  std::string out;
  if (types.empty()) {
    out = "a value";
  } else {
    std::vector<std::string> nouns;
    for (const auto& t : types) nouns.push_back(typeNoun(t));
    out = joined(nouns, " or ");
  }
  const bool numeric = types.empty() || contains(types, "number") || contains(types, "integer");
  const bool text = types.empty() || contains(types, "string");
  auto min = s.find("minimum");
  auto max = s.find("maximum");
  if (numeric && min != s.end() && max != s.end()) {
    out += " from " + min->dump() + " to " + max->dump();
  } else if (numeric && min != s.end()) {
    out += " of at least " + min->dump();
  } else if (numeric && max != s.end()) {
    out += " of at most " + max->dump();
  }
  auto minl = s.find("minLength");
  auto maxl = s.find("maxLength");
  if (text && minl != s.end() && maxl != s.end()) {
    out += " of " + minl->dump() + " to " + plural(*maxl, "character");
  } else if (text && minl != s.end()) {
    out += " of at least " + plural(*minl, "character");
  } else if (text && maxl != s.end()) {
    out += " of at most " + plural(*maxl, "character");
  }
  if (auto p = s.find("pattern"); text && p != s.end() && p->is_string()) {
    out += " matching the pattern '" + p->get<std::string>() + "'";
  }
  return out;
}

// A Liquid template cannot be checked against enum/pattern/length before it
// is rendered for a contact, so such checks apply to literal text only.
inline bool looksTemplated(const json& schema, const json& value) {
  auto t = schema.find("x-templated");
  if (t == schema.end() || !(*t == true || *t == "html") || !value.is_string()) return false;
  const auto& s = value.get_ref<const std::string&>();
  return s.find("{{") != std::string::npos || s.find("{%") != std::string::npos;
}

// ---------------------------------------------------------------------------
// checkWellFormed

class WellFormedChecker {
 public:
  std::vector<std::string> problems;

  void check(const json& s, const std::string& ptr) {
    if (!s.is_object()) {
      add(ptr, "a schema must be a JSON object, got " + describe(s));
      return;
    }
    for (const auto& [key, val] : s.items()) {
      if (!contains(kKeywords, key)) {
        add(ptr, "unknown keyword '" + key + "' (known keywords: " + joined(kKeywords) + ")");
      }
    }
    checkType(s, ptr);
    checkProperties(s, ptr);
    if (auto it = s.find("additionalProperties"); it != s.end()) {
      if (it->is_object()) {
        check(*it, ptr + "/additionalProperties");
      } else if (!it->is_boolean()) {
        add(ptr, "'additionalProperties' must be true, false or a schema, got " + describe(*it));
      }
    }
    if (auto it = s.find("items"); it != s.end()) {
      if (it->is_object()) {
        check(*it, ptr + "/items");
      } else {
        add(ptr, "'items' must be a schema (an object), got " + describe(*it));
      }
    }
    checkEnum(s, ptr);
    checkBounds(s, ptr, "minimum", "maximum", false);
    checkBounds(s, ptr, "minLength", "maxLength", true);
    if (auto it = s.find("pattern"); it != s.end()) {
      if (!it->is_string()) {
        add(ptr, "'pattern' must be a string, got " + describe(*it));
      } else {
        try {
          std::regex re(it->get<std::string>(), std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          add(ptr, "'pattern' " + truncated(it->dump()) +
                       " is not a valid ECMAScript regular expression: " + e.what());
        }
      }
    }
    for (const char* k : {"description", "title"}) {
      if (auto it = s.find(k); it != s.end() && !it->is_string())
        add(ptr, "'" + std::string(k) + "' must be a string, got " + describe(*it));
    }
    if (auto it = s.find("x-secret"); it != s.end() && !it->is_boolean())
      add(ptr, "'x-secret' must be true or false, got " + describe(*it));
    if (auto it = s.find("x-templated"); it != s.end()) {
      if (!it->is_boolean() && *it != "html") {
        add(ptr,
            "'x-templated' must be true (text), \"html\" (HTML-escaped output) or false, got " +
                describe(*it));
      } else if (*it != false && !contains(typesOf(s), "string")) {
        add(ptr, "'x-templated' is only allowed on string properties (\"type\": \"string\")");
      }
    }
    // A message file name (templates/NAME.yaml) and locale variants of the
    // templated parts: the host expands both before the step sees its config.
    if (auto it = s.find("x-message"); it != s.end()) {
      if (!it->is_boolean()) {
        add(ptr, "'x-message' must be true or false, got " + describe(*it));
      } else if (*it == true && !contains(typesOf(s), "string")) {
        add(ptr, "'x-message' is only allowed on string properties (\"type\": \"string\")");
      }
    }
    if (auto it = s.find("x-locales"); it != s.end()) {
      if (!it->is_boolean()) {
        add(ptr, "'x-locales' must be true or false, got " + describe(*it));
      } else if (*it == true && !contains(typesOf(s), "object")) {
        add(ptr, "'x-locales' is only allowed on object properties (\"type\": \"object\")");
      }
    }
    // A segment rule is a mapping, a list of rules (all of them) or, for the
    // parser to judge, a scalar such as a named segment; never a number.
    if (auto it = s.find("x-segment"); it != s.end()) {
      const auto types = typesOf(s);
      if (!it->is_boolean()) {
        add(ptr, "'x-segment' must be true or false, got " + describe(*it));
      } else if (*it == true && !types.empty() && !contains(types, "object") &&
                 !contains(types, "array") && !contains(types, "string")) {
        add(ptr,
            "'x-segment' is only allowed on properties that can hold a segment rule (\"type\" "
            "object, array or string, or no \"type\")");
      }
    }
    checkDefault(s, ptr);
  }

 private:
  void add(const std::string& ptr, const std::string& what) {
    problems.push_back((ptr.empty() ? std::string("top level") : ptr) + ": " + what);
  }

  void checkType(const json& s, const std::string& ptr) {
    auto it = s.find("type");
    if (it == s.end()) return;
    const std::string known = "string, number, integer, boolean, object, array, null";
    if (it->is_string()) {
      if (!contains(kTypes, it->get<std::string>()))
        add(ptr, "unknown type " + it->dump() + " (known types: " + known + ")");
      return;
    }
    if (!it->is_array() || it->empty()) {
      add(ptr, "'type' must be a type name or a non-empty list of them, got " + describe(*it));
      return;
    }
    std::set<std::string> seen;
    for (const auto& t : *it) {
      if (!t.is_string() || !contains(kTypes, t.get<std::string>())) {
        add(ptr, "unknown type " + truncated(t.dump()) + " (known types: " + known + ")");
      } else if (!seen.insert(t.get<std::string>()).second) {
        add(ptr, "type " + t.dump() + " is listed twice");
      }
    }
  }

  void checkProperties(const json& s, const std::string& ptr) {
    auto props = s.find("properties");
    if (props != s.end()) {
      if (!props->is_object()) {
        add(ptr,
            "'properties' must be an object mapping names to schemas, got " + describe(*props));
      } else {
        for (const auto& [name, sub] : props->items())
          check(sub, ptr + "/properties/" + escapeToken(name));
      }
    }
    auto req = s.find("required");
    if (req == s.end()) return;
    if (!req->is_array()) {
      add(ptr, "'required' must be a list of property names, got " + describe(*req));
      return;
    }
    std::set<std::string> seen;
    for (const auto& r : *req) {
      if (!r.is_string()) {
        add(ptr, "'required' must list property names, got " + describe(r));
      } else if (!seen.insert(r.get<std::string>()).second) {
        add(ptr, "'required' lists " + r.dump() + " twice");
      } else if (props == s.end() || !props->is_object() ||
                 !props->contains(r.get<std::string>())) {
        add(ptr, "'required' names " + r.dump() + ", which is not in 'properties'");
      }
    }
  }

  void checkEnum(const json& s, const std::string& ptr) {
    auto it = s.find("enum");
    if (it == s.end()) return;
    if (!it->is_array() || it->empty()) {
      add(ptr, "'enum' must be a non-empty list of allowed values, got " + describe(*it));
      return;
    }
    auto types = typesOf(s);
    if (types.empty()) return;
    for (const auto& v : *it) {
      bool ok = std::any_of(types.begin(), types.end(),
                            [&](const std::string& t) { return hasType(v, t); });
      if (!ok) add(ptr, "'enum' value " + truncated(v.dump()) + " is not of the declared type");
    }
  }

  void checkBounds(const json& s, const std::string& ptr, const char* lo, const char* hi,
                   bool length) {
    auto l = s.find(lo);
    auto h = s.find(hi);
    auto valid = [&](const json& v) {
      return length ? (isInteger(v) && v.get<double>() >= 0) : v.is_number();
    };
    const std::string what = length ? "a non-negative integer" : "a number";
    bool ok = true;
    if (l != s.end() && !valid(*l)) {
      add(ptr, "'" + std::string(lo) + "' must be " + what + ", got " + describe(*l));
      ok = false;
    }
    if (h != s.end() && !valid(*h)) {
      add(ptr, "'" + std::string(hi) + "' must be " + what + ", got " + describe(*h));
      ok = false;
    }
    if (ok && l != s.end() && h != s.end() && l->get<double>() > h->get<double>()) {
      add(ptr, "'" + std::string(lo) + "' (" + l->dump() + ") is greater than '" + hi + "' (" +
                   h->dump() + ")");
    }
  }

  void checkDefault(const json& s, const std::string& ptr) {
    auto it = s.find("default");
    if (it == s.end() || !problems.empty()) return;  // a broken schema cannot judge its default
    for (const auto& p : validate(s, *it, "it")) add(ptr, "'default' is not valid: " + p.message);
  }
};

// ---------------------------------------------------------------------------
// validate

class Validator {
 public:
  Validator(const std::string& context, std::vector<Problem>& problems)
      : context_(context), problems_(problems) {}

  // `name` is the dotted path of the node for messages ("" for the root).
  void check(const json& s, const json& v, const std::string& ptr, const std::string& name) {
    if (!s.is_object()) return;
    auto types = typesOf(s);
    if (!types.empty() && std::none_of(types.begin(), types.end(),
                                       [&](const std::string& t) { return hasType(v, t); })) {
      error(ptr, display(name) + " must be " + expectation(s) + ", got " + shown(s, v));
      return;
    }
    const bool templ = looksTemplated(s, v);
    if (auto e = s.find("enum"); !templ && e != s.end() && e->is_array()) {
      if (std::find(e->begin(), e->end(), v) == e->end()) {
        error(ptr, display(name) + " must be " + expectation(s) + ", got " + shown(s, v));
        return;
      }
    }
    if (v.is_number()) checkNumber(s, v, ptr, name);
    if (v.is_string() && !templ) checkString(s, v, ptr, name);
    if (v.is_object()) checkObject(s, v, ptr, name);
    if (v.is_array()) checkArray(s, v, ptr, name);
  }

 private:
  // How a value reads in a message; never a secret's text.
  static std::string shown(const json& s, const json& v) {
    if (auto it = s.find("x-secret"); it != s.end() && *it == true) return "a secret value";
    return describe(v);
  }

  std::string display(const std::string& name) const {
    return name.empty() ? context_ : "'" + name + "'";
  }

  void error(const std::string& ptr, std::string message) {
    problems_.push_back({ptr, false, std::move(message)});
  }

  void errorAtKey(const std::string& ptr, std::string message) {
    problems_.push_back({ptr, true, std::move(message)});
  }

  void checkNumber(const json& s, const json& v, const std::string& ptr, const std::string& name) {
    const double d = v.get<double>();
    auto min = s.find("minimum");
    auto max = s.find("maximum");
    if ((min != s.end() && min->is_number() && d < min->get<double>()) ||
        (max != s.end() && max->is_number() && d > max->get<double>())) {
      error(ptr, display(name) + " must be " + expectation(s) + ", got " + shown(s, v));
    }
  }

  void checkString(const json& s, const json& v, const std::string& ptr, const std::string& name) {
    const auto& str = v.get_ref<const std::string&>();
    const auto len = static_cast<double>(codePoints(str));
    auto minl = s.find("minLength");
    auto maxl = s.find("maxLength");
    if ((minl != s.end() && minl->is_number() && len < minl->get<double>()) ||
        (maxl != s.end() && maxl->is_number() && len > maxl->get<double>())) {
      error(ptr, display(name) + " must be " + expectation(s) + ", got " +
                     plural(json(codePoints(str)), "character"));
      return;
    }
    if (auto p = s.find("pattern"); p != s.end() && p->is_string()) {
      try {
        std::regex re(p->get<std::string>(), std::regex::ECMAScript);
        if (!std::regex_search(str, re))
          error(ptr, display(name) + " must be " + expectation(s) + ", got " + shown(s, v));
      } catch (const std::regex_error&) {
        // checkWellFormed reports bad patterns; nothing to judge against here.
      }
    }
  }

  static std::string child(const std::string& name, const std::string& key) {
    return name.empty() ? key : name + "." + key;
  }

  void checkObject(const json& s, const json& v, const std::string& ptr, const std::string& name) {
    auto props = s.find("properties");
    const bool has_props = props != s.end() && props->is_object();
    auto extra = s.find("additionalProperties");
    const bool closed = (extra != s.end() && *extra == false) || (extra == s.end() && has_props);
    std::vector<std::string> known;
    if (has_props)
      for (const auto& [k, sub] : props->items()) known.push_back(k);
    // A misspelt key is one mistake, not two: "unknown key 'subjet' (did you
    // mean 'subject'?)" explains the missing 'subject' as well.
    std::map<std::string, std::string> meant;  // unknown key -> the missing key it resembles
    if (closed) {
      for (const auto& [key, val] : v.items()) {
        if (has_props && props->contains(key)) continue;
        const auto close = closeMatches(key, known);
        if (!close.empty() && !v.contains(close[0])) meant[key] = close[0];
      }
    }
    if (auto req = s.find("required"); req != s.end() && req->is_array()) {
      for (const auto& r : *req) {
        if (!r.is_string() || v.contains(r.get<std::string>())) continue;
        std::string key = r.get<std::string>();
        const bool explained =
            std::any_of(meant.begin(), meant.end(), [&](const auto& m) { return m.second == key; });
        if (explained) continue;
        std::string what;
        if (has_props && props->contains(key)) what = " (" + expectation((*props)[key]) + ")";
        error(ptr, "missing required key '" + key + "'" + what + " in " + display(name));
      }
    }
    for (const auto& [key, val] : v.items()) {
      const std::string child_ptr = ptr + "/" + escapeToken(key);
      if (has_props && props->contains(key)) {
        check((*props)[key], val, child_ptr, child(name, key));
      } else if (extra != s.end() && extra->is_object()) {
        check(*extra, val, child_ptr, child(name, key));
      } else if (closed) {
        // Herald's subset: an object that lists its properties takes no others
        // unless additionalProperties says so (typos must not pass silently).
        std::string msg = "unknown key '" + key + "' in " + display(name);
        if (auto m = meant.find(key); m != meant.end())
          msg += " (did you mean '" + m->second + "'?)";
        msg += known.empty() ? ", which takes no keys" : "; known keys: " + joined(known);
        errorAtKey(child_ptr, msg);
      }
    }
  }

  void checkArray(const json& s, const json& v, const std::string& ptr, const std::string& name) {
    auto items = s.find("items");
    if (items == s.end() || !items->is_object()) return;
    for (size_t i = 0; i < v.size(); ++i)
      check(*items, v[i], ptr + "/" + std::to_string(i), name + "[" + std::to_string(i) + "]");
  }

  const std::string& context_;
  std::vector<Problem>& problems_;
};

// `value` null: any value but false.
inline void collectMarkedValue(const json& s, const std::string& ptr, const char* mark,
                               const json& value, std::vector<std::string>& out) {
  if (!s.is_object()) return;
  if (auto it = s.find(mark);
      it != s.end() && (value.is_null() ? *it != false && !it->is_null() : *it == value))
    out.push_back(ptr);
  if (auto props = s.find("properties"); props != s.end() && props->is_object()) {
    for (const auto& [name, sub] : props->items())
      collectMarkedValue(sub, ptr + "/" + escapeToken(name), mark, value, out);
  }
  if (auto extra = s.find("additionalProperties"); extra != s.end() && extra->is_object())
    collectMarkedValue(*extra, ptr + "/*", mark, value, out);
  if (auto items = s.find("items"); items != s.end() && items->is_object())
    collectMarkedValue(*items, ptr + "/*", mark, value, out);
}

inline void collectMarked(const json& s, const std::string& ptr, const char* mark,
                          std::vector<std::string>& out) {
  collectMarkedValue(s, ptr, mark, json(true), out);
}

}  // namespace detail

/// Problems with a schema itself (unknown keyword, wrong keyword type, bad
/// regex, required naming no property...), each "POINTER: what is wrong".
/// Empty when the schema is well formed.
inline std::vector<std::string> checkWellFormed(const json& schema) {
  detail::WellFormedChecker checker;
  checker.check(schema, "");
  return checker.problems;
}

inline std::vector<Problem> validate(const json& schema, const json& value,
                                     const std::string& context) {
  std::vector<Problem> problems;
  detail::Validator(context, problems).check(schema, value, "", "");
  return problems;
}

/// JSON pointer patterns ("/subject", "/headers/*" for every value of a map
/// or element of a list) of the properties marked x-templated (true or
/// "html"), and each with its mode sorted by pointer; then those marked
/// x-message, x-locales, x-segment and x-secret.
inline std::vector<std::string> templatedPaths(const json& schema) {
  std::vector<std::string> out;
  detail::collectMarkedValue(schema, "", "x-templated", json(), out);
  return out;
}

inline std::vector<TemplatedField> templatedFields(const json& schema) {
  std::vector<TemplatedField> out;
  std::vector<std::string> text, html;
  detail::collectMarked(schema, "", "x-templated", text);
  detail::collectMarkedValue(schema, "", "x-templated", "html", html);
  for (auto& p : text) out.push_back({std::move(p), false});
  for (auto& p : html) out.push_back({std::move(p), true});
  std::sort(out.begin(), out.end(),
            [](const TemplatedField& a, const TemplatedField& b) { return a.pointer < b.pointer; });
  return out;
}

inline std::vector<std::string> messagePaths(const json& schema) {
  std::vector<std::string> out;
  detail::collectMarked(schema, "", "x-message", out);
  return out;
}

inline std::vector<std::string> localesPaths(const json& schema) {
  std::vector<std::string> out;
  detail::collectMarked(schema, "", "x-locales", out);
  return out;
}

inline std::vector<std::string> segmentPaths(const json& schema) {
  std::vector<std::string> out;
  detail::collectMarked(schema, "", "x-segment", out);
  return out;
}

inline std::vector<std::string> secretPaths(const json& schema) {
  std::vector<std::string> out;
  detail::collectMarked(schema, "", "x-secret", out);
  return out;
}

/// `value` with the `default` of every absent property filled in, recursively.
inline json withDefaults(const json& schema, const json& value) {
  if (!schema.is_object()) return value;
  json out = value;
  if (out.is_object()) {
    auto props = schema.find("properties");
    if (props != schema.end() && props->is_object()) {
      for (const auto& [key, sub] : props->items()) {
        auto it = out.find(key);
        if (it != out.end()) {
          *it = withDefaults(sub, *it);
        } else if (sub.is_object() && sub.contains("default")) {
          out[key] = sub["default"];
        }
      }
    }
    auto extra = schema.find("additionalProperties");
    if (extra != schema.end() && extra->is_object()) {
      for (auto& [key, val] : out.items()) {
        if (props == schema.end() || !props->is_object() || !props->contains(key))
          val = withDefaults(*extra, val);
      }
    }
  } else if (out.is_array()) {
    auto items = schema.find("items");
    if (items != schema.end() && items->is_object())
      for (auto& v : out) v = withDefaults(*items, v);
  }
  return out;
}

}  // namespace herald::config_schema
