#include "email_message.hpp"

#include "list_unsubscribe.hpp"

namespace herald::provider {

EmailStepConfig readEmailStepConfig(const nlohmann::json& config, std::string_view step_type) {
  if (!config.contains("text") && !config.contains("html"))
    throw herald::ConfigError(
        "", std::string(step_type) + " needs a body: write 'text:', 'html:' or both");
  EmailStepConfig out;
  out.from = config.at("from").get<std::string>();
  out.reply_to = config.value("reply_to", "");
  out.api_key = config.at("api_key").get<std::string>();
  out.list_unsubscribe = config.value("list_unsubscribe", true);
  return out;
}

std::variant<EmailMessage, herald::Outcome> emailMessage(herald::Batch& batch, size_t i,
                                                         const EmailStepConfig& step,
                                                         std::string_view step_type) {
  const herald::Contact contact = batch.contact(i);
  // The templated fields, rendered for this contact by Herald.
  const nlohmann::json& rendered = contact.config();
  EmailMessage m;
  m.from = step.from;
  m.from_name = rendered.value("from_name", "");
  m.reply_to = step.reply_to;
  m.to = contact.email();
  m.to_name = contact.fullName();
  m.subject = rendered.value("subject", "");
  m.text = rendered.value("text", "");
  m.html = rendered.value("html", "");
  m.ledger_key = contact.deliveryKey();
  m.contact_id = contact.id();
  if (step.list_unsubscribe) {
    const ListUnsubscribe lu = listUnsubscribe(batch, i);
    // A dry run shows the message even where links cannot be signed.
    if (!lu.error.empty() && !batch.dryRun())
      return herald::Outcome{herald::Fail{std::string(step_type) + ": " + lu.error, false}};
    m.list_unsubscribe = lu.list_unsubscribe;
    m.list_unsubscribe_post = lu.list_unsubscribe_post;
  }
  return m;
}

}  // namespace herald::provider
