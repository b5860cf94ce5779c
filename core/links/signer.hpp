#pragma once
// Signed public links: what the unsubscribe, open-pixel and click URLs carry.
//
// A token is base64url (no padding) of
//   version(1) | key id length(1) | key id | MAC(16) | ciphertext
// where MAC = HMAC-SHA256(mac key, version | key id | payload) truncated to
// 16 bytes, and the ciphertext is the payload under AES-256-CTR with the MAC
// as IV (a deterministic SIV construction), so no contact id, workflow or
// URL can be read from a link. Both keys are derived from the configured
// secret with HMAC-SHA256. The payload is compact binary: purpose, expiry
// (Unix seconds), contact id, occurrence (varints), then workflow, revision
// (32 raw bytes when it is a SHA-256 hex digest), step and, for clicks, the
// target URL (length-prefixed).
//
// The key id travels in clear so keys rotate: the first configured key
// signs, every configured key verifies (config `links.keys`).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/http_config.hpp"

namespace herald::links {

enum class Purpose : uint8_t { kUnsubscribe = 1, kOpen = 2, kClick = 3 };
const char* toString(Purpose p);

// Whom and what a link is about: the delivery (send) it was written into.
struct LinkIds {
  int64_t contact_id = 0;
  std::string workflow;
  std::string revision;
  std::string step;
  int32_t occurrence = 0;  // with the four above: the send ledger key
  std::string url;         // kClick: where the link goes; empty otherwise
};

struct Link {
  Purpose purpose = Purpose::kUnsubscribe;
  LinkIds ids;
  int64_t expires_ms = 0;
  std::string key_id;  // the key that signed it
};

// Why a token was refused (each answered 4xx by the public listener).
enum class Refusal { kMalformed, kUnknownKey, kBadSignature, kExpired, kWrongPurpose };
const char* toString(Refusal r);

class Signer {
 public:
  // Throws std::invalid_argument when `keys` is empty.
  explicit Signer(std::vector<config::LinkKey> keys);

  // A URL-safe token for `ids`, signed by the first key, valid until
  // `expires_ms` (Unix ms; stored to the second).
  std::string sign(Purpose purpose, const LinkIds& ids, int64_t expires_ms) const;

  struct Verified {
    std::optional<Link> link;
    Refusal refusal = Refusal::kMalformed;  // when !link
  };
  // Checks the MAC in constant time, then the purpose and the expiry
  // against `now_ms`.
  Verified verify(std::string_view token, Purpose expected, int64_t now_ms) const;

 private:
  struct Key {
    std::string id;
    std::string mac_key;
    std::string enc_key;
  };
  std::vector<Key> keys_;
};

// The public URL of a token: BASE_URL/u/TOKEN (unsubscribe), /o/TOKEN (open
// pixel), /c/TOKEN (click), as the public listener serves them.
std::string linkUrl(std::string_view base_url, Purpose purpose, std::string_view token);

// base64url without padding (RFC 4648 §5), shared by the tokens and tests.
std::string base64url(std::string_view bytes);
std::optional<std::string> unbase64url(std::string_view text);

}  // namespace herald::links
