#include "template/lexer.hpp"

#include <algorithm>

namespace herald::tmpl {
namespace {

bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9'); }

// The end of the {% endraw %} that closes a raw block starting at `from`,
// and where that tag begins; npos when there is none.
size_t findEndRaw(std::string_view src, size_t from, size_t& tag_start) {
  size_t pos = from;
  while ((pos = src.find("{%", pos)) != std::string_view::npos) {
    size_t p = pos + 2;
    if (p < src.size() && src[p] == '-') ++p;
    while (p < src.size() && isLiquidSpace(src[p])) ++p;
    if (src.substr(p, 6) == "endraw") {
      p += 6;
      while (p < src.size() && isLiquidSpace(src[p])) ++p;
      if (p < src.size() && src[p] == '-') ++p;
      if (src.substr(p, 2) == "%}") {
        tag_start = pos;
        return p + 2;
      }
    }
    pos += 2;
  }
  return std::string_view::npos;
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && isLiquidSpace(s.back())) s.remove_suffix(1);
  return s;
}
std::string_view trimLeft(std::string_view s) {
  while (!s.empty() && isLiquidSpace(s.front())) s.remove_prefix(1);
  return s;
}

}  // namespace

bool lex(std::string_view src, std::vector<Token>& out, LexError& error) {
  out.clear();
  size_t pos = 0;
  // Text pieces must not be trimmed into (the body of raw): their index.
  std::vector<bool> verbatim;
  auto addText = [&](size_t from, size_t to, bool is_verbatim) {
    Token t;
    t.kind = Token::Kind::kText;
    t.text = src.substr(from, to - from);
    t.offset = from;
    out.push_back(t);
    verbatim.resize(out.size(), false);
    verbatim.back() = is_verbatim;
  };
  while (pos < src.size()) {
    size_t open = pos;
    for (;;) {
      open = src.find('{', open);
      if (open == std::string_view::npos || open + 1 >= src.size()) {
        open = std::string_view::npos;
        break;
      }
      if (src[open + 1] == '{' || src[open + 1] == '%') break;
      ++open;
    }
    if (open == std::string_view::npos) {
      addText(pos, src.size(), false);
      break;
    }
    if (open > pos) addText(pos, open, false);
    const bool is_output = src[open + 1] == '{';
    Token t;
    t.kind = is_output ? Token::Kind::kOutput : Token::Kind::kTag;
    t.offset = open;
    size_t inner = open + 2;
    if (inner < src.size() && src[inner] == '-') {
      t.trim_left = true;
      ++inner;
    }
    const std::string_view closer = is_output ? "}}" : "%}";
    const size_t close = src.find(closer, inner);
    if (close == std::string_view::npos) {
      error.offset = open;
      error.message = is_output ? "'{{' is never closed: add }}" : "'{%' is never closed: add %}";
      return false;
    }
    size_t inner_end = close;
    if (inner_end > inner && src[inner_end - 1] == '-') {
      t.trim_right = true;
      --inner_end;
    }
    pos = close + 2;
    std::string_view markup = src.substr(inner, inner_end - inner);
    size_t markup_offset = inner;
    if (!is_output) {
      size_t p = 0;
      while (p < markup.size() && isLiquidSpace(markup[p])) ++p;
      size_t name_start = p;
      if (p < markup.size() && markup[p] == '#') {
        ++p;
      } else {
        while (p < markup.size() && isNameChar(markup[p])) ++p;
      }
      t.name = markup.substr(name_start, p - name_start);
      markup_offset += p;
      markup.remove_prefix(p);
    }
    t.text = markup;
    t.markup_offset = markup_offset;
    out.push_back(t);
    verbatim.resize(out.size(), false);
    if (!is_output && t.name == "raw") {
      size_t end_tag = 0;
      const size_t end = findEndRaw(src, pos, end_tag);
      if (end == std::string_view::npos) {
        error.offset = open;
        error.message = "'{% raw %}' is never closed: add {% endraw %}";
        return false;
      }
      if (end_tag > pos) addText(pos, end_tag, true);
      Token e;
      e.kind = Token::Kind::kTag;
      e.name = "endraw";
      e.offset = end_tag;
      e.markup_offset = end - 2;
      e.trim_left = src[end_tag + 2] == '-';
      // Liquid ignores -%} on endraw.
      e.trim_right = false;
      out.push_back(e);
      verbatim.resize(out.size(), false);
      pos = end;
    }
  }
  // Whitespace control: a dash trims the whitespace on its side up to the
  // next non-space character.
  for (size_t i = 0; i < out.size(); ++i) {
    Token& t = out[i];
    if (t.kind != Token::Kind::kText || verbatim[i]) continue;
    if (i > 0 && out[i - 1].trim_right) {
      const size_t before = t.text.size();
      t.text = trimLeft(t.text);
      t.offset += before - t.text.size();
    }
    if (i + 1 < out.size() && out[i + 1].trim_left) t.text = trimRight(t.text);
  }
  return true;
}

}  // namespace herald::tmpl
