#pragma once
// Reading an SMTP server's replies (RFC 5321 §4.2): a reply is one or more
// lines "CODE-text" ending with "CODE text"; with ENHANCEDSTATUSCODES
// (RFC 2034) each line's text starts with "class.subject.detail".
#include <string>
#include <string_view>
#include <vector>

#include "net/smtp_client.hpp"

namespace herald::net {

// Collects the lines of one reply.
class SmtpReplyReader {
 public:
  enum class Step { kMore, kDone, kMalformed };

  // `line` without its CRLF. After kDone or kMalformed, take() or reset().
  Step addLine(std::string_view line);

  // The reply read so far, its lines' texts joined by "\n";
  // `enhanced_codes`: the server announced ENHANCEDSTATUSCODES, so each
  // line's leading code is split off.
  SmtpReply take(bool enhanced_codes);

 private:
  int code_ = 0;
  std::vector<std::string> lines_;
};

// "2.1.5" when `text` starts with an RFC 3463 code whose class matches the
// reply's first digit (followed by a space or the end), else "".
std::string_view enhancedStatusPrefix(std::string_view text, int reply_code);

// What an EHLO reply announced (the keywords Herald uses).
struct SmtpExtensions {
  bool starttls = false;
  bool pipelining = false;
  bool enhanced_status_codes = false;
  bool eight_bit_mime = false;
  bool smtputf8 = false;
  bool auth_plain = false;
  bool auth_login = false;
  std::string auth_mechanisms;  // as announced, for error messages
};
// `ehlo`: EHLO's 250 reply (its first line is the greeting, then one
// keyword line each).
SmtpExtensions parseEhloReply(const SmtpReply& ehlo);

// A reply as one line for error messages: "550 5.1.1 no such user".
std::string describeReply(const SmtpReply& reply);

}  // namespace herald::net
