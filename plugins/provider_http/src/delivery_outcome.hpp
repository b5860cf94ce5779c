#pragma once
// What one contact's delivery came to, from an HTTP email provider's answer.
// The same classes for every provider: 2xx sent; 429 and 5xx "not now"
// (RetryAfter, honouring Retry-After: throttling is never a failure, and
// core's rate control sets the pace); other 4xx the provider refused this
// message (a permanent failure carrying the provider's own words); a
// transport error the host calls retryable is "not now" too.
#include <cstdint>
#include <herald/sdk.hpp>
#include <string>
#include <string_view>

namespace herald::provider {

// Retry-After as milliseconds: delta-seconds or an HTTP-date (RFC 9110
// 10.2.3) relative to `now_ms`; `fallback_ms` when absent or unreadable.
// At least 1 s, at most an hour (a provider's typo must not park a contact
// for a week).
int64_t retryAfterMs(std::string_view header, int64_t now_ms, int64_t fallback_ms);

struct Answer {
  std::string_view provider;  // "sendgrid": prefixes every reason
  std::string_view id_var;    // the journey variable for the provider's message id
  std::string message_id;     // read from a 2xx answer by the provider's code
  std::string error_text;     // the provider's own message, read from a 4xx/5xx body
};

herald::Outcome deliveryOutcome(const herald::HttpResponse& r, const Answer& answer,
                                int64_t now_ms);

}  // namespace herald::provider
