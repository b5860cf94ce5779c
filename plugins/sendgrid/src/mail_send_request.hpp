#pragma once
// The body of SendGrid's POST /v3/mail/send for one contact: one
// personalization (the contact), the ledger key and contact id in
// custom_args (SendGrid hands them back in every Event Webhook event), and
// the List-Unsubscribe pair in headers.
#include <nlohmann/json.hpp>

#include "email_message.hpp"

namespace herald::sendgrid {

// custom_args names; the webhook reads them back.
inline constexpr const char* kLedgerKeyArg = "herald_key";
inline constexpr const char* kContactArg = "herald_contact";

nlohmann::json mailSendBody(const provider::EmailMessage& m);

}  // namespace herald::sendgrid
