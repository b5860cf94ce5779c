#pragma once
// The send-ledger key inside an email Message-ID, both ways. Email plugins
// write it into every message they send ("herald.<key>@<domain>"), and
// whoever reads a bounce later (Herald's `herald bounces fetch`, a plugin's
// webhook) gets the delivery back from the Message-ID a DSN quotes. The key
// stays readable: '/' becomes '.', bytes outside [A-Za-z0-9_-] become =XX.
// Header-only, no exception or STL type crosses the plugin boundary.
#include <optional>
#include <string>
#include <string_view>

namespace herald {

namespace detail {
inline bool messageIdLiteral(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '_' ||
         c == '-';
}
inline int messageIdHexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace detail

/// "herald.<key>@<domain>" (without angle brackets) for ledger key `key`.
inline std::string messageIdForKey(std::string_view key, std::string_view domain) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string id = "herald.";
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    // '/' reads as '.' unless that would make an empty dot-atom part.
    const bool dot =
        c == '/' && i > 0 && i + 1 < key.size() && key[i - 1] != '/' && key[i + 1] != '/';
    if (detail::messageIdLiteral(c)) {
      id += c;
    } else if (dot) {
      id += '.';
    } else {
      const auto u = static_cast<unsigned char>(c);
      id += '=';
      id += kHex[u >> 4];
      id += kHex[u & 0xf];
    }
  }
  id += '@';
  id += domain;
  return id;
}

/// The ledger key inside a Message-ID messageIdForKey() made (with or
/// without angle brackets); nullopt for any other Message-ID.
inline std::optional<std::string> ledgerKeyFromMessageId(std::string_view id) {
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  constexpr std::string_view kPrefix = "herald.";
  const size_t at = id.rfind('@');
  if (!id.starts_with(kPrefix) || at == std::string_view::npos || at < kPrefix.size())
    return std::nullopt;
  const std::string_view encoded = id.substr(kPrefix.size(), at - kPrefix.size());
  std::string key;
  for (size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '.') {
      key += '/';
    } else if (c == '=') {
      if (i + 2 >= encoded.size()) return std::nullopt;
      const int hi = detail::messageIdHexDigit(encoded[i + 1]);
      const int lo = detail::messageIdHexDigit(encoded[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      key += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (detail::messageIdLiteral(c)) {
      key += c;
    } else {
      return std::nullopt;
    }
  }
  if (key.empty()) return std::nullopt;
  return key;
}

}  // namespace herald
