#include "sms_encoding.hpp"

#include <cstdint>
#include <vector>

namespace herald::twilio {
namespace {

// GSM 03.38 default alphabet, as Unicode (the escape 0x1B left out).
constexpr std::u32string_view kGsmBasic =
    U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    U"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
// The extension table: each costs an escape septet plus its own.
constexpr std::u32string_view kGsmExtension = U"\f^{}\\[~]|€";

// Septets for `c` in GSM-7, or 0 when it has no GSM-7 form.
size_t gsmSeptets(char32_t c) {
  if (kGsmBasic.find(c) != std::u32string_view::npos) return 1;
  if (kGsmExtension.find(c) != std::u32string_view::npos) return 2;
  return 0;
}

// Decodes UTF-8; an invalid or truncated sequence becomes U+FFFD.
std::vector<char32_t> codePoints(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80           ? 1
                 : (b >> 5) == 0x6  ? 2
                 : (b >> 4) == 0xE  ? 3
                 : (b >> 3) == 0x1E ? 4
                                    : 0;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      ok = (cont & 0xC0) == 0x80;
      c = (c << 6) | (cont & 0x3F);
    }
    if (!ok || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(c);
    i += len;
  }
  return out;
}

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// Segments for characters costing `costs` units each: one when all fit in
// `single`, else filled greedily `part` units at a time, a character never
// split between two.
size_t countSegments(const std::vector<size_t>& costs, size_t total, size_t single, size_t part) {
  if (total == 0) return 0;
  if (total <= single) return 1;
  size_t segments = 1;
  size_t used = 0;
  for (size_t cost : costs) {
    if (used + cost > part) {
      ++segments;
      used = 0;
    }
    used += cost;
  }
  return segments;
}

}  // namespace

const char* encodingName(SmsEncodingKind kind) {
  return kind == SmsEncodingKind::kGsm7 ? "gsm7" : "ucs2";
}

SmsEncoding smsEncoding(std::string_view body) {
  const std::vector<char32_t> chars = codePoints(body);
  SmsEncoding out;
  std::vector<size_t> costs;
  costs.reserve(chars.size());
  for (char32_t c : chars) {
    const size_t septets = gsmSeptets(c);
    if (septets == 0) {
      out.kind = SmsEncodingKind::kUcs2;
      out.ucs2_because = utf8(c);
      break;
    }
    costs.push_back(septets);
    out.units += septets;
  }
  if (out.kind == SmsEncodingKind::kGsm7) {
    out.segments = countSegments(costs, out.units, 160, 153);
    return out;
  }
  costs.clear();
  out.units = 0;
  for (char32_t c : chars) {
    const size_t units = c > 0xFFFF ? 2 : 1;  // a surrogate pair beyond the BMP
    costs.push_back(units);
    out.units += units;
  }
  out.segments = countSegments(costs, out.units, 70, 67);
  return out;
}

}  // namespace herald::twilio
