// money and number: locale-aware formatting with ICU's number formatter
// (CLDR data: symbols, grouping, decimal marks and each currency's own
// decimals, e.g. "$1,234.50" in en-US, "1.234,50 €" in de-DE, "₩1,235" in
// ko-KR). Per thread and per (locale, currency or decimals), ICU is asked
// once: its formatter is kept, and from a few probe numbers it formats we
// read the pattern (affixes, separators, grouping sizes, decimals). A call
// then formats by hand from the number's decimal digits, about 40x cheaper
// than ICU per call; a locale whose pattern we cannot read that way (other
// digit systems) keeps using ICU. A test checks both agree across locales.
#include <unicode/localpointer.h>
#include <unicode/numberformatter.h>
#include <unicode/ucurr.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "template/filters/builtins.hpp"

namespace herald::tmpl::filters {
namespace {

using icu::number::LocalizedNumberFormatter;
using icu::number::NumberFormatter;
using icu::number::Precision;

// The input as a decimal string ICU reads exactly ("1234.5"); false when
// it is not a number.
bool decimalText(const Value& in, std::string& out) {
  char buf[64];
  if (in.isInt()) {
    auto r = std::to_chars(buf, buf + sizeof buf, in.asInt());
    out.assign(buf, r.ptr);
    return true;
  }
  double d = 0;
  if (in.kind() == Value::Kind::kDouble) {
    d = in.asDouble();
  } else if (in.isString()) {
    std::string_view s = in.string();
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return false;
    if (s.front() == '+') s.remove_prefix(1);
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  } else {
    return false;
  }
  if (!std::isfinite(d)) return false;
  // Prices have few decimals: when d is exactly the double nearest to
  // N / 10^k (k <= 4, |N| < 10^15), those are its shortest digits (two
  // decimals of at most 15 digits never share a double), found without
  // the general shortest-digits search of to_chars.
  static constexpr double kPow10[] = {1, 10, 100, 1000, 10000};
  for (int k = 0; k < 5 && d != 0; ++k) {
    const double scaled = d * kPow10[k];
    if (!(std::fabs(scaled) < 1e15)) break;
    const auto n = static_cast<int64_t>(std::llround(scaled));
    if (static_cast<double>(n) / kPow10[k] != d) continue;
    auto r = std::to_chars(buf, buf + sizeof buf, n < 0 ? -n : n);
    std::string digits(buf, r.ptr);
    if (k > 0) {
      if (digits.size() <= static_cast<size_t>(k))
        digits.insert(0, static_cast<size_t>(k) + 1 - digits.size(), '0');
      digits.insert(digits.size() - static_cast<size_t>(k), 1, '.');
    }
    out.assign(n < 0 ? "-" : "");
    out += digits;
    return true;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.assign(buf, r.ptr);
  return true;
}

// What ICU writes for one (locale, currency or decimals), read off probe
// numbers: enough to format any finite decimal by hand.
struct Pattern {
  bool usable = false;  // false: format through ICU
  std::string pos_prefix, pos_suffix, neg_prefix, neg_suffix;
  std::string group, decimal;
  int primary = 3;         // digits in the rightmost group
  int secondary = 3;       // digits in the other groups (2 in en-IN)
  bool group_four = true;  // false: a 4-digit integer is not grouped (es, pl)
  int fraction = 2;        // digits after the decimal mark
  bool trim = false;       // drop trailing zeros of the fraction (number without decimals)
};

struct Formatter {
  LocalizedNumberFormatter icu;
  Pattern pattern;
};

std::string icuFormat(const LocalizedNumberFormatter& f, std::string_view number, bool& ok) {
  UErrorCode status = U_ZERO_ERROR;
  auto formatted =
      f.formatDecimal(icu::StringPiece(number.data(), static_cast<int32_t>(number.size())), status);
  std::string out;
  formatted.toString(status).toUTF8String(out);
  ok = U_SUCCESS(status);
  return out;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Splits ICU's text for a probe into affixes and the number between them;
// checks that the digits are `digits` (integer part) then `frac_digits`, with
// one kind of group separator and at most one decimal mark; records the
// group sizes.
bool readProbe(const std::string& text, std::string_view digits, std::string& prefix,
               std::string& suffix, Pattern& p, bool learn) {
  const size_t first = text.find_first_of("0123456789");
  const size_t last = text.find_last_of("0123456789");
  if (first == std::string::npos) return false;
  prefix = text.substr(0, first);
  suffix = text.substr(last + 1);
  std::string seen, group, decimal;
  std::vector<size_t> group_at;  // digits seen before each group separator
  size_t i = first;
  while (i <= last) {
    if (isDigit(text[i])) {
      seen += text[i++];
      continue;
    }
    size_t j = i;
    while (j <= last && !isDigit(text[j])) ++j;
    const std::string sep = text.substr(i, j - i);
    if (seen.size() < digits.size()) {
      if (!group.empty() && sep != group) return false;
      group = sep;
      group_at.push_back(seen.size());
    } else {
      if (!decimal.empty()) return false;
      decimal = sep;
    }
    i = j;
  }
  if (seen.compare(0, digits.size(), digits) != 0) return false;
  const int frac = static_cast<int>(seen.size() - digits.size());
  if (!learn) {
    return (group.empty() || group == p.group) && (decimal.empty() || decimal == p.decimal) &&
           frac == p.fraction;
  }
  p.group = group;
  p.decimal = decimal;
  p.fraction = frac;
  if (frac > 0 && decimal.empty()) return false;
  if (!group_at.empty()) {
    const auto n = static_cast<int>(digits.size());
    p.primary = n - static_cast<int>(group_at.back());
    p.secondary = group_at.size() > 1
                      ? static_cast<int>(group_at.back() - group_at[group_at.size() - 2])
                      : p.primary;
    // Every group must sit where these sizes put it.
    int at = n - p.primary;
    for (size_t k = group_at.size(); k-- > 0;) {
      if (static_cast<int>(group_at[k]) != at) return false;
      at -= p.secondary;
    }
    if (at > 0) return false;
  }
  return true;
}

Pattern learnPattern(const LocalizedNumberFormatter& f, bool trim) {
  Pattern p;
  bool ok = false;
  std::string pre, suf;
  // Seven integer digits show the grouping; .125 the decimals (a currency
  // rounds it to its own digits, a fixed precision pads or rounds it).
  if (!readProbe(icuFormat(f, "1234567.125", ok), "1234567", p.pos_prefix, p.pos_suffix, p, true) ||
      !ok)
    return p;
  if (!readProbe(icuFormat(f, "-1234567.125", ok), "1234567", p.neg_prefix, p.neg_suffix, p,
                 false) ||
      !ok)
    return p;
  const std::string four = icuFormat(f, "1234", ok);
  p.group_four = !p.group.empty() && four.find("1" + p.group + "234") != std::string::npos;
  p.trim = trim;
  p.usable = ok && !p.group.empty();
  return p;
}

// Rounds the decimal `number` ([-]digits[.digits], no exponent) half up to
// `fraction` digits and writes it with `p`; false when `number` has a form
// this does not handle (ICU then formats it).
bool formatByHand(const Pattern& p, std::string_view number, std::string& out) {
  bool negative = false;
  if (!number.empty() && number.front() == '-') {
    negative = true;
    number.remove_prefix(1);
  }
  const size_t dot = number.find('.');
  std::string_view int_part = number.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos ? "" : number.substr(dot + 1);
  if (int_part.empty() || int_part.size() > 30) return false;
  for (char c : int_part)
    if (!isDigit(c)) return false;
  for (char c : frac_part)
    if (!isDigit(c)) return false;
  char digits[64];
  size_t n = 0;
  for (char c : int_part) digits[n++] = c;
  const auto frac = static_cast<size_t>(p.fraction);
  for (size_t k = 0; k < frac; ++k) digits[n++] = k < frac_part.size() ? frac_part[k] : '0';
  // Half up on the first dropped digit.
  if (frac_part.size() > frac && frac_part[frac] >= '5') {
    size_t k = n;
    while (k > 0) {
      --k;
      if (digits[k] == '9') {
        digits[k] = '0';
        continue;
      }
      ++digits[k];
      break;
    }
    if (k == 0 && digits[0] == '0') {  // carried past the first digit
      for (size_t m = n; m > 0; --m) digits[m] = digits[m - 1];
      digits[0] = '1';
      ++n;
    }
  }
  size_t int_len = n - frac;
  size_t lead = 0;  // leading zeros of the integer part (keep one)
  while (lead + 1 < int_len && digits[lead] == '0') ++lead;
  size_t frac_len = frac;
  if (p.trim)
    while (frac_len > 0 && digits[int_len + frac_len - 1] == '0') --frac_len;
  // A negative amount that rounds to zero keeps its sign, as ICU writes it.
  out += negative ? p.neg_prefix : p.pos_prefix;
  const size_t len = int_len - lead;
  const bool grouped = len > static_cast<size_t>(p.primary) && (p.group_four || len > 4);
  for (size_t k = 0; k < len; ++k) {
    out += digits[lead + k];
    const size_t left = len - k - 1;  // digits still to write
    if (!grouped || left == 0) continue;
    const auto primary = static_cast<size_t>(p.primary);
    if (left == primary ||
        (left > primary && (left - primary) % static_cast<size_t>(p.secondary) == 0))
      out += p.group;
  }
  if (frac_len > 0) {
    out += p.decimal;
    out.append(digits + int_len, frac_len);
  }
  out += negative ? p.neg_suffix : p.pos_suffix;
  return true;
}

// thread_local cache: "locale|currency" or "locale|#decimals".
const Formatter* formatter(std::string_view locale, std::string_view key, bool currency,
                           int decimals) {
  thread_local std::map<std::string, Formatter, std::less<>> cache;
  // The common case: the same locale and currency as the previous call.
  thread_local std::string last_locale, last_key;
  thread_local const Formatter* last = nullptr;
  if (last && locale == last_locale && key == last_key) return last;
  std::string full(locale);
  full += '|';
  full += key;
  auto remember = [&](const Formatter* f) {
    last_locale.assign(locale);
    last_key.assign(key);
    last = f;
    return f;
  };
  if (auto it = cache.find(full); it != cache.end()) return remember(&it->second);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Locale loc = icu::Locale::forLanguageTag(std::string(locale), status);
  if (U_FAILURE(status) || loc.isBogus()) return nullptr;
  auto f = NumberFormatter::withLocale(loc).roundingMode(UNUM_ROUND_HALFUP);
  if (currency) {
    const icu::UnicodeString code = icu::UnicodeString::fromUTF8(key);
    f = f.unit(icu::CurrencyUnit(code.getBuffer(), status));
    if (U_FAILURE(status)) return nullptr;
  } else if (decimals >= 0) {
    f = f.precision(Precision::fixedFraction(decimals));
  } else {
    f = f.precision(Precision::maxFraction(3));
  }
  Formatter entry{std::move(f), {}};
  entry.pattern = learnPattern(entry.icu, !currency && decimals < 0);
  return remember(&cache.emplace(std::move(full), std::move(entry)).first->second);
}

Value format(std::string_view name, const Formatter& f, std::string_view number, FilterEnv& env) {
  std::string out;
  if (f.pattern.usable && formatByHand(f.pattern, number, out)) return Value::owned(std::move(out));
  bool ok = false;
  out = icuFormat(f.icu, number, ok);
  if (!ok) return fail(env, name, "cannot format " + std::string(number));
  return Value::owned(std::move(out));
}

bool isCurrencyCode(std::string_view code) {
  // The same code as the previous call: ICU's lookup is not free.
  thread_local std::string last_valid;
  if (code == last_valid) return true;
  if (code.size() != 3) return false;
  for (char c : code)
    if (c < 'A' || c > 'Z') return false;
  UChar u[4] = {static_cast<UChar>(code[0]), static_cast<UChar>(code[1]),
                static_cast<UChar>(code[2]), 0};
  UErrorCode status = U_ZERO_ERROR;
  if (!ucurr_isAvailable(u, U_DATE_MIN, U_DATE_MAX, &status) || U_FAILURE(status)) return false;
  last_valid.assign(code);
  return true;
}

std::string_view localeOf(const FilterEnv& env) {
  return env.locale.empty() ? std::string_view("en-US") : env.locale;
}

}  // namespace

Value fMoney(const Value& in, Args args, FilterEnv& env) {
  if (in.isNil()) return {};
  std::string number;
  if (!decimalText(in, number)) return fail(env, "money", "\"" + toS(in) + "\" is not a number");
  std::string code = args.empty() || args[0].isNil() ? std::string(env.currency) : toS(args[0]);
  if (code.empty()) code = "USD";
  for (char& c : code)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  if (!isCurrencyCode(code))
    return fail(env, "money",
                "\"" + code + "\" is not an ISO 4217 currency code (such as USD, EUR, GBP, JPY)");
  const auto* f = formatter(localeOf(env), code, true, -1);
  if (!f) return fail(env, "money", "unknown locale \"" + std::string(localeOf(env)) + "\"");
  return format("money", *f, number, env);
}

Value fNumber(const Value& in, Args args, FilterEnv& env) {
  if (in.isNil()) return {};
  std::string number;
  if (!decimalText(in, number)) return fail(env, "number", "\"" + toS(in) + "\" is not a number");
  int decimals = -1;
  if (!args.empty()) {
    int64_t d = 0;
    if (!toStrictInteger(args[0], d) || d < 0 || d > 20)
      return fail(env, "number",
                  "the decimals must be an integer from 0 to 20, got \"" + toS(args[0]) + "\"");
    decimals = static_cast<int>(d);
  }
  const std::string key = decimals < 0 ? "#" : "#" + std::to_string(decimals);
  const auto* f = formatter(localeOf(env), key, false, decimals);
  if (!f) return fail(env, "number", "unknown locale \"" + std::string(localeOf(env)) + "\"");
  return format("number", *f, number, env);
}

}  // namespace herald::tmpl::filters
