#include "links/signer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace herald::links {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kMacBytes = 16;
constexpr size_t kMaxToken = 4096;  // a click URL makes the longest tokens

std::string hmac(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<char*>(mac), len);
}

// AES-256-CTR is its own inverse: one function encrypts and decrypts.
std::string aesCtr(std::string_view key32, std::string_view iv16, std::string_view in) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  std::string out(in.size(), '\0');
  int len = 0;
  int tail = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ctr(), nullptr,
                         reinterpret_cast<const unsigned char*>(key32.data()),
                         reinterpret_cast<const unsigned char*>(iv16.data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        reinterpret_cast<const unsigned char*>(in.data()),
                        static_cast<int>(in.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &tail) !=
          1) {
    throw std::runtime_error("AES-256-CTR failed");
  }
  return out;
}

void putVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void putBytes(std::string& out, std::string_view s) {
  putVarint(out, s.size());
  out.append(s);
}

bool isHexDigest(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string hexToBytes(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(nib(hex[2 * i]) << 4 | nib(hex[2 * i + 1]));
  return out;
}

std::string bytesToHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

// Reads what putVarint / putBytes wrote; every read is bounds-checked
// because a decrypted payload of a forged token is random bytes.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return false;
      const auto b = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool raw(uint64_t n, std::string& s) {
    if (n > in_.size() - pos_) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool bytes(std::string& s) {
    uint64_t n = 0;
    return varint(n) && raw(n, s);
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

std::string encodePayload(Purpose purpose, const LinkIds& ids, int64_t expires_ms) {
  std::string p;
  p.push_back(static_cast<char>(purpose));
  putVarint(p, static_cast<uint64_t>(std::max<int64_t>(0, expires_ms / 1000)));
  putVarint(p, static_cast<uint64_t>(ids.contact_id));
  putVarint(p, static_cast<uint64_t>(std::max<int32_t>(0, ids.occurrence)));
  putBytes(p, ids.workflow);
  // 0x00 marks a SHA-256 digest kept as 32 raw bytes; any other revision
  // text follows 0x01 as it is.
  if (isHexDigest(ids.revision)) {
    p.push_back('\0');
    p.append(hexToBytes(ids.revision));
  } else {
    p.push_back('\1');
    putBytes(p, ids.revision);
  }
  putBytes(p, ids.step);
  if (purpose == Purpose::kClick) putBytes(p, ids.url);
  return p;
}

std::optional<Link> decodePayload(std::string_view p) {
  if (p.empty()) return std::nullopt;
  Link link;
  const auto purpose = static_cast<uint8_t>(p[0]);
  if (purpose < 1 || purpose > 3) return std::nullopt;
  link.purpose = static_cast<Purpose>(purpose);
  Reader r(p.substr(1));
  uint64_t expires = 0, contact = 0, occurrence = 0, form = 0;
  if (!r.varint(expires) || !r.varint(contact) || !r.varint(occurrence)) return std::nullopt;
  if (expires > (1ULL << 40) || contact > (1ULL << 62) || occurrence > (1U << 30))
    return std::nullopt;
  link.expires_ms = static_cast<int64_t>(expires) * 1000;
  link.ids.contact_id = static_cast<int64_t>(contact);
  link.ids.occurrence = static_cast<int32_t>(occurrence);
  if (!r.bytes(link.ids.workflow) || !r.varint(form)) return std::nullopt;
  if (form == 0) {
    std::string digest;
    if (!r.raw(32, digest)) return std::nullopt;
    link.ids.revision = bytesToHex(digest);
  } else if (form != 1 || !r.bytes(link.ids.revision)) {
    return std::nullopt;
  }
  if (!r.bytes(link.ids.step)) return std::nullopt;
  if (link.purpose == Purpose::kClick && !r.bytes(link.ids.url)) return std::nullopt;
  if (!r.done()) return std::nullopt;
  return link;
}

std::string header(std::string_view key_id) {
  std::string h;
  h.push_back(static_cast<char>(kVersion));
  h.push_back(static_cast<char>(key_id.size()));
  h.append(key_id);
  return h;
}

}  // namespace

const char* toString(Purpose p) {
  switch (p) {
    case Purpose::kUnsubscribe:
      return "unsubscribe";
    case Purpose::kOpen:
      return "open";
    case Purpose::kClick:
      return "click";
  }
  return "?";
}

const char* toString(Refusal r) {
  switch (r) {
    case Refusal::kMalformed:
      return "malformed";
    case Refusal::kUnknownKey:
      return "unknown-key";
    case Refusal::kBadSignature:
      return "bad-signature";
    case Refusal::kExpired:
      return "expired";
    case Refusal::kWrongPurpose:
      return "wrong-purpose";
  }
  return "?";
}

Signer::Signer(std::vector<config::LinkKey> keys) {
  if (keys.empty()) throw std::invalid_argument("no link signing key configured (links.keys)");
  for (auto& k : keys) {
    // Two keys from one secret, so the MAC key never encrypts.
    keys_.push_back(
        {k.id, hmac(k.secret, "herald link mac v1"), hmac(k.secret, "herald link enc v1")});
  }
}

std::string Signer::sign(Purpose purpose, const LinkIds& ids, int64_t expires_ms) const {
  const Key& key = keys_.front();
  const std::string head = header(key.id);
  const std::string payload = encodePayload(purpose, ids, expires_ms);
  const std::string mac = hmac(key.mac_key, head + payload).substr(0, kMacBytes);
  return base64url(head + mac + aesCtr(key.enc_key, mac, payload));
}

Signer::Verified Signer::verify(std::string_view token, Purpose expected, int64_t now_ms) const {
  Verified out;
  if (token.size() > kMaxToken) return out;
  const auto bytes = unbase64url(token);
  if (!bytes || bytes->size() < 2 || static_cast<uint8_t>((*bytes)[0]) != kVersion) return out;
  const size_t id_len = static_cast<uint8_t>((*bytes)[1]);
  if (bytes->size() < 2 + id_len + kMacBytes + 1) return out;
  const std::string_view id = std::string_view(*bytes).substr(2, id_len);
  const Key* key = nullptr;
  for (const auto& k : keys_)
    if (k.id == id) key = &k;
  if (key == nullptr) {
    out.refusal = Refusal::kUnknownKey;
    return out;
  }
  const std::string_view mac = std::string_view(*bytes).substr(2 + id_len, kMacBytes);
  const std::string payload =
      aesCtr(key->enc_key, mac, std::string_view(*bytes).substr(2 + id_len + kMacBytes));
  const std::string want = hmac(key->mac_key, header(id) + payload);
  if (CRYPTO_memcmp(want.data(), mac.data(), kMacBytes) != 0) {
    out.refusal = Refusal::kBadSignature;
    return out;
  }
  auto link = decodePayload(payload);
  if (!link) return out;  // signed by us yet unreadable: a newer format
  if (link->purpose != expected) {
    out.refusal = Refusal::kWrongPurpose;
    return out;
  }
  if (link->expires_ms <= now_ms) {
    out.refusal = Refusal::kExpired;
    return out;
  }
  link->key_id = std::string(id);
  out.link = std::move(link);
  return out;
}

std::string linkUrl(std::string_view base_url, Purpose purpose, std::string_view token) {
  std::string url(base_url);
  while (url.ends_with('/')) url.pop_back();
  url += purpose == Purpose::kUnsubscribe ? "/u/" : purpose == Purpose::kOpen ? "/o/" : "/c/";
  url += token;
  return url;
}

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16 |
                       static_cast<uint8_t>(bytes[i + 1]) << 8 | static_cast<uint8_t>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> unbase64url(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, so each token has exactly one spelling.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace herald::links
