#include "template/filters/date_names.hpp"

#include <unicode/dtfmtsym.h>
#include <unicode/locid.h>

#include <memory>
#include <unordered_map>

namespace herald::tmpl::filters {
namespace {

const DateNames& english() {
  static const DateNames names = [] {
    DateNames n;
    n.days = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    n.months = {"January", "February", "March",     "April",   "May",      "June",
                "July",    "August",   "September", "October", "November", "December"};
    for (size_t i = 0; i < 7; ++i) n.short_days[i] = n.days[i].substr(0, 3);
    for (size_t i = 0; i < 12; ++i) n.short_months[i] = n.months[i].substr(0, 3);
    n.am = "AM";
    n.pm = "PM";
    n.am_lower = "am";
    n.pm_lower = "pm";
    return n;
  }();
  return names;
}

bool isEnglish(std::string_view locale) {
  return locale.size() >= 2 && (locale[0] == 'e' || locale[0] == 'E') &&
         (locale[1] == 'n' || locale[1] == 'N') &&
         (locale.size() == 2 || locale[2] == '-' || locale[2] == '_');
}

std::string utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// CLDR's names in the locale's language; English when ICU has none (an
// unknown language falls back to ICU's root locale, whose names are codes).
std::unique_ptr<DateNames> fromIcu(const std::string& locale) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Locale loc = icu::Locale::forLanguageTag(locale, status);
  if (U_FAILURE(status) || loc.isBogus()) return std::make_unique<DateNames>(english());
  icu::DateFormatSymbols symbols(loc, status);
  if (U_FAILURE(status) || status == U_USING_DEFAULT_WARNING)
    return std::make_unique<DateNames>(english());
  auto n = std::make_unique<DateNames>();
  using S = icu::DateFormatSymbols;
  int32_t count = 0;
  // Weekdays are indexed from 1 (Sunday) in ICU.
  const icu::UnicodeString* days = symbols.getWeekdays(count, S::FORMAT, S::WIDE);
  const icu::UnicodeString* short_days = symbols.getWeekdays(count, S::FORMAT, S::ABBREVIATED);
  if (count < 8) return std::make_unique<DateNames>(english());
  for (size_t i = 0; i < 7; ++i) {
    n->days[i] = utf8(days[i + 1]);
    n->short_days[i] = utf8(short_days[i + 1]);
  }
  const icu::UnicodeString* months = symbols.getMonths(count, S::FORMAT, S::WIDE);
  if (count < 12) return std::make_unique<DateNames>(english());
  for (size_t i = 0; i < 12; ++i) n->months[i] = utf8(months[i]);
  const icu::UnicodeString* short_months = symbols.getMonths(count, S::FORMAT, S::ABBREVIATED);
  for (size_t i = 0; i < 12 && i < static_cast<size_t>(count); ++i)
    n->short_months[i] = utf8(short_months[i]);
  const icu::UnicodeString* ampm = symbols.getAmPmStrings(count);
  if (count >= 2) {
    n->am = n->am_lower = utf8(ampm[0]);
    n->pm = n->pm_lower = utf8(ampm[1]);
  }
  return n;
}

}  // namespace

const DateNames& dateNames(std::string_view locale) {
  if (locale.empty() || isEnglish(locale)) return english();
  // Per thread, by locale: a send renders for contacts of a few locales.
  thread_local std::unordered_map<std::string, std::unique_ptr<DateNames>> cache;
  auto it = cache.find(std::string(locale));
  if (it != cache.end()) return *it->second;
  if (cache.size() >= 256) cache.clear();  // bounded: locales come from contact data
  const std::string key(locale);
  return *cache.emplace(key, fromIcu(key)).first->second;
}

}  // namespace herald::tmpl::filters
