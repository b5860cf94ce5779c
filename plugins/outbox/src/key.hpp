#pragma once
// Stable names derived from a send-ledger key: the same key always yields the
// same file name and Message-ID, which is what makes re-delivery idempotent.
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::outbox {

// A 128-bit hash (two seeded FNV-1a passes with a splitmix64 finalizer),
// stable across runs, builds and machines.
// Not cryptographic: it only has to keep distinct keys apart.
struct KeyHash {
  uint64_t hi = 0;
  uint64_t lo = 0;
  bool operator==(const KeyHash&) const = default;
  std::string hex() const;  // 32 lowercase hex digits
};

KeyHash hashKey(std::string_view key);

// "<readable part>.<16 hex digits>.eml": the key with '/' and every other
// character outside [A-Za-z0-9_-] replaced by '_', each '/'-separated part cut
// to 16 characters (at most 100 in all), then the hash. Safe in a maildir
// (no '/', no ':').
std::string messageFileName(std::string_view key);

}  // namespace herald::outbox
