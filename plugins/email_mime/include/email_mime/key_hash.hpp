#pragma once
// A stable 128-bit name for a send-ledger key: the same key always yields the
// same MIME boundary (and the outbox's file name), which keeps a re-delivered
// message byte for byte the same.
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::email_mime {

// Two seeded FNV-1a passes with a splitmix64 finalizer, stable across runs,
// builds and machines. Not cryptographic: it only has to keep distinct keys
// apart.
struct KeyHash {
  uint64_t hi = 0;
  uint64_t lo = 0;
  bool operator==(const KeyHash&) const = default;
  std::string hex() const;  // 32 lowercase hex digits
};

KeyHash hashKey(std::string_view key);

// 16 lowercase hex digits.
std::string hex64(uint64_t v);

}  // namespace herald::email_mime
