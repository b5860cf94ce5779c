#pragma once
// What one message came to, from the Messages API's answer:
//   201            sent: the message SID, with the segments and encoding
//   429, 5xx       nothing sent: RetryAfter, honouring Retry-After
//   401, 403       the account's credentials: a retryable failure (an
//                  operator fixes herald.yaml; no contact is at fault)
//   other 4xx      Twilio's {"code", "message"}: a failure with its message;
//                  21211 (invalid 'To') and 21610 (the recipient replied
//                  STOP to this sender) also suppress the number
//   transport      retryable when libcurl says a retry may help
#include <herald/sdk.hpp>
#include <string>

#include "sms_encoding.hpp"

namespace herald::twilio {

struct TwilioAnswer {
  Outcome outcome;
  std::string suppress_reason{};  // non-empty: suppress the recipient's number
};

TwilioAnswer readTwilioAnswer(const HttpResponse& response, const SmsEncoding& encoding);

// Retry-After in delta-seconds, as milliseconds; `fallback_ms` when absent or
// unreadable (Twilio sends no HTTP-dates).
int64_t retryAfterMs(const std::string& header, int64_t fallback_ms);

}  // namespace herald::twilio
