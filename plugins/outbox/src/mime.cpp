#include "mime.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace herald::outbox {
namespace {

constexpr size_t kMaxLine = 78;
constexpr size_t kMaxQpLine = 76;
constexpr size_t kMaxEncodedWord = 75;
constexpr size_t kMaxEncodedLine = 76;
constexpr std::string_view kWordPrefix = "=?UTF-8?Q?";
constexpr std::string_view kWordSuffix = "?=";
constexpr char kHex[] = "0123456789ABCDEF";

bool isAtext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool isPrintableAscii(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Length of the UTF-8 sequence starting at s[i] (1 for invalid bytes).
size_t charLength(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  size_t n = 1;
  if (lead >= 0xf0 && lead <= 0xf4) {
    n = 4;
  } else if (lead >= 0xe0) {
    n = lead <= 0xef ? 3 : 1;
  } else if (lead >= 0xc2) {
    n = 2;
  }
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 1;
  }
  return n;
}

void appendHex(std::string& out, unsigned char byte) {
  out += '=';
  out += kHex[byte >> 4];
  out += kHex[byte & 0xf];
}

// Q-encoding of one character, restricted to the characters RFC 2047 5(3)
// allows in a phrase so the result is valid in Subject and in names alike.
std::string qChar(std::string_view ch) {
  std::string out;
  if (ch.size() == 1) {
    const char c = ch[0];
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
        std::string_view("!*+-/").find(c) != std::string_view::npos) {
      out += c;
      return out;
    }
    if (c == ' ') return "_";
  }
  for (char c : ch) appendHex(out, static_cast<unsigned char>(c));
  return out;
}

bool validDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t label = 0;
  char prev = '.';
  for (char c : domain) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
    } else if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
               c == '-') {
      if (label == 0 && c == '-') return false;
      if (++label > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return label > 0 && prev != '-';
}

}  // namespace

bool validAddrSpec(std::string_view addr) {
  const size_t at = addr.rfind('@');
  if (at == std::string_view::npos || at == 0 || addr.size() > 254) return false;
  const std::string_view local = addr.substr(0, at);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
  char prev = 0;
  for (char c : local) {
    if (!(isAtext(c) || c == '.') || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return validDomain(addr.substr(at + 1));
}

std::optional<Address> parseAddress(std::string_view text, std::string& error) {
  text = trim(text);
  Address result;
  const size_t open = text.rfind('<');
  if (open == std::string_view::npos) {
    if (!validAddrSpec(text)) {
      error = "'" + std::string(text) +
              "' is not an email address; write it like news@example.com or "
              "\"Example News\" <news@example.com>";
      return std::nullopt;
    }
    result.addr = std::string(text);
    return result;
  }
  if (text.back() != '>') {
    error = "'" + std::string(text) + "' has text after the closing '>'";
    return std::nullopt;
  }
  const std::string_view addr = text.substr(open + 1, text.size() - open - 2);
  if (!validAddrSpec(addr)) {
    error = "'" + std::string(addr) + "' is not an email address; write it like news@example.com";
    return std::nullopt;
  }
  std::string_view name = trim(text.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    std::string unquoted;
    for (size_t i = 1; i + 1 < name.size(); ++i) {
      if (name[i] == '\\' && i + 2 < name.size()) ++i;
      unquoted += name[i];
    }
    result.name = unquoted;
  } else {
    result.name = std::string(name);
  }
  result.name = sanitizeHeaderText(result.name);
  result.addr = std::string(addr);
  return result;
}

std::string sanitizeHeaderText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return std::string(trim(out));
}

std::string formatAddress(const Address& address, size_t first_column) {
  const std::string name = sanitizeHeaderText(address.name);
  if (name.empty()) return address.addr;
  std::string phrase;
  if (!isPrintableAscii(name)) {
    phrase = encodeHeaderText(name, first_column);
  } else {
    bool atoms = true;
    for (char c : name) atoms = atoms && (isAtext(c) || c == ' ');
    if (atoms) {
      phrase = name;
    } else {
      phrase = "\"";
      for (char c : name) {
        if (c == '"' || c == '\\') phrase += '\\';
        phrase += c;
      }
      phrase += '"';
    }
  }
  return phrase + " <" + address.addr + ">";
}

std::string encodeHeaderText(std::string_view utf8, size_t first_column) {
  if (isPrintableAscii(utf8)) return std::string(utf8);
  const size_t overhead = kWordPrefix.size() + kWordSuffix.size();
  // Continuation lines begin with the folding space: 1 + 75 = 76.
  const size_t first_word =
      std::min(kMaxEncodedWord, kMaxEncodedLine - std::min(first_column, size_t{40}));
  size_t max_payload = first_word - overhead;
  std::string out;
  std::string payload;
  const auto flush = [&] {
    if (payload.empty()) return;
    if (!out.empty()) out += ' ';
    out.append(kWordPrefix).append(payload).append(kWordSuffix);
    payload.clear();
    max_payload = kMaxEncodedWord - overhead;
  };
  for (size_t i = 0; i < utf8.size();) {
    const size_t n = charLength(utf8, i);
    const std::string encoded = qChar(utf8.substr(i, n));
    if (payload.size() + encoded.size() > max_payload) flush();
    payload += encoded;
    i += n;
  }
  flush();
  return out;
}

std::string headerLine(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ": ";
  size_t line_length = out.size();
  // Fold before a space whenever the next word would overflow the line.
  size_t i = 0;
  bool first = true;
  while (i < value.size()) {
    size_t end = value.find(' ', i + (first ? 0 : 1));
    if (end == std::string_view::npos) end = value.size();
    std::string_view word = value.substr(i, end - i);  // starts with ' ' after the first
    if (!first && line_length + word.size() > kMaxLine) {
      out += "\r\n";
      line_length = 0;
    }
    out += word;
    line_length += word.size();
    i = end;
    first = false;
  }
  out += "\r\n";
  return out;
}

std::string quotedPrintable(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 8 + 8);
  size_t line = 0;
  const auto emit = [&](std::string_view token) {
    if (line + token.size() > kMaxQpLine - 1) {  // keep room for the soft break '='
      out += "=\r\n";
      line = 0;
    }
    out += token;
    line += token.size();
  };
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += "\r\n";
      line = 0;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    const bool at_line_end = i + 1 == data.size() || data[i + 1] == '\r' || data[i + 1] == '\n';
    std::string token;
    if ((u >= 33 && u <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end)) {
      token = c;
    } else {
      appendHex(token, u);
    }
    emit(token);
  }
  return out;
}

std::string rfc5322Date(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string iso8601Utc(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

size_t codePoints(std::string_view utf8) {
  size_t n = 0;
  for (size_t i = 0; i < utf8.size(); i += charLength(utf8, i)) ++n;
  return n;
}

}  // namespace herald::outbox
