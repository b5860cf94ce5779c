#pragma once
// Reading a delivery status notification (RFC 3464): the report a mail
// server sends back to the envelope sender when it could not deliver (or
// delays) a message. A DSN is a multipart/report; report-type=
// delivery-status whose message/delivery-status part has one group of
// fields per recipient (Final-Recipient, Action, Status, Diagnostic-Code),
// and which usually quotes the original message or its headers
// (text/rfc822-headers or message/rfc822): its Message-ID names the
// delivery (herald/message_id.hpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::bounces {

struct DsnRecipient {
  std::string address;     // Final-Recipient (or Original-Recipient), without "rfc822;"
  std::string action;      // failed | delayed | delivered | relayed | expanded (lower case)
  std::string status;      // "5.1.1"
  std::string diagnostic;  // Diagnostic-Code without its type ("550 5.1.1 no such user")
};

struct Dsn {
  std::vector<DsnRecipient> recipients;
  std::optional<std::string> original_message_id;  // with angle brackets, as quoted
};

// nullopt when `message` is not a delivery status notification.
std::optional<Dsn> parseDsn(std::string_view message);

// A hard bounce: the address does not exist or refuses mail for good
// (status class 5), but not 5.7.x, which is the sending side's problem
// (policy, authentication, reputation) and says nothing about the address.
bool isHardBounce(const DsnRecipient& r);

}  // namespace herald::bounces
