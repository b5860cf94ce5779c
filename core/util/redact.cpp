#include "util/redact.hpp"

namespace herald::redact {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isLocalChar(char c) {
  return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool isDomainChar(char c) { return isAlnum(c) || c == '.' || c == '-'; }
bool isPhoneSeparator(char c) { return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')'; }

// [begin, end) of the email address around the '@' at `at`, or {at, at}.
std::pair<size_t, size_t> emailAround(std::string_view text, size_t at) {
  size_t begin = at;
  while (begin > 0 && isLocalChar(text[begin - 1])) --begin;
  size_t end = at + 1;
  while (end < text.size() && isDomainChar(text[end])) ++end;
  while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;  // "… a@b.com."
  const std::string_view domain = text.substr(at + 1, end - at - 1);
  const size_t dot = domain.find('.');
  if (begin == at || dot == std::string_view::npos || dot == 0) return {at, at};
  return {begin, end};
}

std::string redactEmails(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at < copied) continue;
    const auto [begin, end] = emailAround(text, at);
    if (begin == end) continue;
    out.append(text.substr(copied, begin - copied));
    out += maskEmail(text.substr(begin, end - begin));
    copied = end;
    at = end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

// The length of the international number starting with the '+' at `plus`,
// or 0 when there is none.
size_t phoneLength(std::string_view text, size_t plus) {
  if (plus > 0 && (isAlnum(text[plus - 1]) || text[plus - 1] == '+')) return 0;
  // The run of digits and separators, up to its last digit.
  size_t digits = 0, end = plus + 1, last_digit = 0;
  while (end < text.size() && (isDigit(text[end]) || isPhoneSeparator(text[end]))) {
    if (isDigit(text[end])) {
      ++digits;
      last_digit = end;
    }
    ++end;
  }
  if (digits < 8 || digits > 15 || !isDigit(text[plus + 1])) return 0;
  if (last_digit + 1 < text.size() && isAlnum(text[last_digit + 1])) return 0;
  return last_digit + 1 - plus;
}

std::string redactPhones(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (size_t plus = text.find('+'); plus != std::string_view::npos;
       plus = text.find('+', plus + 1)) {
    if (plus < copied || plus + 1 >= text.size()) continue;
    const size_t n = phoneLength(text, plus);
    if (n == 0) continue;
    out.append(text.substr(copied, plus - copied));
    out += maskPhone(text.substr(plus, n));
    copied = plus + n;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace

std::string maskEmail(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  std::string out(1, address[0]);
  out += "***";
  out += address.substr(at);
  return out;
}

std::string maskPhone(std::string_view number) {
  std::string digits;
  for (char c : number)
    if (isDigit(c)) digits += c;
  if (digits.size() < 8) return "+" + std::string(digits.size(), '*');
  return "+" + digits.substr(0, 2) + std::string(digits.size() - 5, '*') +
         digits.substr(digits.size() - 3);
}

std::string redactContacts(std::string_view text) {
  // Most lines have neither: no copy work beyond the one result string.
  if (text.find('@') == std::string_view::npos && text.find('+') == std::string_view::npos)
    return std::string(text);
  return redactPhones(redactEmails(text));
}

}  // namespace herald::redact
