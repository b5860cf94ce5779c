#include "email_mime/step_message.hpp"

#include "email_mime/header.hpp"

namespace herald::email_mime {
namespace {

std::optional<std::string> nonEmptyString(const nlohmann::json& config, const char* key) {
  const auto it = config.find(key);
  if (it == config.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

Address parseOrReport(StepContext& ctx, const nlohmann::json& config, const char* key) {
  std::string error;
  const auto parsed = parseAddress(config.at(key).get<std::string>(), error);
  if (!parsed) {
    ctx.diagnostic(std::string("/") + key, error);
    return {};
  }
  return *parsed;
}

}  // namespace

Senders readSenders(StepContext& ctx, const nlohmann::json& config) {
  Senders out;
  out.from = parseOrReport(ctx, config, "from");
  if (config.contains("reply_to")) out.reply_to = parseOrReport(ctx, config, "reply_to");
  return out;
}

void checkHasBody(StepContext& ctx, const nlohmann::json& config) {
  if (!config.contains("text") && !config.contains("html")) {
    ctx.diagnostic("", "an email needs a body: set 'text', 'html' or both");
  }
}

std::optional<EmailMessage> messageForContact(const Batch& batch, const Contact& contact,
                                              const Senders& senders, std::string& reason) {
  if (contact.email().empty()) {
    reason = "contact has no email address";
    return std::nullopt;
  }
  if (!validAddrSpec(contact.email())) {
    reason = "contact's email address '" + std::string(contact.email()) + "' is not valid";
    return std::nullopt;
  }
  // Templated fields come rendered for this contact; never from the config
  // the constructor saw.
  const nlohmann::json& config = contact.config();
  EmailMessage m;
  m.from = senders.from;
  m.reply_to = senders.reply_to;
  m.to = Address{contact.fullName(), std::string(contact.email())};
  m.subject = sanitizeHeaderText(nonEmptyString(config, "subject").value_or(""));
  if (m.subject.empty()) {
    reason = "the subject is empty for this contact once rendered";
    return std::nullopt;
  }
  m.text = nonEmptyString(config, "text");
  m.html = nonEmptyString(config, "html");
  m.preheader = nonEmptyString(config, "preheader").value_or("");
  if (!m.text && !m.html) {
    reason = "the body (text and html) is empty for this contact once rendered";
    return std::nullopt;
  }
  m.date_ms = batch.nowMs();
  m.key = std::string(contact.deliveryKey());
  if (m.key.empty()) {
    // Dry runs have no ledger key; this one is stable enough for a preview.
    m.key = std::string(batch.workflow()) + "/" + std::string(batch.stepId()) + "/" +
            std::to_string(contact.id());
  }
  m.workflow = std::string(batch.workflow());
  m.step_id = std::string(batch.stepId());
  return m;
}

}  // namespace herald::email_mime
