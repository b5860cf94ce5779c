#include "template/markup.hpp"

namespace herald::tmpl {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isNameChar(char c) { return isNameStart(c) || isDigit(c) || c == '-'; }

}  // namespace

bool tokenizeMarkup(std::string_view m, size_t offset, std::vector<MarkupToken>& out,
                    MarkupError& error) {
  using K = MarkupToken::Kind;
  out.clear();
  size_t i = 0;
  auto push = [&](K kind, size_t start, size_t len) {
    out.push_back(MarkupToken{kind, m.substr(start, len), offset + start});
  };
  while (i < m.size()) {
    const char c = m[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (c == '\'' || c == '"') {
      const size_t close = m.find(c, i + 1);
      if (close == std::string_view::npos) {
        error.offset = offset + i;
        error.message = std::string("unterminated string: add the closing ") + c;
        return false;
      }
      out.push_back(MarkupToken{K::kString, m.substr(i + 1, close - i - 1), offset + i});
      i = close + 1;
      continue;
    }
    if (isDigit(c) || (c == '-' && i + 1 < m.size() && isDigit(m[i + 1]))) {
      size_t j = i + 1;
      while (j < m.size() && isDigit(m[j])) ++j;
      K kind = K::kInt;
      if (j + 1 < m.size() && m[j] == '.' && isDigit(m[j + 1])) {
        kind = K::kFloat;
        j += 1;
        while (j < m.size() && isDigit(m[j])) ++j;
      }
      push(kind, i, j - i);
      i = j;
      continue;
    }
    if (isNameStart(c)) {
      size_t j = i + 1;
      while (j < m.size() && isNameChar(m[j])) ++j;
      if (j < m.size() && m[j] == '?') ++j;
      push(K::kName, i, j - i);
      i = j;
      continue;
    }
    const char n = i + 1 < m.size() ? m[i + 1] : '\0';
    switch (c) {
      case '.':
        if (n == '.') {
          push(K::kDotDot, i, 2);
          i += 2;
        } else {
          push(K::kDot, i, 1);
          ++i;
        }
        continue;
      case '[':
        push(K::kLBracket, i, 1);
        ++i;
        continue;
      case ']':
        push(K::kRBracket, i, 1);
        ++i;
        continue;
      case '(':
        push(K::kLParen, i, 1);
        ++i;
        continue;
      case ')':
        push(K::kRParen, i, 1);
        ++i;
        continue;
      case '|':
        push(K::kPipe, i, 1);
        ++i;
        continue;
      case ':':
        push(K::kColon, i, 1);
        ++i;
        continue;
      case ',':
        push(K::kComma, i, 1);
        ++i;
        continue;
      case '=':
        if (n == '=') {
          push(K::kCompare, i, 2);
          i += 2;
        } else {
          push(K::kAssign, i, 1);
          ++i;
        }
        continue;
      case '!':
        if (n == '=') {
          push(K::kCompare, i, 2);
          i += 2;
          continue;
        }
        break;
      case '<':
        if (n == '=' || n == '>') {
          push(K::kCompare, i, 2);
          i += 2;
        } else {
          push(K::kCompare, i, 1);
          ++i;
        }
        continue;
      case '>':
        if (n == '=') {
          push(K::kCompare, i, 2);
          i += 2;
        } else {
          push(K::kCompare, i, 1);
          ++i;
        }
        continue;
      default:
        break;
    }
    error.offset = offset + i;
    error.message = std::string("unexpected character '") + c + "'";
    return false;
  }
  out.push_back(MarkupToken{K::kEnd, {}, offset + m.size()});
  return true;
}

std::string describeToken(const MarkupToken& t) {
  switch (t.kind) {
    case MarkupToken::Kind::kEnd:
      return "the end of the tag";
    case MarkupToken::Kind::kString:
      return "the string '" + std::string(t.text) + "'";
    default:
      return "'" + std::string(t.text) + "'";
  }
}

}  // namespace herald::tmpl
