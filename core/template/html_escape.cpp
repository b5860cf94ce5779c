#include "template/html_escape.hpp"

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace herald::tmpl {
namespace {

// Bit i set when p[i] (i < n <= 16) is one of & < > " '.
unsigned specialMask(const char* p, size_t n) {
#if defined(__SSE2__)
  __m128i v;
  if (n == 16) {
    v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  } else {
    alignas(16) char buf[16] = {};  // zero padding is never special
    std::memcpy(buf, p, n);
    v = _mm_load_si128(reinterpret_cast<const __m128i*>(buf));
  }
  const __m128i hit = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')), _mm_cmpeq_epi8(v, _mm_set1_epi8('<'))),
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')),
                                _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\''))));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
#else
  unsigned mask = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') mask |= 1u << i;
  }
  return mask;
#endif
}

}  // namespace

void appendHtmlEscaped(std::string& out, std::string_view s) {
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;  // the start of what is not written yet
  while (p < end) {
    const size_t n = static_cast<size_t>(end - p) < 16 ? static_cast<size_t>(end - p) : 16;
    const unsigned mask = specialMask(p, n);
    if (mask == 0) {
      p += n;
      continue;
    }
    p += __builtin_ctz(mask);
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
