#include "messages_request.hpp"

#include "encoding.hpp"

namespace herald::mailgun {
namespace {

void field(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (!out.empty()) out += '&';
  out += provider::formEncode(name);
  out += '=';
  out += provider::formEncode(value);
}

}  // namespace

std::string messagesForm(const provider::EmailMessage& m) {
  std::string out;
  field(out, "from", m.from);
  field(out, "to", m.to);
  field(out, "subject", m.subject);
  field(out, "text", m.text);
  field(out, "html", m.html);
  field(out, "h:Reply-To", m.reply_to);
  field(out, "h:List-Unsubscribe", m.list_unsubscribe);
  field(out, "h:List-Unsubscribe-Post", m.list_unsubscribe_post);
  field(out, std::string("v:") + kLedgerKeyVar, m.ledger_key);
  field(out, std::string("v:") + kContactVar, std::to_string(m.contact_id));
  return out;
}

}  // namespace herald::mailgun
