#include "email_step.hpp"

#include "key.hpp"

namespace herald::outbox {
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

EmailStep::EmailStep(StepContext& ctx, const nlohmann::json& config)
    : Step(ctx), maildir_([&] {
        const Settings settings = readSettings(ctx.settings());
        return Maildir(settings.dir, settings.fsync);
      }()) {
  from_ = parseOrReport(ctx, config, "from");
  if (config.contains("reply_to")) reply_to_ = parseOrReport(ctx, config, "reply_to");
  if (!config.contains("text") && !config.contains("html")) {
    ctx.diagnostic("", "an email needs a body: set 'text', 'html' or both");
  }
}

std::optional<EmailMessage> EmailStep::build(const Batch& batch, const Contact& contact,
                                             std::string& reason) const {
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
  m.from = from_;
  m.reply_to = reply_to_;
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

void EmailStep::run(Batch batch) {
  const bool dry_run = batch.dryRun();
  if (!dry_run && !prepared_) {
    if (const std::string error = maildir_.prepare(); !error.empty()) {
      batch.fail("outbox: " + error);
      return;
    }
    prepared_ = true;
  }
  std::vector<Maildir::Staged> staged;
  staged.reserve(batch.size());
  double failed = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Contact contact = batch.contact(i);
    std::string reason;
    const std::optional<EmailMessage> message = build(batch, contact, reason);
    if (!message) {
      batch.set(i, Fail{reason});
      ++failed;
      continue;
    }
    const std::string eml = composeEmail(*message);
    if (dry_run) {
      batch.preview(i, eml);
      continue;
    }
    Maildir::Staged s;
    s.index = i;
    if (std::string error = maildir_.stage(messageFileName(message->key), eml, s); !error.empty()) {
      batch.set(i, Fail{error, true});
      ++failed;
      continue;
    }
    staged.push_back(std::move(s));
  }
  if (!dry_run) {
    std::vector<std::pair<const Maildir::Staged*, std::string>> rename_failures;
    if (const std::string error = maildir_.commit(staged, rename_failures); !error.empty()) {
      Maildir::discard(staged);
      batch.fail("outbox: " + error);
      return;
    }
    for (const auto& [s, error] : rename_failures) batch.set(s->index, Fail{error, true});
    failed += static_cast<double>(rename_failures.size());
    context().counter("messages_written_total",
                      static_cast<double>(staged.size() - rename_failures.size()));
  }
  if (failed > 0) context().counter("messages_failed_total", failed);
  batch.complete();
}

}  // namespace herald::outbox
