#include "email_message.hpp"

#include "list_unsubscribe.hpp"

namespace herald::provider {

nlohmann::json emailStepSchema(std::string_view plugin, std::string_view from,
                               const nlohmann::json& extra) {
  const std::string name(plugin);
  nlohmann::json properties = {
      {"from", {{"type", "string"}, {"minLength", 3}, {"description", std::string(from)}}},
      {"reply_to", {{"type", "string"}, {"minLength", 3}, {"description", "Reply-To address"}}},
      {"subject", {{"type", "string"}, {"minLength", 1}, {"x-templated", true}}},
      {"text", {{"type", "string"}, {"x-templated", true}, {"description", "The plain-text part"}}},
      {"html", {{"type", "string"}, {"x-templated", "html"}, {"description", "The HTML part"}}},
      {"list_unsubscribe",
       {{"type", "boolean"},
        {"default", true},
        {"description",
         "Add List-Unsubscribe with Herald's signed one-click link (RFC 8058); false only for "
         "transactional mail"}}},
      {"api_key",
       {{"type", "string"},
        {"minLength", 1},
        {"x-secret", true},
        {"description",
         "The API key; usually set once in herald.yaml (plugins: " + name + ": api_key_file:)"}}}};
  properties.update(extra);
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", {"from", "subject", "api_key"}},
          {"additionalProperties", false}};
}

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
