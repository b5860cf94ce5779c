#pragma once
// Content-Transfer-Encodings of a text part (RFC 2045 6): every line ASCII,
// CRLF-terminated and at most 76 characters, whatever the text holds.
#include <string>
#include <string_view>

namespace herald::email_mime {

// Quoted-printable (RFC 2045 6.7) with CRLF line breaks: any input line break
// (LF, CRLF, CR) becomes a hard break; lines are at most 76 characters.
std::string quotedPrintable(std::string_view data);

struct EncodedBody {
  const char* encoding;  // "quoted-printable" or "base64"
  std::string text;      // CRLF-terminated lines
};

// Quoted-printable while it is the smaller of the two (text mostly in Latin
// script stays readable in the raw message), else base64: Korean or Japanese
// text would take three bytes per byte in quoted-printable, 1.33 in base64.
// Line breaks become CRLF first, so both encodings carry the same text.
EncodedBody encodeBody(std::string_view utf8);

}  // namespace herald::email_mime
