#pragma once
// What one message came to, from the Messages API's answer, in the classes
// every HTTP provider plugin shares (provider_http's deliveryOutcome: 2xx
// sent, 429/5xx and retryable transport errors "not now" honouring
// Retry-After, other 4xx failed with the provider's words), plus Twilio's
// part:
//   201        the message SID, segments and encoding recorded with the
//              delivery ("SM… segments=2 encoding=gsm7") and as variables
//   4xx        Twilio's {"code", "message"} in the reason; 21211 (invalid
//              'To') and 21610 (the recipient replied STOP to this sender)
//              also suppress the number
#include <herald/sdk.hpp>
#include <string>

#include "sms_encoding.hpp"

namespace herald::twilio {

struct TwilioAnswer {
  Outcome outcome;
  std::string suppress_reason{};  // non-empty: suppress the recipient's number
};

TwilioAnswer readTwilioAnswer(const HttpResponse& response, const SmsEncoding& encoding,
                              int64_t now_ms);

}  // namespace herald::twilio
