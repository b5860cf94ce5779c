#pragma once
// Reads an HTTP Retry-After value (RFC 9110 §10.2.3): delay-seconds or an
// HTTP-date. nullopt when absent or unreadable; a date in the past is 0.
#include <chrono>
#include <optional>
#include <string_view>

#include "net/http_client.hpp"

namespace herald::net {

std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

// The Retry-After header of an answer (case-insensitive name), parsed.
std::optional<std::chrono::milliseconds> retryAfterOf(const Headers& headers,
                                                      std::chrono::system_clock::time_point now);

}  // namespace herald::net
