// Canonicalization for DKIM (RFC 6376 3.4): what signer and verifier hash, so
// that whitespace changes on the way do not break a signature.
#include "email_mime/dkim.hpp"

namespace herald::email_mime {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// Appends `text` with every run of blanks made one space and trailing blanks
// dropped.
void appendCollapsed(std::string& out, std::string_view text) {
  bool pending_space = false;
  for (char c : text) {
    if (blank(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
}

}  // namespace

std::string relaxedBody(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  size_t empty_lines = 0;  // held back until a non-empty line proves they are not at the end
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find("\r\n", start);
    const bool last = end == std::string_view::npos;
    if (last) end = body.size();
    std::string line;
    appendCollapsed(line, body.substr(start, end - start));
    if (line.empty()) {
      ++empty_lines;
    } else {
      for (; empty_lines > 0; --empty_lines) out += "\r\n";
      out += line;
      out += "\r\n";
    }
    start = last ? body.size() : end + 2;
  }
  return out;
}

std::string relaxedHeader(std::string_view field) {
  const size_t colon = field.find(':');
  std::string_view name = field.substr(0, colon);
  while (!name.empty() && blank(name.back())) name.remove_suffix(1);
  std::string out;
  out.reserve(field.size());
  for (char c : name) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  out += ':';
  std::string unfolded;
  if (colon != std::string_view::npos) {
    for (char c : field.substr(colon + 1)) {
      if (c != '\r' && c != '\n') unfolded += c;
    }
  }
  std::string value;
  appendCollapsed(value, unfolded);
  out += value.starts_with(' ') ? value.substr(1) : value;
  out += "\r\n";
  return out;
}

}  // namespace herald::email_mime
