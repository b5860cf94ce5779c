#include "encoding.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <vector>

namespace herald::provider {

std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  std::string clean;
  clean.reserve(text.size() + 3);
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  while (clean.size() % 4 != 0) clean += '=';
  // EVP_DecodeUpdate/Final (not EVP_DecodeBlock) so that padding does not
  // leave zero bytes at the end: DER parsers refuse trailing bytes.
  std::vector<unsigned char> out(clean.size() / 4 * 3 + 3);
  EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
  if (ctx == nullptr) return std::nullopt;
  EVP_DecodeInit(ctx);
  int len = 0;
  int tail = 0;
  const int ok =
      EVP_DecodeUpdate(ctx, out.data(), &len, reinterpret_cast<const unsigned char*>(clean.data()),
                       static_cast<int>(clean.size()));
  const int fin = ok < 0 ? -1 : EVP_DecodeFinal(ctx, out.data() + len, &tail);
  EVP_ENCODE_CTX_free(ctx);
  if (ok < 0 || fin < 0) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<size_t>(len + tail));
}

std::string formEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string hexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

std::string emailDomain(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string domain(address.substr(at + 1));
  for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return domain;
}

}  // namespace herald::provider
