#pragma once
// The form body of Mailgun's POST /v3/<domain>/messages for one contact
// (application/x-www-form-urlencoded): the ledger key and contact id as
// v: variables (Mailgun hands them back in every webhook's user-variables),
// the List-Unsubscribe pair as h: headers.
#include <cstdint>
#include <string>

namespace herald::mailgun {

struct Message {
  std::string from;  // "Name <address>" or an address
  std::string reply_to;
  std::string to;
  std::string subject;
  std::string text;
  std::string html;
  std::string ledger_key;  // "" in a dry run
  int64_t contact_id = 0;
  std::string list_unsubscribe;       // "" for none
  std::string list_unsubscribe_post;  // "" for none
};

// The v: variable names; the webhook reads them back.
inline constexpr const char* kLedgerKeyVar = "herald_key";
inline constexpr const char* kContactVar = "herald_contact";

std::string messagesForm(const Message& m);

}  // namespace herald::mailgun
