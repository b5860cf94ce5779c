#pragma once
// The small encodings provider APIs ask for, through OpenSSL where it has them.
#include <optional>
#include <string>
#include <string_view>

namespace herald::provider {

std::string base64Encode(std::string_view bytes);
// Standard base64 (padding optional, white space ignored); nullopt when malformed.
std::optional<std::string> base64Decode(std::string_view text);
// application/x-www-form-urlencoded (RFC 1866 / WHATWG): unreserved as is, ' ' as '+'.
std::string formEncode(std::string_view text);
std::string hexEncode(std::string_view bytes);
// The domain part of an address ("" when there is no '@'), lower-cased.
std::string emailDomain(std::string_view address);

}  // namespace herald::provider
