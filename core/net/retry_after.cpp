#include "net/retry_after.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace herald::net {

std::optional<std::chrono::milliseconds> parseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
    value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    // Beyond a day is a provider's bug; a day is as long as we wait.
    return std::chrono::milliseconds(std::min<long long>(seconds, 86400) * 1000);
  }
  // An HTTP-date; libcurl's parser reads the three formats RFC 9110 allows.
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const auto delta = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(delta));
}

std::optional<std::chrono::milliseconds> retryAfterOf(const Headers& headers,
                                                      std::chrono::system_clock::time_point now) {
  for (const auto& [name, value] : headers) {
    if (name.size() == 11 &&
        std::equal(name.begin(), name.end(), "retry-after",
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return parseRetryAfter(value, now);
  }
  return std::nullopt;
}

}  // namespace herald::net
