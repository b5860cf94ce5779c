#include "email_mime/key_hash.hpp"

#include <cstdio>

namespace herald::email_mime {
namespace {

// FNV-1a, then the splitmix64 finalizer for avalanche.
uint64_t fnv1a(std::string_view data, uint64_t basis) {
  uint64_t h = basis;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

}  // namespace

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string KeyHash::hex() const { return hex64(hi) + hex64(lo); }

KeyHash hashKey(std::string_view key) {
  return {fnv1a(key, 0xcbf29ce484222325ULL), fnv1a(key, 0x84222325cbf29ce4ULL)};
}

}  // namespace herald::email_mime
