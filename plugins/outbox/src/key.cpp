#include "key.hpp"

#include <cstdio>

namespace herald::outbox {
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

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string KeyHash::hex() const { return hex64(hi) + hex64(lo); }

KeyHash hashKey(std::string_view key) {
  return {fnv1a(key, 0xcbf29ce484222325ULL), fnv1a(key, 0x84222325cbf29ce4ULL)};
}

std::string messageFileName(std::string_view key) {
  // Ledger keys look like workflow/revision/step/contact/occurrence, with a
  // 64-digit revision: shortening each part keeps the name readable and the
  // contact visible; the hash keeps it unique.
  constexpr size_t kPart = 16;
  constexpr size_t kReadable = 100;
  std::string name;
  size_t part = 0;
  for (char c : key) {
    if (name.size() >= kReadable) break;
    if (c == '/') {
      name += '_';
      part = 0;
      continue;
    }
    if (part++ >= kPart) continue;
    const auto u = static_cast<unsigned char>(c);
    const bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                      c == '_' || c == '-';
    name += keep ? c : '_';
  }
  const KeyHash h = hashKey(key);
  return name + "." + hex64(h.hi) + ".eml";
}

}  // namespace herald::outbox
