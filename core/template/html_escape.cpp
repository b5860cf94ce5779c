#include "template/html_escape.hpp"

#include <array>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace herald::tmpl {
namespace {

constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> t{};
  t['&'] = t['<'] = t['>'] = t['"'] = t['\''] = true;
  return t;
}();

}  // namespace

void appendHtmlEscaped(std::string& out, std::string_view s) {
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;
#if defined(__SSE2__)
  const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\'');
#endif
  for (;;) {
#if defined(__SSE2__)
    // 16 bytes at a time up to the next character to escape.
    while (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i hit =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                       _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)),
                                    _mm_cmpeq_epi8(v, apos)));
      const int mask = _mm_movemask_epi8(hit);
      if (mask != 0) {
        p += __builtin_ctz(static_cast<unsigned>(mask));
        break;
      }
      p += 16;
    }
#endif
    while (p != end && !kSpecial[static_cast<unsigned char>(*p)]) ++p;
    if (p == end) break;
    out.append(run, p);
    switch (*p) {
      case '&':
        out.append("&amp;", 5);
        break;
      case '<':
        out.append("&lt;", 4);
        break;
      case '>':
        out.append("&gt;", 4);
        break;
      case '"':
        out.append("&quot;", 6);
        break;
      default:
        out.append("&#39;", 5);
        break;
    }
    run = ++p;
  }
  out.append(run, end);
}

}  // namespace herald::tmpl
