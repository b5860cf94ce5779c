#include "template/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace herald::tmpl {
namespace {

// Ruby's Float#to_s: the shortest digits that read back as the same double,
// in plain notation for exponents -4..14 (always with a fractional part:
// "2.0"), else scientific ("1.0e+20", "1.5e-05").
void appendRubyFloat(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  // sci: [-]D[.DDD]e[+-]XX
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  digits += sci[0];
  if (e > 1) digits += sci.substr(2, e - 2);
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (negative) out += '-';
  if (exp >= -4 && exp < 15) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out += digits;
    } else {
      const auto int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out.append(digits, 0, int_len);
        out += '.';
        out.append(digits, int_len);
      }
    }
    return;
  }
  out += digits[0];
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += 'e';
  out += exp < 0 ? '-' : '+';
  const int abs_exp = exp < 0 ? -exp : exp;
  if (abs_exp < 10) out += '0';
  out += std::to_string(abs_exp);
}

// A double truncated toward zero, clamped to int64 (NaN is 0): a plain
// cast of an out-of-range double is undefined behaviour.
int64_t truncateToInt(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return INT64_MAX;
  if (d <= -9.2233720368547758e18) return INT64_MIN;
  return static_cast<int64_t>(d);
}

bool parseNumber(std::string_view s, int64_t& i, double& d, bool& is_int) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), i);
  if (r.ec == std::errc() && r.ptr == s.data() + s.size()) {
    is_int = true;
    return true;
  }
  auto rd = std::from_chars(s.data(), s.data() + s.size(), d);
  if (rd.ec == std::errc() && rd.ptr == s.data() + s.size()) {
    is_int = false;
    return true;
  }
  return false;
}

}  // namespace

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

Value Value::integer(int64_t i) {
  Value v;
  v.kind_ = Kind::kInt;
  v.int_ = i;
  return v;
}

Value Value::number(double d) {
  Value v;
  v.kind_ = Kind::kDouble;
  v.double_ = d;
  return v;
}

Value Value::borrowed(std::string_view s) {
  Value v;
  v.kind_ = Kind::kString;
  v.str_ = s;
  return v;
}

Value Value::owned(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.owned_str_ = std::move(s);
  v.str_ = v.owned_str_;
  return v;
}

Value Value::json(const nlohmann::json& j) {
  using T = nlohmann::json::value_t;
  switch (j.type()) {
    case T::null:
    case T::discarded:
      return {};
    case T::boolean:
      return boolean(j.get<bool>());
    case T::number_integer:
      return integer(j.get<int64_t>());
    case T::number_unsigned: {
      const auto u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return number(static_cast<double>(u));
      return integer(static_cast<int64_t>(u));
    }
    case T::number_float:
      return number(j.get<double>());
    case T::string:
      return borrowed(j.get_ref<const std::string&>());
    case T::binary:
      return {};
    case T::array:
    case T::object: {
      Value v;
      v.kind_ = Kind::kJson;
      v.json_ = &j;
      return v;
    }
  }
  return {};
}

Value Value::array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kArray;
  v.array_ = std::make_shared<const std::vector<Value>>(std::move(items));
  return v;
}

// Only an owned string is copied or moved: for every other kind, the
// string member is left alone (a value is copied and moved along every
// pipeline, and most values borrow).
Value::Value(const Value& other)
    : kind_(other.kind_),
      bool_(other.bool_),
      int_(other.int_),
      double_(other.double_),
      str_(other.str_),
      json_(other.json_),
      array_(other.array_) {
  if (kind_ == Kind::kString && other.str_.data() == other.owned_str_.data()) {
    owned_str_ = other.owned_str_;
    str_ = owned_str_;
  }
}

Value& Value::operator=(const Value& other) {
  if (this != &other) {
    Value copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Value::Value(Value&& other) noexcept
    : kind_(other.kind_),
      bool_(other.bool_),
      int_(other.int_),
      double_(other.double_),
      str_(other.str_),
      json_(other.json_) {
  if (kind_ == Kind::kArray) array_ = std::move(other.array_);
  if (kind_ == Kind::kString && other.str_.data() == other.owned_str_.data()) {
    owned_str_ = std::move(other.owned_str_);
    str_ = owned_str_;
  }
  other.kind_ = Kind::kNil;
  other.str_ = {};
}

Value& Value::operator=(Value&& other) noexcept {
  if (this == &other) return *this;
  kind_ = other.kind_;
  bool_ = other.bool_;
  int_ = other.int_;
  double_ = other.double_;
  json_ = other.json_;
  if (kind_ == Kind::kArray || array_) array_ = std::move(other.array_);
  if (kind_ == Kind::kString && other.str_.data() == other.owned_str_.data()) {
    owned_str_ = std::move(other.owned_str_);
    str_ = owned_str_;
  } else {
    str_ = other.str_;
  }
  other.kind_ = Kind::kNil;
  other.str_ = {};
  return *this;
}

bool Value::isArray() const {
  return kind_ == Kind::kArray || (kind_ == Kind::kJson && json_->is_array());
}

bool Value::isObject() const { return kind_ == Kind::kJson && json_->is_object(); }

bool Value::empty() const {
  switch (kind_) {
    case Kind::kString:
      return str_.empty();
    case Kind::kJson:
      return json_->empty();
    case Kind::kArray:
      return array_->empty();
    default:
      return false;
  }
}

int64_t Value::asInt() const {
  switch (kind_) {
    case Kind::kInt:
      return int_;
    case Kind::kDouble:
      return truncateToInt(double_);
    case Kind::kString: {
      int64_t i = 0;
      double d = 0;
      bool is_int = false;
      if (!parseNumber(str_, i, d, is_int)) return 0;
      return is_int ? i : truncateToInt(d);
    }
    default:
      return 0;
  }
}

double Value::asDouble() const {
  switch (kind_) {
    case Kind::kInt:
      return static_cast<double>(int_);
    case Kind::kDouble:
      return double_;
    case Kind::kString: {
      int64_t i = 0;
      double d = 0;
      bool is_int = false;
      if (!parseNumber(str_, i, d, is_int)) return 0;
      return is_int ? static_cast<double>(i) : d;
    }
    default:
      return 0;
  }
}

size_t Value::arrayFootprint() const {
  size_t bytes = array_->size() * sizeof(Value);
  for (const Value& item : *array_) bytes += item.footprint();
  return bytes;
}

size_t Value::size() const {
  switch (kind_) {
    case Kind::kString:
      return str_.size();
    case Kind::kJson:
      return json_->size();
    case Kind::kArray:
      return array_->size();
    default:
      return 0;
  }
}

Value Value::at(int64_t i) const {
  const auto n = static_cast<int64_t>(size());
  if (!isArray()) return {};
  if (i < 0) i += n;
  if (i < 0 || i >= n) return {};
  if (kind_ == Kind::kArray) return (*array_)[static_cast<size_t>(i)];
  return json((*json_)[static_cast<size_t>(i)]);
}

Value Value::member(std::string_view key) const {
  if (kind_ == Kind::kJson && json_->is_object()) {
    auto it = json_->find(key);
    if (it != json_->end()) return json(*it);
    if (key == "size") return integer(static_cast<int64_t>(json_->size()));
    return {};
  }
  if (isArray()) {
    if (key == "size") return integer(static_cast<int64_t>(size()));
    if (key == "first") return at(0);
    if (key == "last") return at(-1);
    return {};
  }
  if (key == "size") {
    // Ruby: String#size counts characters; Integer#size is 8 (bytes).
    if (kind_ == Kind::kString) {
      int64_t n = 0;
      for (char c : str_)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
      return integer(n);
    }
    if (kind_ == Kind::kInt) return integer(8);
  }
  return {};
}

std::vector<Value> Value::items() const {
  std::vector<Value> out;
  switch (kind_) {
    case Kind::kNil:
      break;
    case Kind::kArray:
      out = *array_;
      break;
    case Kind::kJson:
      out.reserve(json_->size());
      if (json_->is_array()) {
        for (const auto& item : *json_) out.push_back(json(item));
      } else {
        for (auto it = json_->begin(); it != json_->end(); ++it) {
          out.push_back(array({borrowed(it.key()), json(it.value())}));
        }
      }
      break;
    default:
      out.push_back(*this);
  }
  return out;
}

void Value::appendTo(std::string& out) const {
  switch (kind_) {
    case Kind::kNil:
      return;
    case Kind::kBool:
      out += bool_ ? "true" : "false";
      return;
    case Kind::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, int_);
      out.append(buf, r.ptr);
      return;
    }
    case Kind::kDouble:
      appendRubyFloat(double_, out);
      return;
    case Kind::kString:
      out += str_;
      return;
    case Kind::kJson:
      if (json_->is_array()) {
        for (const auto& item : *json_) json(item).appendTo(out);
      } else {
        out += json_->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
      return;
    case Kind::kArray:
      for (const auto& item : *array_) item.appendTo(out);
      return;
  }
}

std::string Value::toString() const {
  std::string s;
  appendTo(s);
  return s;
}

nlohmann::json Value::toJson() const {
  switch (kind_) {
    case Kind::kNil:
      return nullptr;
    case Kind::kBool:
      return bool_;
    case Kind::kInt:
      return int_;
    case Kind::kDouble:
      return double_;
    case Kind::kString:
      return std::string(str_);
    case Kind::kJson:
      return *json_;
    case Kind::kArray: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : *array_) a.push_back(item.toJson());
      return a;
    }
  }
  return nullptr;
}

bool Value::equals(const Value& other) const {
  if (isNumber() && other.isNumber()) {
    if (kind_ == Kind::kInt && other.kind_ == Kind::kInt) return int_ == other.int_;
    return asDouble() == other.asDouble();
  }
  if (kind_ == Kind::kString && other.kind_ == Kind::kString) return str_ == other.str_;
  if (kind_ == Kind::kNil || other.kind_ == Kind::kNil) return kind_ == other.kind_;
  if (kind_ == Kind::kBool && other.kind_ == Kind::kBool) return bool_ == other.bool_;
  if (isArray() && other.isArray()) {
    if (size() != other.size()) return false;
    const auto n = static_cast<int64_t>(size());
    for (int64_t i = 0; i < n; ++i)
      if (!at(i).equals(other.at(i))) return false;
    return true;
  }
  if (isObject() && other.isObject()) return *json_ == *other.json_;
  return false;
}

std::optional<int> Value::compare(const Value& other) const {
  if (isNumber() && other.isNumber()) {
    if (kind_ == Kind::kInt && other.kind_ == Kind::kInt)
      return int_ < other.int_ ? -1 : int_ > other.int_ ? 1 : 0;
    const double a = asDouble(), b = other.asDouble();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (kind_ == Kind::kString && other.kind_ == Kind::kString) {
    const int c = str_.compare(other.str_);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return std::nullopt;
}

bool Value::contains(const Value& needle) const {
  // Liquid: `left && right && left.include?(right)`, so nil or false on
  // either side is false.
  if (!needle.truthy()) return false;
  if (kind_ == Kind::kString) {
    if (needle.kind_ == Kind::kString) return str_.find(needle.str_) != std::string_view::npos;
    return str_.find(needle.toString()) != std::string_view::npos;
  }
  if (isArray()) {
    const auto n = static_cast<int64_t>(size());
    for (int64_t i = 0; i < n; ++i)
      if (at(i).equals(needle)) return true;
    return false;
  }
  if (isObject() && needle.kind_ == Kind::kString) return json_->contains(needle.str_);
  return false;
}

}  // namespace herald::tmpl
