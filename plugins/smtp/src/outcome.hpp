#pragma once
// What one contact's SMTP submission came to: the engine's outcome, and
// whether the address is to be suppressed (a hard bounce).
#include <herald/sdk.hpp>
#include <optional>
#include <string>

namespace herald::smtp {

struct Delivery {
  Outcome outcome;
  // Set for a hard bounce: the reason the address goes on the suppression
  // list with (the server's reply).
  std::optional<std::string> suppress_reason;
};

// "550 5.1.1 <ann@example.com>: user unknown" (the reply as the server meant it).
std::string describeReply(const SmtpReply& reply);

// `text` with every occurrence of `address` (ASCII case-insensitive)
// replaced by "[recipient]": a suppression is stored against a salted hash of
// the address, so its reason must not hold the address in clear.
std::string withoutAddress(std::string text, std::string_view address);

// The server's id for an accepted message, from DATA's 2xx reply: Postfix's
// "queued as X", Exim's "id=X", else the reply text itself (at most 200
// characters).
std::string queueIdOf(const SmtpReply& data_reply);

// The outcome of submitting one message to one recipient:
//  - accepted (2xx after DATA): Continue, with smtp_queue_id and message_id
//    (`message_id` is passed through) in the journey's variables;
//  - 5xx to RCPT: a hard bounce, Fail with the reply and the address
//    suppressed; except RFC 3463 class 5.7 (security or policy: "relay
//    access denied", a blocked sender), which says nothing about the address
//    and only fails;
//  - 5xx to MAIL or DATA: Fail with the reply (the message, not the address);
//  - 4xx anywhere (greylisting, 421/451/452/454), or a transport error the
//    host calls retryable: RetryAfter `retry_ms`, not a failure;
//  - other transport errors (a certificate that does not verify, AUTH
//    refused): Fail, not retryable, with the host's error.
Delivery classify(const SmtpResult& result, const std::string& message_id, int64_t retry_ms);

}  // namespace herald::smtp
