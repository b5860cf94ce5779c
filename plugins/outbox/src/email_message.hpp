#pragma once
// Composes one email as RFC 5322 text: the exact bytes written to the .eml
// file and shown as the dry-run preview.
#include <cstdint>
#include <optional>
#include <string>

#include "mime.hpp"

namespace herald::outbox {

struct EmailMessage {
  Address from;
  std::optional<Address> reply_to;
  Address to;
  std::string subject;              // UTF-8, rendered
  std::optional<std::string> text;  // text/plain part, rendered
  std::optional<std::string> html;  // text/html part, rendered
  std::string preheader;            // preview text: hidden at the top of the HTML part
  int64_t date_ms = 0;              // Date header (the engine's clock)
  std::string key;                  // send-ledger key: Message-ID, boundary
  std::string workflow;             // X-Herald-Workflow
  std::string step_id;              // X-Herald-Step
};

// CRLF line endings throughout. One text part when only `text` or `html` is
// set, multipart/alternative (text first, as RFC 2046 asks) when both are.
// Deterministic: the same message and key give the same bytes.
std::string composeEmail(const EmailMessage& message);

// `html` with the preheader as a hidden block at the top of its body (just
// after <body ...> when there is one, else first), HTML-escaped.
std::string withPreheader(const std::string& html, std::string_view preheader);

// "<32 hex digits>@<domain of from>", without angle brackets.
std::string messageId(const EmailMessage& message);

}  // namespace herald::outbox
