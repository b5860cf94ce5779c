#pragma once
// Locale tags (BCP 47: "ko", "de-AT", "zh-Hant-TW") and the choice of a
// message's locale variant for one contact: the contact's locale exactly
// (case-insensitive, "_" read as "-"), else its language ("ko-KR" -> "ko"),
// else the workflow's default locale (the same two tries), else the base
// parts.
#include <string>
#include <string_view>
#include <vector>

namespace herald::message {

// True for a well-formed tag: a language of 2-3 letters, then optionally a
// script (4 letters), a region (2 letters or 3 digits) and variants (5-8
// letters or digits, or 4 starting with a digit), separated by "-" or "_".
bool isValidLocaleTag(std::string_view tag);

// Lower case with "-" separators: the form tags are compared in.
std::string normalizeLocale(std::string_view tag);

// The language subtag of a (normalized) tag: "ko-kr" -> "ko".
std::string_view languageOf(std::string_view normalized);

// What a bad tag looks like to the user, with an example of a good one.
std::string localeTagHint(std::string_view tag);

class LocaleChooser {
 public:
  LocaleChooser() = default;
  // `variants`: the tags of a message's variants, in their order;
  // `fallback`: the workflow's default locale ("" for none).
  LocaleChooser(const std::vector<std::string>& variants, std::string_view fallback);

  // The index into `variants` for a contact whose locale is `contact_locale`
  // ("" when unknown); -1 for the base parts.
  int choose(std::string_view contact_locale) const;
  bool empty() const { return variants_.empty(); }

 private:
  int find(std::string_view normalized) const;
  int lookup(std::string_view tag) const;
  std::vector<std::string> variants_;  // normalized
  int fallback_ = -1;
};

}  // namespace herald::message
