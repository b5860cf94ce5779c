// money and number: locale-aware formatting with ICU's number formatter
// (CLDR data: symbols, grouping, decimal marks and each currency's own
// decimals, e.g. "$1,234.50" in en-US, "1.234,50 €" in de-DE, "₩1,235" in
// ko-KR). Formatters are cached per thread, keyed by locale and currency,
// so a call is one map lookup and one format.
#include <unicode/localpointer.h>
#include <unicode/numberformatter.h>
#include <unicode/ucurr.h>

#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>

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
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.assign(buf, r.ptr);
  return true;
}

// thread_local cache: "locale|currency" or "locale|#decimals".
const LocalizedNumberFormatter* formatter(std::string_view locale, std::string_view key,
                                          bool currency, int decimals) {
  thread_local std::map<std::string, LocalizedNumberFormatter, std::less<>> cache;
  // The common case: the same locale and currency as the previous call.
  thread_local std::string last_locale, last_key;
  thread_local const LocalizedNumberFormatter* last = nullptr;
  if (last && locale == last_locale && key == last_key) return last;
  std::string full(locale);
  full += '|';
  full += key;
  auto remember = [&](const LocalizedNumberFormatter* f) {
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
  return remember(&cache.emplace(std::move(full), std::move(f)).first->second);
}

// Recently formatted numbers, per thread: a send formats the same few
// prices for many contacts, and ICU takes about a microsecond per call.
struct Memo {
  const LocalizedNumberFormatter* f = nullptr;
  std::string number;
  std::string text;
};

Value format(std::string_view name, const LocalizedNumberFormatter& f, const std::string& number,
             FilterEnv& env) {
  thread_local std::array<Memo, 256> memo;
  Memo& slot =
      memo[(std::hash<std::string>{}(number) ^ std::hash<const void*>{}(&f)) % memo.size()];
  if (slot.f == &f && slot.number == number) return Value::owned(slot.text);
  UErrorCode status = U_ZERO_ERROR;
  auto formatted =
      f.formatDecimal(icu::StringPiece(number.data(), static_cast<int32_t>(number.size())), status);
  std::string out;
  formatted.toString(status).toUTF8String(out);
  if (U_FAILURE(status)) return fail(env, name, "cannot format " + number);
  slot.f = &f;
  slot.number = number;
  slot.text = out;
  return Value::owned(std::move(out));
}

bool isCurrencyCode(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code)
    if (c < 'A' || c > 'Z') return false;
  UChar u[4] = {static_cast<UChar>(code[0]), static_cast<UChar>(code[1]),
                static_cast<UChar>(code[2]), 0};
  UErrorCode status = U_ZERO_ERROR;
  return ucurr_isAvailable(u, U_DATE_MIN, U_DATE_MAX, &status) && U_SUCCESS(status);
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
