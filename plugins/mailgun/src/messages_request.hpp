#pragma once
// The form body of Mailgun's POST /v3/<domain>/messages for one contact
// (application/x-www-form-urlencoded): the ledger key and contact id as
// v: variables (Mailgun hands them back in every webhook's user-variables),
// the List-Unsubscribe pair as h: headers.
#include <string>

#include "email_message.hpp"

namespace herald::mailgun {

// The v: variable names; the webhook reads them back.
inline constexpr const char* kLedgerKeyVar = "herald_key";
inline constexpr const char* kContactVar = "herald_contact";

// `from` is the step's (an address, or "Name <address>"); from_name is not used.
std::string messagesForm(const provider::EmailMessage& m);

}  // namespace herald::mailgun
