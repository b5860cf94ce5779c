#include "delivery_outcome.hpp"

#include <charconv>
#include <ctime>

namespace herald::provider {
namespace {

constexpr int64_t kMinRetryMs = 1000;
constexpr int64_t kMaxRetryMs = 3600 * 1000;
// A transport error (refused, reset, timeout): the provider may be back soon.
constexpr int64_t kTransportRetryMs = 2000;
constexpr int64_t kServerErrorRetryMs = 5000;

int64_t clampRetry(int64_t ms) {
  return ms < kMinRetryMs ? kMinRetryMs : ms > kMaxRetryMs ? kMaxRetryMs : ms;
}

}  // namespace

int64_t retryAfterMs(std::string_view header, int64_t now_ms, int64_t fallback_ms) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  if (header.empty()) return clampRetry(fallback_ms);
  int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec == std::errc() && end == header.data() + header.size()) return clampRetry(seconds * 1000);
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(header);
  const char* rest = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (rest == nullptr || *rest != '\0') return clampRetry(fallback_ms);
  return clampRetry(static_cast<int64_t>(timegm(&tm)) * 1000 - now_ms);
}

herald::Outcome deliveryOutcome(const herald::HttpResponse& r, const Answer& answer,
                                int64_t now_ms) {
  const std::string provider(answer.provider);
  if (r.transport_error) {
    if (r.retryable)
      return herald::RetryAfter{kTransportRetryMs, provider + " unreachable: " + r.error};
    // A bad URL or a certificate that does not verify: no retry cures it.
    return herald::Fail{provider + " request failed: " + r.error, false};
  }
  if (r.status >= 200 && r.status < 300) {
    herald::Continue sent;
    if (!answer.message_id.empty()) sent.vars[std::string(answer.id_var)] = answer.message_id;
    return sent;
  }
  if (r.status == 429)
    return herald::RetryAfter{retryAfterMs(r.header("retry-after"), now_ms, kMinRetryMs),
                              provider + " rate limit (429)"};
  if (r.status >= 500)
    return herald::RetryAfter{
        retryAfterMs(r.header("retry-after"), now_ms, kServerErrorRetryMs),
        provider + " answered " + std::to_string(r.status) + ": " + answer.error_text};
  return herald::Fail{
      provider + " refused the message (" + std::to_string(r.status) + "): " + answer.error_text,
      false};
}

}  // namespace herald::provider
