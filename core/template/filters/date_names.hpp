#pragma once
// The words the date filter writes (%A %a %B %b %h %p %P): Shopify's English
// (Ruby's strftime) for an English locale — the default when a contact has
// none — and CLDR's names in the locale's language otherwise (through ICU,
// like the money filter), e.g. "3월"/"화요일" in ko, "3月"/"火曜日" in ja.
#include <array>
#include <string>
#include <string_view>

namespace herald::tmpl::filters {

struct DateNames {
  std::array<std::string, 7> days, short_days;  // Sunday first
  std::array<std::string, 12> months, short_months;
  std::string am, pm;              // %p
  std::string am_lower, pm_lower;  // %P and %#p
};

// The names for a BCP 47 locale ("ko-KR", "ja", "en-US"), looked up once per
// thread and locale.
const DateNames& dateNames(std::string_view locale);

}  // namespace herald::tmpl::filters
