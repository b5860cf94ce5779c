#include "sms_step.hpp"

#include <email_mime/date.hpp>
#include <email_mime/utf8.hpp>

#include "file_util.hpp"

namespace herald::outbox {
namespace {

bool validPhone(std::string_view phone) {
  if (phone.size() < 7 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  for (char c : phone.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

SmsStep::SmsStep(StepContext& ctx, const nlohmann::json& config)
    : Step(ctx), settings_(readSettings(ctx.settings())), from_(config.value("from", "")) {}

void SmsStep::run(Batch batch) {
  std::vector<SmsLog::Entry> entries;
  double failed = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Contact contact = batch.contact(i);
    if (contact.phone().empty()) {
      batch.set(i, Fail{"contact has no phone number"});
      ++failed;
      continue;
    }
    if (!validPhone(contact.phone())) {
      batch.set(i, Fail{"contact's phone number '" + std::string(contact.phone()) +
                        "' is not in E.164 form (like +14155550100)"});
      ++failed;
      continue;
    }
    // The body comes rendered for this contact.
    const auto body_it = contact.config().find("body");
    const std::string body = body_it != contact.config().end() && body_it->is_string()
                                 ? body_it->get<std::string>()
                                 : std::string();
    if (body.empty()) {
      batch.set(i, Fail{"the body is empty for this contact once rendered"});
      ++failed;
      continue;
    }
    if (const size_t length = email_mime::codePoints(body); length > kMaxBody) {
      batch.set(i, Fail{"the body is " + std::to_string(length) +
                        " characters for this contact once rendered; the limit is " +
                        std::to_string(kMaxBody)});
      ++failed;
      continue;
    }
    std::string key(contact.deliveryKey());
    if (key.empty()) {
      key = std::string(batch.workflow()) + "/" + std::string(batch.stepId()) + "/" +
            std::to_string(contact.id());
    }
    nlohmann::ordered_json line = {{"to", contact.phone()},
                                   {"body", body},
                                   {"key", key},
                                   {"at", email_mime::iso8601Utc(batch.nowMs())}};
    if (!from_.empty()) line["from"] = from_;
    SmsLog::Entry entry;
    entry.key = std::move(key);
    entry.line = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    if (batch.dryRun()) {
      batch.preview(i, entry.line);
      continue;
    }
    entries.push_back(std::move(entry));
  }

  if (!batch.dryRun() && !entries.empty()) {
    if (!log_) {
      if (const std::string error = makeDirectories(settings_.dir); !error.empty()) {
        batch.fail("outbox: " + error);
        return;
      }
      log_ = SmsLog::forFile(settings_.dir / "sms.jsonl", settings_.fsync);
    }
    std::vector<std::string> notes;
    const std::string error = log_->append(entries, notes);
    for (const std::string& note : notes) context().warn(note);
    if (!error.empty()) {
      batch.fail("outbox: " + error);
      return;
    }
    double duplicates = 0;
    for (const SmsLog::Entry& e : entries) duplicates += e.duplicate ? 1 : 0;
    context().counter("messages_written_total", static_cast<double>(entries.size()) - duplicates);
    if (duplicates > 0) {
      context().counter("duplicates_skipped_total", duplicates);
      context().info(std::to_string(static_cast<long>(duplicates)) +
                     " message(s) were already in " + log_->file().string() +
                     "; not written again");
    }
  }
  if (failed > 0) context().counter("messages_failed_total", failed);
  batch.complete();
}

}  // namespace herald::outbox
