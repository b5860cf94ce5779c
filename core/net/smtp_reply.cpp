#include "net/smtp_reply.hpp"

#include <cctype>

namespace herald::net {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Reads 1-3 digits at `pos`; returns the position after them or npos.
std::size_t skipDigits(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && end - pos < 3 && isDigit(text[end])) ++end;
  return end == pos ? std::string_view::npos : end;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

SmtpReplyReader::Step SmtpReplyReader::addLine(std::string_view line) {
  if (line.size() < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2])) {
    return Step::kMalformed;
  }
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!lines_.empty() && code != code_) return Step::kMalformed;
  code_ = code;
  const char separator = line.size() > 3 ? line[3] : ' ';
  if (separator != ' ' && separator != '-') return Step::kMalformed;
  lines_.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
  return separator == '-' ? Step::kMore : Step::kDone;
}

SmtpReply SmtpReplyReader::take(bool enhanced_codes) {
  SmtpReply reply;
  reply.code = code_;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    std::string_view text = lines_[i];
    if (enhanced_codes) {
      const std::string_view prefix = enhancedStatusPrefix(text, code_);
      if (!prefix.empty()) {
        if (reply.enhanced.empty()) reply.enhanced = prefix;
        text.remove_prefix(prefix.size());
        if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      }
    }
    if (i > 0) reply.text += '\n';
    reply.text += text;
  }
  code_ = 0;
  lines_.clear();
  return reply;
}

std::string_view enhancedStatusPrefix(std::string_view text, int reply_code) {
  if (text.size() < 5 || text[0] != static_cast<char>('0' + reply_code / 100) || text[1] != '.') {
    return {};
  }
  std::size_t pos = skipDigits(text, 2);
  if (pos == std::string_view::npos || pos >= text.size() || text[pos] != '.') return {};
  pos = skipDigits(text, pos + 1);
  if (pos == std::string_view::npos || (pos < text.size() && text[pos] != ' ')) return {};
  return text.substr(0, pos);
}

SmtpExtensions parseEhloReply(const SmtpReply& ehlo) {
  SmtpExtensions found;
  const std::string text = upper(ehlo.text);
  std::size_t start = text.find('\n');
  while (start != std::string::npos) {
    const std::size_t end = text.find('\n', start + 1);
    const std::string line =
        text.substr(start + 1, end == std::string::npos ? end : end - start - 1);
    start = end;
    const std::string_view keyword = std::string_view(line).substr(0, line.find(' '));
    if (keyword == "STARTTLS") found.starttls = true;
    if (keyword == "PIPELINING") found.pipelining = true;
    if (keyword == "ENHANCEDSTATUSCODES") found.enhanced_status_codes = true;
    if (keyword == "8BITMIME") found.eight_bit_mime = true;
    if (keyword == "SMTPUTF8") found.smtputf8 = true;
    if (keyword == "AUTH" && line.size() > 5) {
      found.auth_mechanisms = line.substr(5);
      const std::string padded = " " + found.auth_mechanisms + " ";
      found.auth_plain = padded.find(" PLAIN ") != std::string::npos;
      found.auth_login = padded.find(" LOGIN ") != std::string::npos;
    }
  }
  return found;
}

std::string describeReply(const SmtpReply& reply) {
  std::string out = std::to_string(reply.code);
  if (!reply.enhanced.empty()) out += ' ' + reply.enhanced;
  if (!reply.text.empty()) {
    out += ' ';
    for (char c : reply.text) out += c == '\n' ? ' ' : c;
  }
  return out;
}

}  // namespace herald::net
