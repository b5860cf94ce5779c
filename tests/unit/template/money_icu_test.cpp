// `money` and `number` format by hand from a pattern read off ICU once per
// (locale, currency); this checks, against ICU itself, that the two agree
// for many locales, currencies and amounts (rounding, carries, negatives,
// Indian grouping, locales that leave 4-digit numbers ungrouped).
#include <gtest/gtest.h>
#include <unicode/numberformatter.h>

#include <charconv>
#include <random>
#include <string>
#include <vector>

#include "template/filters.hpp"

namespace herald::tmpl {
namespace {

using icu::number::NumberFormatter;
using icu::number::Precision;

std::string viaIcu(const std::string& locale, const std::string& currency, int decimals,
                   const std::string& number) {
  UErrorCode status = U_ZERO_ERROR;
  auto f = NumberFormatter::withLocale(icu::Locale::forLanguageTag(locale, status))
               .roundingMode(UNUM_ROUND_HALFUP);
  if (!currency.empty()) {
    const auto code = icu::UnicodeString::fromUTF8(currency);
    f = f.unit(icu::CurrencyUnit(code.getBuffer(), status));
  } else {
    f = f.precision(decimals < 0 ? Precision::maxFraction(3) : Precision::fixedFraction(decimals));
  }
  std::string out;
  f.formatDecimal(icu::StringPiece(number.data(), static_cast<int32_t>(number.size())), status)
      .toString(status)
      .toUTF8String(out);
  EXPECT_TRUE(U_SUCCESS(status)) << locale << " " << currency << " " << number;
  return out;
}

std::string viaFilter(const char* name, const std::string& locale, const std::string& currency,
                      std::vector<Value> args, const Value& in) {
  FilterEnv env;
  env.locale = locale;
  env.timezone = "UTC";
  env.currency = currency.empty() ? std::string_view("USD") : std::string_view(currency);
  const Value out = findFilter(name)->fn(in, args, env);
  EXPECT_EQ(env.error, "");
  return out.toString();
}

std::vector<double> amounts() {
  std::vector<double> v = {0,       0.004,    0.005,      0.125,       0.995,     1,
                           9.995,   12.5,     99.999,     999.995,     1234,      1234.5,
                           9999.99, 12345.67, 999999.995, 1234567.891, 1e9 + 0.5, -0.001,
                           -3.456,  -1234.5,  -999999.999};
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> d(-2e6, 2e6);
  for (int i = 0; i < 200; ++i) v.push_back(std::round(d(rng) * 1000) / 1000);
  return v;
}

std::string shortest(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

TEST(MoneyMatchesIcu, AcrossLocalesAndCurrencies) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"en-US", "USD"}, {"de-DE", "EUR"}, {"fr-FR", "EUR"}, {"ko-KR", "KRW"}, {"ja-JP", "JPY"},
      {"en-IN", "INR"}, {"es-ES", "EUR"}, {"de-CH", "CHF"}, {"pt-BR", "BRL"}, {"nl-NL", "EUR"},
      {"en-GB", "GBP"}, {"it-IT", "EUR"}, {"pl-PL", "PLN"}, {"ar-EG", "EGP"}, {"he-IL", "ILS"},
      {"sv-SE", "SEK"}, {"en-US", "BHD"}, {"de-AT", "EUR"}, {"hi-IN", "INR"}, {"zh-CN", "CNY"}};
  for (const auto& [locale, currency] : cases) {
    for (double a : amounts()) {
      EXPECT_EQ(viaFilter("money", locale, currency, {}, Value::number(a)),
                viaIcu(locale, currency, -1, shortest(a)))
          << locale << " " << currency << " " << a;
    }
  }
}

TEST(NumberMatchesIcu, WithAndWithoutDecimals) {
  for (const std::string locale : {"en-US", "de-DE", "fr-FR", "en-IN", "es-ES", "de-CH", "ar-EG"}) {
    for (int decimals : {-1, 0, 2, 3}) {
      for (double a : amounts()) {
        std::vector<Value> args;
        if (decimals >= 0) args.push_back(Value::integer(decimals));
        EXPECT_EQ(viaFilter("number", locale, "", args, Value::number(a)),
                  viaIcu(locale, "", decimals, shortest(a)))
            << locale << " decimals " << decimals << " " << a;
      }
    }
  }
}

}  // namespace
}  // namespace herald::tmpl
