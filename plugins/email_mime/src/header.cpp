#include "email_mime/header.hpp"

#include <algorithm>

#include "email_mime/base64.hpp"
#include "email_mime/utf8.hpp"

namespace herald::email_mime {
namespace {

constexpr size_t kMaxLine = 78;
constexpr size_t kMaxEncodedWord = 75;
constexpr size_t kMaxEncodedLine = 76;
constexpr std::string_view kQPrefix = "=?UTF-8?Q?";
constexpr std::string_view kBPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
constexpr char kHex[] = "0123456789ABCDEF";

bool qLiteral(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
         std::string_view("!*+-/").find(c) != std::string_view::npos;
}

// Q-encoding of one character (RFC 2047 4.2, restricted per 5(3)).
std::string qChar(std::string_view ch) {
  std::string out;
  if (ch.size() == 1 && qLiteral(ch[0])) return std::string(ch);
  if (ch.size() == 1 && ch[0] == ' ') return "_";
  for (char c : ch) {
    const auto u = static_cast<unsigned char>(c);
    out += '=';
    out += kHex[u >> 4];
    out += kHex[u & 0xf];
  }
  return out;
}

// Bytes of the Q form of `utf8`: 1 for a literal or space, 3 for the rest.
size_t qLength(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (qLiteral(c) || c == ' ') ? 1 : 3;
  return n;
}

// Splits `utf8` into words of whole characters whose encoded payload fits,
// the first in `first_payload`, the others in `payload`.
template <typename Encode, typename Fits>
std::string encodeWords(std::string_view utf8, std::string_view prefix, size_t first_word,
                        Encode encode, Fits fits) {
  const size_t overhead = prefix.size() + kWordSuffix.size();
  size_t max_payload = first_word - overhead;
  std::string out;
  std::string raw;  // the characters of the current word, not yet encoded
  const auto flush = [&] {
    if (raw.empty()) return;
    if (!out.empty()) out += ' ';
    out.append(prefix).append(encode(raw)).append(kWordSuffix);
    raw.clear();
    max_payload = kMaxEncodedWord - overhead;
  };
  for (size_t i = 0; i < utf8.size();) {
    const size_t n = utf8CharLength(utf8, i);
    const std::string_view ch = utf8.substr(i, n);
    if (!raw.empty() && !fits(raw, ch, max_payload)) flush();
    raw.append(ch);
    i += n;
  }
  flush();
  return out;
}

}  // namespace

std::string sanitizeHeaderText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return std::string(trimBlanks(out));
}

std::string encodeHeaderText(std::string_view utf8, size_t first_column) {
  if (isPrintableAscii(utf8)) return std::string(utf8);
  // Continuation lines begin with the folding space: 1 + 75 = 76.
  const size_t first_word =
      std::min(kMaxEncodedWord, kMaxEncodedLine - std::min(first_column, size_t{40}));
  // Q unless it is half as long again as B: readable wins over a few bytes.
  if (2 * qLength(utf8) <= 3 * base64Length(utf8.size())) {
    return encodeWords(
        utf8, kQPrefix, first_word,
        [](const std::string& raw) {
          std::string q;
          for (size_t i = 0; i < raw.size();) {
            const size_t n = utf8CharLength(raw, i);
            q += qChar(std::string_view(raw).substr(i, n));
            i += n;
          }
          return q;
        },
        [](const std::string& raw, std::string_view ch, size_t max) {
          return qLength(raw) + qLength(ch) <= max;
        });
  }
  return encodeWords(
      utf8, kBPrefix, first_word, [](const std::string& raw) { return base64(raw); },
      [](const std::string& raw, std::string_view ch, size_t max) {
        return base64Length(raw.size() + ch.size()) <= max;
      });
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

std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool validHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == ':') return false;
  }
  return true;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace herald::email_mime
