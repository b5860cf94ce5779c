// HTML and URL filters: escape, escape_once, url_encode, url_decode,
// strip_html, newline_to_br, json.
#include "template/filters/builtins.hpp"
#include "template/html_escape.hpp"

namespace herald::tmpl::filters {
namespace {

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

// At s[i] == '&': an entity (&name; or &#123;) that escape_once keeps.
bool isEntity(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    const size_t start = j;
    while (j < s.size() && isDigit(s[j])) ++j;
    return j > start && j < s.size() && s[j] == ';';
  }
  const size_t start = j;
  while (j < s.size() && isAlpha(s[j])) ++j;
  return j > start && j < s.size() && s[j] == ';';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool validUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

// Removes every `open`...`close` span (non-greedy, like /open.*?close/m).
std::string removeSpans(std::string_view s, std::string_view open, std::string_view close) {
  std::string out;
  size_t from = 0;
  for (;;) {
    const size_t a = s.find(open, from);
    if (a == std::string_view::npos) break;
    const size_t b = s.find(close, a + open.size());
    if (b == std::string_view::npos) break;
    out += s.substr(from, a - from);
    from = b + close.size();
  }
  out += s.substr(from);
  return out;
}

}  // namespace

Value fEscape(const Value& in, Args, FilterEnv&) {
  if (in.isNil()) return {};
  const Str text(in);
  const std::string_view s = text.view;
  std::string out;
  out.reserve(s.size() + 16);
  appendHtmlEscaped(out, s);
  return Value::owned(std::move(out));
}

Value fEscapeOnce(const Value& in, Args, FilterEnv&) {
  const std::string s = toS(in);
  std::string out;
  out.reserve(s.size() + 16);
  // Escaped run by run; an `&` that starts an entity stays as it is.
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&' || !isEntity(s, i)) continue;
    appendHtmlEscaped(out, std::string_view(s).substr(run, i - run));
    out += '&';
    run = i + 1;
  }
  appendHtmlEscaped(out, std::string_view(s).substr(run));
  return Value::owned(std::move(out));
}

Value fUrlEncode(const Value& in, Args, FilterEnv&) {
  if (in.isNil()) return {};
  const Str text(in);
  const std::string_view s = text.view;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(s.size() * 3, '\0');  // the longest it can get; cut to size below
  char* w = out.data();
  for (char c : s) {
    if (isAlpha(c) || isDigit(c) || c == '_' || c == '.' || c == '-' || c == '~') {
      *w++ = c;
    } else if (c == ' ') {
      *w++ = '+';
    } else {
      const auto u = static_cast<unsigned char>(c);
      *w++ = '%';
      *w++ = kHex[u >> 4];
      *w++ = kHex[u & 15];
    }
  }
  out.resize(static_cast<size_t>(w - out.data()));
  return Value::owned(std::move(out));
}

Value fUrlDecode(const Value& in, Args, FilterEnv& env) {
  if (in.isNil()) return {};
  const std::string s = toS(in);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 &&
               hexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  if (!validUtf8(out))
    return fail(env, "url_decode", "the result is not valid UTF-8: \"" + s + "\"");
  return Value::owned(std::move(out));
}

Value fStripHtml(const Value& in, Args, FilterEnv&) {
  std::string s = toS(in);
  s = removeSpans(s, "<script", "</script>");
  s = removeSpans(s, "<!--", "-->");
  s = removeSpans(s, "<style", "</style>");
  return Value::owned(removeSpans(s, "<", ">"));
}

Value fNewlineToBr(const Value& in, Args, FilterEnv&) {
  const std::string s = toS(in);
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    if (s[i] == '\n')
      out += "<br />\n";
    else
      out += s[i];
  }
  return Value::owned(std::move(out));
}

Value fJson(const Value& in, Args, FilterEnv&) {
  return Value::owned(in.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace herald::tmpl::filters
