#include "template/html_escape.hpp"

#include <array>

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
  for (; p != end; ++p) {
    if (!kSpecial[static_cast<unsigned char>(*p)]) continue;
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
    run = p + 1;
  }
  out.append(run, end);
}

}  // namespace herald::tmpl
