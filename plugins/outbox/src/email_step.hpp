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
    "preheader": {
      "type": "string", "x-templated": true,
      "description": "Preview text inbox lists show after the subject: a hidden block at the top of the HTML body, never in the text part"
    },
    "text": {
      "type": "string", "x-templated": true,
      "description": "Plain-text body, rendered for each contact"
    },
    "html": {
      "type": "string", "x-templated": "html",
      "description": "HTML body, rendered for each contact with output HTML-escaped (| raw for trusted HTML); with text, the message is multipart/alternative"
    },
    "message": {
      "type": "string", "x-message": true,
      "description": "A message file, templates/NAME.yaml beside the workflow, holding the parts: subject, preheader, text, html and their locales"
    },
    "locales": {
      "type": "object", "x-locales": true,
      "additionalProperties": {"type": "object"},
      "description": "Locale tag (ko, de-AT) -> the parts that locale overrides; contacts get their locale's, else their language's, else settings.locale's, else the base parts"
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
