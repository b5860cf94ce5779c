#include "import/values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "util/time_zone.hpp"

namespace herald::import {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

template <size_t N>
bool oneOf(std::string_view s, const std::string_view (&words)[N]) {
  for (auto w : words) {
    if (equalsIgnoreCase(s, w)) return true;
  }
  return false;
}

// Characters allowed in the local part of an address (RFC 5322 atext, plus
// '.'), and any non-ASCII byte for internationalised addresses.
bool isLocalChar(unsigned char c) {
  if (c >= 0x80) return true;
  if (isAlnum(static_cast<char>(c))) return true;
  switch (c) {
    case '.':
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
    case '-':
      return true;
    default:
      return false;
  }
}

bool validDomain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  size_t labels = 0;
  size_t start = 0;
  for (;;) {
    size_t dot = d.find('.', start);
    std::string_view label = d.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char ch : label) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x80 && !isAlnum(ch) && ch != '-') return false;
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
int64_t daysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!isDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string_view trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool isValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  // Most cells are ASCII: check eight bytes at a time first.
  while (i + 8 <= n) {
    uint64_t word = 0;
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ULL) break;
    i += 8;
  }
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

bool normalizeEmail(std::string_view in, std::string& out) {
  size_t at = in.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = in.substr(0, at);
  std::string_view domain = in.substr(at + 1);
  if (domain.find('@') != std::string_view::npos) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!isLocalChar(static_cast<unsigned char>(c))) return false;
  }
  if (!validDomain(domain)) return false;
  out.resize(in.size());
  std::transform(in.begin(), in.end(), out.begin(), lower);
  return true;
}

bool normalizePhone(std::string_view in, std::string& out) {
  out.clear();
  size_t i = 0;
  if (!in.empty() && in[0] == '+') {
    i = 1;
  } else if (in.size() > 2 && in[0] == '0' && in[1] == '0') {
    i = 2;  // international call prefix used in much of the world
  } else {
    return false;
  }
  out += '+';
  for (; i < in.size(); ++i) {
    char c = in[i];
    if (isDigit(c)) {
      out += c;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
      return false;
    }
  }
  size_t ndigits = out.size() - 1;
  return ndigits >= 8 && ndigits <= 15 && out[1] != '0';
}

std::optional<nlohmann::json> parseNumber(std::string_view in) {
  if (in.empty()) return std::nullopt;
  if (in[0] == '+') in.remove_prefix(1);
  if (in.empty() || in[0] == '+') return std::nullopt;
  const char* end = in.data() + in.size();
  int64_t i = 0;
  auto [p, ec] = std::from_chars(in.data(), end, i);
  if (ec == std::errc() && p == end) return nlohmann::json(i);
  double d = 0;
  auto [q, ec2] = std::from_chars(in.data(), end, d);
  if (ec2 != std::errc() || q != end || !std::isfinite(d)) return std::nullopt;
  return nlohmann::json(d);
}

std::optional<bool> parseBoolean(std::string_view in) {
  static constexpr std::string_view kTrue[] = {"true", "yes", "y", "1", "t", "on"};
  static constexpr std::string_view kFalse[] = {"false", "no", "n", "0", "f", "off"};
  if (oneOf(in, kTrue)) return true;
  if (oneOf(in, kFalse)) return false;
  return std::nullopt;
}

std::optional<bool> parseConsent(std::string_view in) {
  static constexpr std::string_view kGranted[] = {
      "yes", "y", "true", "1", "granted", "opt-in", "optin", "opted-in", "subscribed", "on"};
  static constexpr std::string_view kDenied[] = {"no",     "n",         "false",        "0",
                                                 "denied", "revoked",   "withdrawn",    "opt-out",
                                                 "optout", "opted-out", "unsubscribed", "off"};
  if (oneOf(in, kGranted)) return true;
  if (oneOf(in, kDenied)) return false;
  return std::nullopt;
}

std::optional<Timestamp> parseTimestamp(std::string_view s) {
  int y = 0, mo = 0, d = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return std::nullopt;
  Timestamp t;
  int64_t seconds = daysFromCivil(y, mo, d) * 86400;
  int64_t millis = 0;
  if (s.size() > 10) {
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    int h = 0, mi = 0, sec = 0;
    if (!digits(s, 11, 2, h) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, mi)) {
      return std::nullopt;
    }
    size_t p = 16;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, sec)) return std::nullopt;
      p += 3;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        int scale = 100;
        size_t start = p;
        while (p < s.size() && isDigit(s[p])) {
          millis += (s[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start) return std::nullopt;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    seconds += h * 3600 + mi * 60 + std::min(sec, 59);
    if (p < s.size()) {
      if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
        // UTC
      } else if (s[p] == '+' || s[p] == '-') {
        int oh = 0, om = 0;
        size_t rest = s.size() - p - 1;
        bool ok = digits(s, p + 1, 2, oh) &&
                  (rest == 2 || (rest == 5 && s[p + 3] == ':' && digits(s, p + 4, 2, om)) ||
                   (rest == 4 && digits(s, p + 3, 2, om)));
        if (!ok || oh > 23 || om > 59) return std::nullopt;
        int64_t offset = oh * 3600 + om * 60;
        seconds -= s[p] == '+' ? offset : -offset;
      } else {
        return std::nullopt;
      }
    }
    t.has_time = true;
  }
  t.unix_ms = seconds * 1000 + millis;
  return t;
}

std::string formatTimestamp(const Timestamp& t) {
  int64_t secs = t.unix_ms >= 0 ? t.unix_ms / 1000 : (t.unix_ms - 999) / 1000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  // civil_from_days (H. Hinnant)
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  if (!t.has_time) return fmt::format("{:04}-{:02}-{:02}", y, m, d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, rem / 60 % 60,
                     rem % 60);
}

std::optional<std::string> normalizeLocale(std::string_view in) {
  std::string out;
  size_t i = 0;
  size_t part = 0;
  while (i <= in.size()) {
    size_t j = i;
    while (j < in.size() && in[j] != '-' && in[j] != '_') ++j;
    std::string_view sub = in.substr(i, j - i);
    if (sub.empty() || sub.size() > 8) return std::nullopt;
    for (char c : sub) {
      if (!isAlnum(c)) return std::nullopt;
    }
    if (part == 0) {
      if (sub.size() < 2 || sub.size() > 3) return std::nullopt;
      for (char c : sub) {
        if (!isAlpha(c)) return std::nullopt;
        out += lower(c);
      }
    } else {
      out += '-';
      if (sub.size() == 4 && isAlpha(sub[0])) {  // script: Hant
        out += upper(sub[0]);
        for (char c : sub.substr(1)) out += lower(c);
      } else if (sub.size() == 2 && isAlpha(sub[0]) && isAlpha(sub[1])) {  // region: KR
        out += upper(sub[0]);
        out += upper(sub[1]);
      } else {
        for (char c : sub) out += lower(c);
      }
    }
    ++part;
    i = j + 1;
  }
  return out;
}

void splitList(std::string_view in, std::vector<std::string>& out) {
  size_t i = 0;
  while (i <= in.size()) {
    size_t j = in.find_first_of("|;", i);
    if (j == std::string_view::npos) j = in.size();
    std::string_view item = trim(in.substr(i, j - i));
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) {
      out.emplace_back(item);
    }
    i = j + 1;
  }
}

bool TimeZones::known(std::string_view name) {
  auto it = cache_.find(name);
  if (it != cache_.end()) return it->second;
  const bool ok = isKnownTimeZone(std::string(name));
  cache_.emplace(std::string(name), ok);
  return ok;
}

std::string TimeZones::suggest(std::string_view name) {
  std::string best;
  size_t best_distance = std::max<size_t>(3, name.size() / 4) + 1;
  for (const auto& candidate : timeZoneNames()) {
    size_t d = editDistance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace herald::import
