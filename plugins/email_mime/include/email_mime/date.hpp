#pragma once
// Dates as email and logs write them, from the engine's clock (Unix ms, UTC).
#include <cstdint>
#include <string>

namespace herald::email_mime {

// "Tue, 14 Nov 2023 22:13:20 +0000" (RFC 5322 3.3).
std::string rfc5322Date(int64_t unix_ms);

// "2023-11-14T22:13:20.000Z".
std::string iso8601Utc(int64_t unix_ms);

}  // namespace herald::email_mime
