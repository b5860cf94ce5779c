#include "mail_send_request.hpp"

namespace herald::sendgrid {

nlohmann::json mailSendBody(const provider::EmailMessage& m) {
  nlohmann::json to = {{"email", m.to}};
  if (!m.to_name.empty()) to["name"] = m.to_name;
  // custom_args values must be strings for SendGrid.
  nlohmann::json args = {{kContactArg, std::to_string(m.contact_id)}};
  if (!m.ledger_key.empty()) args[kLedgerKeyArg] = m.ledger_key;
  nlohmann::json body = {
      {"personalizations", nlohmann::json::array({{{"to", {to}}, {"custom_args", args}}})},
      {"subject", m.subject}};
  body["from"] = {{"email", m.from}};
  if (!m.from_name.empty()) body["from"]["name"] = m.from_name;
  if (!m.reply_to.empty()) body["reply_to"] = {{"email", m.reply_to}};
  // SendGrid wants text/plain before text/html.
  nlohmann::json content = nlohmann::json::array();
  if (!m.text.empty()) content.push_back({{"type", "text/plain"}, {"value", m.text}});
  if (!m.html.empty()) content.push_back({{"type", "text/html"}, {"value", m.html}});
  body["content"] = std::move(content);
  if (!m.list_unsubscribe.empty())
    body["headers"] = {{"List-Unsubscribe", m.list_unsubscribe},
                       {"List-Unsubscribe-Post", m.list_unsubscribe_post}};
  return body;
}

}  // namespace herald::sendgrid
