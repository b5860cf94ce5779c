#pragma once
// The body of SendGrid's POST /v3/mail/send for one contact: one
// personalization (the contact), the ledger key and contact id in
// custom_args (SendGrid hands them back in every Event Webhook event), and
// the List-Unsubscribe pair in headers.
#include <nlohmann/json.hpp>
#include <string>

namespace herald::sendgrid {

struct Message {
  std::string from;
  std::string from_name;
  std::string reply_to;
  std::string to;
  std::string to_name;
  std::string subject;
  std::string text;
  std::string html;
  std::string ledger_key;  // "" in a dry run
  int64_t contact_id = 0;
  std::string list_unsubscribe;       // "" for none
  std::string list_unsubscribe_post;  // "" for none
};

// custom_args names; the webhook reads them back.
inline constexpr const char* kLedgerKeyArg = "herald_key";
inline constexpr const char* kContactArg = "herald_contact";

nlohmann::json mailSendBody(const Message& m);

}  // namespace herald::sendgrid
