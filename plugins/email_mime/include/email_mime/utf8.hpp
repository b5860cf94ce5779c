#pragma once
// UTF-8 facts the encoders need: where a character ends, so that no encoded
// word or line break ever splits one.
#include <cstddef>
#include <string_view>

namespace herald::email_mime {

// Length of the UTF-8 sequence starting at s[i] (1 for an invalid byte).
size_t utf8CharLength(std::string_view s, size_t i);

// Number of Unicode code points in UTF-8 text (invalid bytes count as one).
size_t codePoints(std::string_view utf8);

// True when every byte is printable ASCII (0x20..0x7e).
bool isPrintableAscii(std::string_view s);

}  // namespace herald::email_mime
