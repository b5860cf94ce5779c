#include "message/locale.hpp"

#include <cctype>

namespace herald::message {
namespace {

bool allAlpha(std::string_view s) {
  for (char c : s)
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  return true;
}

bool allDigit(std::string_view s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool allAlnum(std::string_view s) {
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

std::vector<std::string_view> subtags(std::string_view tag) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= tag.size(); ++i) {
    if (i == tag.size() || tag[i] == '-' || tag[i] == '_') {
      out.push_back(tag.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

bool isValidLocaleTag(std::string_view tag) {
  const auto parts = subtags(tag);
  if (parts.empty()) return false;
  if (parts[0].size() < 2 || parts[0].size() > 3 || !allAlpha(parts[0])) return false;
  size_t i = 1;
  if (i < parts.size() && parts[i].size() == 4 && allAlpha(parts[i])) ++i;  // script
  if (i < parts.size() && ((parts[i].size() == 2 && allAlpha(parts[i])) ||
                           (parts[i].size() == 3 && allDigit(parts[i]))))
    ++i;  // region
  for (; i < parts.size(); ++i) {
    const auto p = parts[i];
    const bool variant =
        (p.size() >= 5 && p.size() <= 8 && allAlnum(p)) ||
        (p.size() == 4 && allAlnum(p) && std::isdigit(static_cast<unsigned char>(p[0])));
    if (!variant) return false;
  }
  return true;
}

std::string normalizeLocale(std::string_view tag) {
  std::string out(tag);
  for (char& c : out) {
    if (c == '_') c = '-';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view languageOf(std::string_view normalized) {
  return normalized.substr(0, normalized.find('-'));
}

std::string localeTagHint(std::string_view tag) {
  return "'" + std::string(tag) +
         "' is not a locale tag; use a BCP 47 tag: a language, optionally with a region, such as "
         "ko, en-US or de-AT";
}

LocaleChooser::LocaleChooser(const std::vector<std::string>& variants, std::string_view fallback) {
  variants_.reserve(variants.size());
  for (const auto& v : variants) variants_.push_back(normalizeLocale(v));
  if (!fallback.empty()) fallback_ = lookup(normalizeLocale(fallback));
}

int LocaleChooser::find(std::string_view normalized) const {
  for (size_t i = 0; i < variants_.size(); ++i)
    if (variants_[i] == normalized) return static_cast<int>(i);
  return -1;
}

int LocaleChooser::lookup(std::string_view normalized) const {
  if (int i = find(normalized); i >= 0) return i;
  const auto lang = languageOf(normalized);
  if (lang.size() != normalized.size()) return find(lang);
  return -1;
}

int LocaleChooser::choose(std::string_view contact_locale) const {
  if (variants_.empty()) return -1;
  if (!contact_locale.empty()) {
    // Contacts' locales are mostly already normalized ("ko-kr" is rare):
    // only copy when needed.
    bool plain = true;
    for (char c : contact_locale)
      if (c == '_' || std::isupper(static_cast<unsigned char>(c))) plain = false;
    const int i = plain ? lookup(contact_locale) : lookup(normalizeLocale(contact_locale));
    if (i >= 0) return i;
  }
  return fallback_;
}

}  // namespace herald::message
