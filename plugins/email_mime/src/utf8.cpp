#include "email_mime/utf8.hpp"

namespace herald::email_mime {

size_t utf8CharLength(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  size_t n = 1;
  if (lead >= 0xf0 && lead <= 0xf4) {
    n = 4;
  } else if (lead >= 0xe0) {
    n = lead <= 0xef ? 3 : 1;
  } else if (lead >= 0xc2) {
    n = 2;
  }
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 1;
  }
  return n;
}

size_t codePoints(std::string_view utf8) {
  size_t n = 0;
  for (size_t i = 0; i < utf8.size(); i += utf8CharLength(utf8, i)) ++n;
  return n;
}

bool isPrintableAscii(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

}  // namespace herald::email_mime
