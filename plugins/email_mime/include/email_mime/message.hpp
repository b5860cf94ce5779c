#pragma once
// Composes one email as RFC 5322 text: the exact bytes an email plugin
// submits (SMTP), writes (the outbox) or shows as a dry-run preview.
#include <cstdint>
#include <herald/message_id.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "email_mime/address.hpp"

namespace herald::email_mime {

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
  // The signed one-click unsubscribe URL. Set on every marketing message:
  // List-Unsubscribe: <url> and List-Unsubscribe-Post (RFC 8058). Empty for
  // a transactional one.
  std::string list_unsubscribe;
  // More header fields, after Herald's own, in order. Names must pass
  // extraHeaderError(); values are sanitized and encoded as unstructured text.
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

// CRLF line endings throughout, no line over 998 characters. One text part
// when only `text` or `html` is set, multipart/alternative (text first, as
// RFC 2046 asks) when both are; each part quoted-printable or base64,
// whichever is shorter. Deterministic: the same message gives the same bytes.
std::string composeEmail(const EmailMessage& message);

// `html` with the preheader as a hidden block at the top of its body (just
// after <body ...> when there is one, else first), HTML-escaped.
std::string withPreheader(const std::string& html, std::string_view preheader);

// The Message-ID without angle brackets: "herald.<key>@<domain of from>"
// (herald::messageIdForKey),
// the ledger key readable in it ('/' as '.', bytes outside [A-Za-z0-9_-] as
// =XX), so a bounce or a DSN that quotes the Message-ID names the delivery.
std::string messageId(const EmailMessage& message);

// The ledger key back from it: herald::ledgerKeyFromMessageId
// (herald/message_id.hpp), which Herald's bounce reader uses too.
using herald::ledgerKeyFromMessageId;

// Why `name` cannot be an extra header ("" when it can): not a field name, or
// one composeEmail() writes itself (From, Subject, Content-Type, ...).
std::string extraHeaderError(std::string_view name);

}  // namespace herald::email_mime
