#pragma once
// outbox.email: the embedded default email delivery. Writes each message as
// an RFC 5322 .eml file into a local maildir; see ../README.md.
#include <herald/sdk.hpp>
#include <optional>
#include <string>

#include "email_message.hpp"
#include "maildir.hpp"
#include "settings.hpp"

namespace herald::outbox {

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
    "from": {
      "type": "string", "minLength": 3,
      "description": "Sender: news@example.com or \"Example News\" <news@example.com>"
    },
    "reply_to": {
      "type": "string", "minLength": 3,
      "description": "Where replies go; same forms as from"
    },
    "subject": {
      "type": "string", "minLength": 1, "maxLength": 998, "x-templated": true,
      "description": "Subject line, rendered for each contact"
    },
    "text": {
      "type": "string", "x-templated": true,
      "description": "Plain-text body, rendered for each contact"
    },
    "html": {
      "type": "string", "x-templated": true,
      "description": "HTML body, rendered for each contact; with text, the message is multipart/alternative"
    }
  },
  "required": ["from", "subject"],
  "additionalProperties": false
})";

  EmailStep(StepContext& ctx, const nlohmann::json& config);
  void run(Batch batch) override;

 private:
  // The message for one contact, or nullopt with the reason it cannot be sent.
  std::optional<EmailMessage> build(const Batch& batch, const Contact& contact,
                                    std::string& reason) const;

  Address from_;
  std::optional<Address> reply_to_;
  Maildir maildir_;
  bool prepared_ = false;
};

}  // namespace herald::outbox
