#pragma once
// The values a Liquid template computes with: what a variable resolves to,
// what a filter takes and returns, what a tag compares. Built for the render
// hot path: strings and JSON arrays/objects are borrowed from the contact,
// the journey variables or the template itself (no copy), and only a filter
// that makes something new (upcase, split...) owns its result.
//
// Liquid semantics (Shopify's liquid gem is the reference, see
// docs/templates.md): only nil and false are falsy; `empty` is "", [] or {};
// numbers keep integer vs float (10 / 4 is 2, 10 / 4.0 is 2.5); an array
// prints as its items concatenated; nil prints as nothing.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::tmpl {

class Value {
 public:
  enum class Kind : uint8_t {
    kNil,
    kBool,
    kInt,
    kDouble,
    kString,  // borrowed (view into storage that outlives the render) or owned
    kJson,    // borrowed JSON array or object (scalars become the kinds above)
    kArray,   // owned array (split, a range, sort...)
  };

  Value() = default;  // nil
  static Value boolean(bool b);
  static Value integer(int64_t i);
  static Value number(double d);
  // The caller guarantees `s` outlives every use of the value (template
  // literals, contact fields, journey variables do).
  static Value borrowed(std::string_view s);
  static Value owned(std::string s);
  // Borrows `j` (strings, arrays and objects are not copied); JSON numbers
  // become kInt or kDouble, null becomes nil.
  static Value json(const nlohmann::json& j);
  static Value array(std::vector<Value> items);

  Value(const Value& other);
  Value& operator=(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(Value&& other) noexcept;
  ~Value() = default;

  Kind kind() const { return kind_; }
  bool isNil() const { return kind_ == Kind::kNil; }
  bool isBool() const { return kind_ == Kind::kBool; }
  bool isString() const { return kind_ == Kind::kString; }
  bool isInt() const { return kind_ == Kind::kInt; }
  bool isNumber() const { return kind_ == Kind::kInt || kind_ == Kind::kDouble; }
  bool isArray() const;   // kArray, or kJson holding an array
  bool isObject() const;  // kJson holding an object

  // Liquid truthiness: everything but nil and false.
  bool truthy() const { return !(kind_ == Kind::kNil || (kind_ == Kind::kBool && !bool_)); }
  // Liquid's `empty`: "", [] or {}.
  bool empty() const;
  // Blank as the `default` filter sees it: nil, false, or empty.
  bool blank() const { return !truthy() || empty(); }

  bool asBool() const { return bool_; }
  int64_t asInt() const;    // numbers (doubles truncate); strings parsed; else 0
  double asDouble() const;  // numbers; strings parsed; else 0
  // kString only (empty view otherwise).
  std::string_view string() const { return kind_ == Kind::kString ? str_ : std::string_view(); }
  // kJson only (nullptr otherwise).
  const nlohmann::json* jsonValue() const { return kind_ == Kind::kJson ? json_ : nullptr; }

  // Strings: length in bytes; arrays and objects: number of items; else 0.
  size_t size() const;
  // The bytes the value owns, as Limits::max_memory_bytes counts them: an
  // owned string's length, an owned array's items (each sizeof(Value) plus
  // what it owns). Borrowed strings and JSON cost nothing: the contact and
  // the journey hold them.
  // Inline: the renderer asks after every filter, and most results are
  // small strings.
  size_t footprint() const {
    if (kind_ == Kind::kString) return str_.data() == owned_str_.data() ? owned_str_.size() : 0;
    return kind_ == Kind::kArray ? arrayFootprint() : 0;
  }
  // Arrays: the item at `i` (negative counts from the end); nil out of range.
  Value at(int64_t i) const;
  // Objects: the member `key`; arrays and strings also answer Liquid's
  // `size`, `first` and `last`. Nil when absent.
  Value member(std::string_view key) const;
  // Arrays: each item; objects: each [key, value] pair as a 2-item array
  // (as Liquid iterates a hash); a string or number: itself once; nil: none.
  std::vector<Value> items() const;

  // Liquid's to_s, appended: nil -> "", true/false, integers, floats as Ruby
  // prints them (1.0, 0.1, 1.0e+20), arrays as their items concatenated,
  // objects as JSON.
  void appendTo(std::string& out) const;
  std::string toString() const;
  // The value as JSON (the `json` filter, and writing vars).
  nlohmann::json toJson() const;

  // Liquid's `==` (1 == 1.0; strings by content; arrays item by item; nil
  // == nil).
  bool equals(const Value& other) const;
  // Liquid's <, <=, >, >=: numbers with numbers, strings with strings.
  // nullopt when the two cannot be compared (Liquid then renders an error;
  // Herald's comparison is false).
  std::optional<int> compare(const Value& other) const;
  // Liquid's `contains`: substring of a string, item of an array, key of an
  // object.
  bool contains(const Value& needle) const;

 private:
  size_t arrayFootprint() const;

  Kind kind_ = Kind::kNil;
  bool bool_ = false;
  int64_t int_ = 0;
  double double_ = 0;
  std::string_view str_;
  std::string owned_str_;  // backs str_ when the string is owned
  const nlohmann::json* json_ = nullptr;
  std::shared_ptr<const std::vector<Value>> array_;
};

}  // namespace herald::tmpl
