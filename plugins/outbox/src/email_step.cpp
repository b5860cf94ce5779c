#include "email_step.hpp"

#include <email_mime/step_message.hpp>

#include "key.hpp"

namespace herald::outbox {
EmailStep::EmailStep(StepContext& ctx, const nlohmann::json& config)
    : Step(ctx), maildir_([&] {
        const Settings settings = readSettings(ctx.settings());
        return Maildir(settings.dir, settings.fsync);
      }()) {
  senders_ = email_mime::readSenders(ctx, config);
  email_mime::checkHasBody(ctx, config);
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
    const std::optional<EmailMessage> message =
        email_mime::messageForContact(batch, contact, senders_, reason);
    if (!message) {
      batch.set(i, Fail{reason});
      ++failed;
      continue;
    }
    const std::string eml = email_mime::composeEmail(*message);
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
