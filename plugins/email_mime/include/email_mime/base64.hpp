#pragma once
// Base64 (RFC 4648, with padding): encoded-words, bodies and DKIM tags.
#include <cstddef>
#include <string>
#include <string_view>

namespace herald::email_mime {

// One unbroken line.
std::string base64(std::string_view data);

// Characters base64() makes of `bytes` bytes.
constexpr size_t base64Length(size_t bytes) { return (bytes + 2) / 3 * 4; }

// A body's Content-Transfer-Encoding: base64 in CRLF-terminated lines of 76
// characters (RFC 2045 6.8).
std::string base64Lines(std::string_view data);

}  // namespace herald::email_mime
