#pragma once
// The pieces of RFC 5322 / RFC 2045-2047 the outbox needs to write a correct
// message: address parsing and formatting, encoded-word headers, header
// folding, quoted-printable bodies and dates.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::outbox {

// A mailbox: an optional display name (UTF-8) and an addr-spec.
struct Address {
  std::string name;
  std::string addr;
};

// True for a plain ASCII addr-spec local@domain (dot-atom local part, domain
// of letters, digits, hyphens and dots). Stricter than RFC 5322 on purpose:
// anything else is almost always a data error.
bool validAddrSpec(std::string_view addr);

// Parses "addr", "Name <addr>" or "\"Name, Inc.\" <addr>". On failure returns
// nullopt and sets `error` to what is wrong.
std::optional<Address> parseAddress(std::string_view text, std::string& error);

// Replaces control characters (CR, LF, TAB...) by spaces and trims: header
// values built from contact data must never inject a header line.
std::string sanitizeHeaderText(std::string_view text);

// The mailbox as a header value: addr alone, or a phrase (atoms, a quoted
// string, or RFC 2047 encoded-words when it is not ASCII) then <addr>.
// `first_column`: see encodeHeaderText.
std::string formatAddress(const Address& address, size_t first_column = 0);

// An unstructured header value (Subject): unchanged when printable ASCII,
// else a sequence of RFC 2047 "Q" encoded-words in UTF-8, never splitting a
// character, separated by spaces where headerLine() may fold. Every line
// holding encoded-words must stay within 76 characters (RFC 2047 2), so the
// first word is shortened by `first_column`, the length of "Name: ".
std::string encodeHeaderText(std::string_view utf8, size_t first_column = 0);

// "Name: value" folded at spaces so that lines stay within 78 characters
// where possible, CRLF-terminated.
std::string headerLine(std::string_view name, std::string_view value);

// Quoted-printable (RFC 2045 6.7) with CRLF line breaks: any input line break
// (LF, CRLF, CR) becomes a hard break; lines are at most 76 characters.
std::string quotedPrintable(std::string_view data);

// "Tue, 14 Nov 2023 22:13:20 +0000" for a Unix time in milliseconds (UTC).
std::string rfc5322Date(int64_t unix_ms);

// "2023-11-14T22:13:20.000Z".
std::string iso8601Utc(int64_t unix_ms);

// Number of Unicode code points in UTF-8 text (invalid bytes count as one).
size_t codePoints(std::string_view utf8);

}  // namespace herald::outbox
