#include "util/money.hpp"

#include <algorithm>
#include <cstdlib>

namespace herald::money {
namespace {

constexpr int64_t kMaxUnits = 9'000'000'000'000 * kUnitsPerWhole;

bool isDigit(char ch) { return ch >= '0' && ch <= '9'; }

// The units of a decimal number, or why not: `saturate` turns a value out
// of range into +-kMaxUnits instead of nullopt.
std::optional<int64_t> parse(std::string_view s, bool saturate) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::string digits;    // the significant digits, without the point
  int64_t exponent = 0;  // value = digits * 10^exponent
  bool any = false;
  for (; i < s.size() && isDigit(s[i]); ++i, any = true) digits.push_back(s[i]);
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && isDigit(s[i]); ++i, any = true) {
      digits.push_back(s[i]);
      --exponent;
    }
  }
  if (!any) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
    if (i == s.size() || !isDigit(s[i])) return std::nullopt;
    int64_t e = 0;
    for (; i < s.size() && isDigit(s[i]); ++i) e = std::min<int64_t>(e * 10 + (s[i] - '0'), 100000);
    exponent += exp_negative ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  digits.erase(0, first);
  const int64_t shift = exponent + kDecimals;  // units = digits * 10^shift
  auto outOfRange = [&]() -> std::optional<int64_t> {
    if (!saturate) return std::nullopt;
    return negative ? -kMaxUnits : kMaxUnits;
  };
  int64_t units = 0;
  if (shift >= 0) {
    if (static_cast<int64_t>(digits.size()) + shift > 19) return outOfRange();
    digits.append(static_cast<size_t>(shift), '0');
    if (digits.size() == 19 && digits > "9223372036854775807") return outOfRange();
    units = static_cast<int64_t>(std::strtoull(digits.c_str(), nullptr, 10));
  } else {
    const int64_t keep = static_cast<int64_t>(digits.size()) + shift;  // digits before the cut
    if (keep < 0) return 0;                                            // below half a unit
    const std::string whole = digits.substr(0, static_cast<size_t>(keep));
    if (whole.size() > 19 || (whole.size() == 19 && whole > "9223372036854775807")) {
      return outOfRange();
    }
    units = whole.empty() ? 0 : static_cast<int64_t>(std::strtoull(whole.c_str(), nullptr, 10));
    if (digits[static_cast<size_t>(keep)] >= '5') ++units;  // half away from zero
  }
  if (units > kMaxUnits) return outOfRange();
  return negative ? -units : units;
}

}  // namespace

std::optional<int64_t> unitsOfText(std::string_view text) { return parse(text, false); }

std::optional<int64_t> unitsOf(const nlohmann::json& value) {
  if (value.is_number()) return unitsOfText(value.dump());
  if (value.is_string()) return unitsOfText(value.get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<int64_t> unitsOfThreshold(const nlohmann::json& value) {
  if (!value.is_number()) return std::nullopt;
  return parse(value.dump(), true);
}

int64_t averageUnits(int64_t sum_units, int64_t count) {
  if (count <= 0) return 0;
  // |sum| / count rounded half up, with the sign put back: half away from zero.
  const bool negative = sum_units < 0;
  const int64_t magnitude = negative ? -sum_units : sum_units;
  const int64_t q = magnitude / count;
  const int64_t r = magnitude % count;
  const int64_t rounded = r >= count - r ? q + 1 : q;
  return negative ? -rounded : rounded;
}

std::string textOfUnits(int64_t units) {
  const bool negative = units < 0;
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(units + 1)) + 1 : static_cast<uint64_t>(units);
  std::string out = std::to_string(magnitude / kUnitsPerWhole);
  std::string fraction = std::to_string(magnitude % kUnitsPerWhole);
  fraction.insert(0, static_cast<size_t>(kDecimals) - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return negative ? "-" + out : out;
}

}  // namespace herald::money
