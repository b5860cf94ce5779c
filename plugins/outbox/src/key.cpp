#include "key.hpp"

namespace herald::outbox {

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
  return name + "." + email_mime::hex64(h.hi) + ".eml";
}

}  // namespace herald::outbox
