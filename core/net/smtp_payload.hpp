#pragma once
// The bytes sent after DATA's 354 (RFC 5321 §4.5.2): every line end made
// CRLF (a bare LF or CR is one), each line starting with '.' given a second
// '.', the message ending with CRLF, then the ".\r\n" that ends it.
#include <string>
#include <string_view>

namespace herald::net {

std::string smtpDataPayload(std::string_view message);

// True when `text` holds a byte above 0x7F (MAIL FROM then says
// BODY=8BITMIME where the server offers it).
bool hasEightBitBytes(std::string_view text);

}  // namespace herald::net
