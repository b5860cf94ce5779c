#pragma once
// outbox.email: the embedded default email delivery. Writes each message as
// an RFC 5322 .eml file into a local maildir; see ../README.md.
#include <email_mime/step_message.hpp>
#include <herald/sdk.hpp>
#include <optional>
#include <string>

#include "maildir.hpp"
#include "settings.hpp"

namespace herald::outbox {

using email_mime::EmailMessage;

class EmailStep : public Step {
 public:
  static constexpr const char* kName = "outbox.email";
  static constexpr const char* kSummary =
      "Writes each email as an .eml file into the local outbox (a maildir)";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY | HERALD_STEP_IDEMPOTENT;
  static constexpr const char* kChannel = "email";
  static constexpr const char* kSchema = R"({
  "type": "object",
  "description": "Writes each message as an RFC 5322 .eml file into the local outbox, a maildir.",
  "properties": {
)"
#include <email_mime/message_properties.inc>
                                         R"(
  },
  "required": ["from", "subject"],
  "additionalProperties": false
})";

  EmailStep(StepContext& ctx, const nlohmann::json& config);
  void run(Batch batch) override;

 private:
  email_mime::Senders senders_;
  Maildir maildir_;
  bool prepared_ = false;
};

}  // namespace herald::outbox
