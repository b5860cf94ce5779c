#include "store/suppression_hash.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <stdexcept>

namespace herald::store {
namespace {

std::string_view trimmed(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<std::string> canonicalEmail(std::string_view s) {
  s = trimmed(s);
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return std::nullopt;
  if (s.find('@', at + 1) != std::string_view::npos) return std::nullopt;
  if (std::any_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; })) {
    return std::nullopt;
  }
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return out;
}

std::optional<std::string> canonicalPhone(std::string_view s) {
  s = trimmed(s);
  if (s.starts_with('+')) {
    s.remove_prefix(1);
  } else if (s.starts_with("00")) {
    s.remove_prefix(2);
  } else {
    return std::nullopt;
  }
  std::string out = "+";
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      out += c;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
      return std::nullopt;
    }
  }
  const size_t digits = out.size() - 1;
  if (digits < 8 || digits > 15 || out[1] == '0') return std::nullopt;
  return out;
}

}  // namespace

bool isSuppressionKind(std::string_view kind) { return kind == "email" || kind == "phone"; }

std::optional<std::string> canonicalAddress(std::string_view kind, std::string_view address) {
  if (kind == "email") return canonicalEmail(address);
  if (kind == "phone") return canonicalPhone(address);
  return std::nullopt;
}

std::string suppressionHash(std::string_view salt, std::string_view kind,
                            std::string_view canonical_address) {
  std::string message;
  message.reserve(kind.size() + 1 + canonical_address.size());
  message.append(kind).append(":").append(canonical_address);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), salt.data(), static_cast<int>(salt.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[mac[i] >> 4];
    hex[2 * i + 1] = kHex[mac[i] & 0xf];
  }
  return hex;
}

}  // namespace herald::store
