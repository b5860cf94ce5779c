#include "email_mime/body.hpp"

#include "email_mime/base64.hpp"

namespace herald::email_mime {
namespace {

constexpr size_t kMaxQpLine = 76;
constexpr char kHex[] = "0123456789ABCDEF";

bool qpLiteral(unsigned char u) { return u >= 33 && u <= 126 && u != '='; }

std::string crlfLines(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 32);
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string quotedPrintable(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 8 + 8);
  size_t line = 0;
  const auto emit = [&](std::string_view token) {
    if (line + token.size() > kMaxQpLine - 1) {  // keep room for the soft break '='
      out += "=\r\n";
      line = 0;
    }
    out += token;
    line += token.size();
  };
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += "\r\n";
      line = 0;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    const bool at_line_end = i + 1 == data.size() || data[i + 1] == '\r' || data[i + 1] == '\n';
    char token[3] = {c, 0, 0};
    size_t length = 1;
    if (!(qpLiteral(u) || ((c == ' ' || c == '\t') && !at_line_end))) {
      token[0] = '=';
      token[1] = kHex[u >> 4];
      token[2] = kHex[u & 0xf];
      length = 3;
    }
    emit(std::string_view(token, length));
  }
  return out;
}

EncodedBody encodeBody(std::string_view utf8) {
  size_t escaped = 0;
  for (char c : utf8) {
    const auto u = static_cast<unsigned char>(c);
    if (!qpLiteral(u) && c != ' ' && c != '\r' && c != '\n' && c != '\t') ++escaped;
  }
  if (utf8.size() + 2 * escaped <= base64Length(utf8.size()))
    return {"quoted-printable", quotedPrintable(utf8)};
  return {"base64", base64Lines(crlfLines(utf8))};
}

}  // namespace herald::email_mime
