#pragma once
// A small JSON Schema draft-07 checker: enough of the keywords `herald schema`
// emits to prove that editors accept the example workflows and flag mistakes.
// Unknown keywords (description, default, x-*) are ignored, as draft-07 says.
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

namespace herald::testing {

class Draft07 {
 public:
  explicit Draft07(nlohmann::json root) : root_(std::move(root)) {}

  // Problems found, each "PATH: what"; empty when `value` is valid.
  std::vector<std::string> validate(const nlohmann::json& value) const {
    std::vector<std::string> errors;
    check(root_, value, "", errors);
    return errors;
  }

 private:
  using json = nlohmann::json;

  const json& resolve(const std::string& ref) const {
    // Only local references: "#/definitions/step".
    return root_.at(json::json_pointer(ref.substr(1)));
  }

  static bool hasType(const std::string& type, const json& v) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "integer") return v.is_number_integer() || v.is_number_unsigned();
    if (type == "number") return v.is_number();
    if (type == "boolean") return v.is_boolean();
    if (type == "null") return v.is_null();
    return false;
  }

  static size_t codePoints(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
      if ((c & 0xC0) != 0x80) ++n;
    return n;
  }

  bool ok(const json& s, const json& v) const {
    std::vector<std::string> scratch;
    check(s, v, "", scratch);
    return scratch.empty();
  }

  void check(const json& s, const json& v, const std::string& path,
             std::vector<std::string>& errors) const {
    if (s.is_boolean()) {
      if (!s.get<bool>()) errors.push_back(path + ": not allowed");
      return;
    }
    if (auto r = s.find("$ref"); r != s.end()) {
      check(resolve(r->get<std::string>()), v, path, errors);
      return;
    }
    if (auto t = s.find("type"); t != s.end()) {
      bool any = false;
      if (t->is_array()) {
        for (const auto& one : *t) any = any || hasType(one.get<std::string>(), v);
      } else {
        any = hasType(t->get<std::string>(), v);
      }
      if (!any) {
        errors.push_back(path + ": expected type " + t->dump() + ", got " + v.dump());
        return;
      }
    }
    if (auto c = s.find("const"); c != s.end() && *c != v)
      errors.push_back(path + ": expected " + c->dump());
    if (auto e = s.find("enum"); e != s.end()) {
      bool found = false;
      for (const auto& x : *e) found = found || x == v;
      if (!found) errors.push_back(path + ": not one of " + e->dump());
    }
    if (v.is_string()) {
      const auto& str = v.get_ref<const std::string&>();
      if (auto m = s.find("minLength"); m != s.end() && codePoints(str) < m->get<size_t>())
        errors.push_back(path + ": too short");
      if (auto m = s.find("maxLength"); m != s.end() && codePoints(str) > m->get<size_t>())
        errors.push_back(path + ": too long");
      if (auto p = s.find("pattern");
          p != s.end() && !std::regex_search(str, std::regex(p->get<std::string>())))
        errors.push_back(path + ": does not match " + p->get<std::string>());
    }
    if (v.is_number()) {
      const double d = v.get<double>();
      if (auto m = s.find("minimum"); m != s.end() && d < m->get<double>())
        errors.push_back(path + ": below minimum");
      if (auto m = s.find("maximum"); m != s.end() && d > m->get<double>())
        errors.push_back(path + ": above maximum");
    }
    if (v.is_object()) {
      const json* props = s.contains("properties") ? &s["properties"] : nullptr;
      if (auto r = s.find("required"); r != s.end()) {
        for (const auto& key : *r)
          if (!v.contains(key.get<std::string>()))
            errors.push_back(path + ": missing " + key.get<std::string>());
      }
      for (const auto& [key, val] : v.items()) {
        const std::string child = path + "/" + key;
        if (props && props->contains(key)) {
          check((*props)[key], val, child, errors);
        } else if (auto a = s.find("additionalProperties"); a != s.end()) {
          check(*a, val, child, errors);
        }
      }
    }
    if (v.is_array()) {
      if (auto m = s.find("minItems"); m != s.end() && v.size() < m->get<size_t>())
        errors.push_back(path + ": too few items");
      if (auto items = s.find("items"); items != s.end())
        for (size_t i = 0; i < v.size(); ++i)
          check(*items, v[i], path + "/" + std::to_string(i), errors);
    }
    if (auto all = s.find("allOf"); all != s.end())
      for (const auto& sub : *all) check(sub, v, path, errors);
    if (auto any = s.find("anyOf"); any != s.end()) {
      bool matched = false;
      for (const auto& sub : *any) matched = matched || ok(sub, v);
      if (!matched) errors.push_back(path + ": matches none of anyOf");
    }
    if (auto one = s.find("oneOf"); one != s.end()) {
      size_t matched = 0;
      for (const auto& sub : *one) matched += ok(sub, v) ? 1 : 0;
      if (matched != 1)
        errors.push_back(path + ": matches " + std::to_string(matched) + " of oneOf, not 1");
    }
    if (auto cond = s.find("if"); cond != s.end()) {
      if (ok(*cond, v)) {
        if (auto then = s.find("then"); then != s.end()) check(*then, v, path, errors);
      } else if (auto other = s.find("else"); other != s.end()) {
        check(*other, v, path, errors);
      }
    }
  }

  json root_;
};

}  // namespace herald::testing
