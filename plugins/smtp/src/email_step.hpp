#pragma once
// smtp.email: sends each contact's message over SMTP through the host's
// pooled sessions (the server of the plugin's `smtp:` settings); see
// ../README.md.
#include <email_mime/dkim.hpp>
#include <email_mime/step_message.hpp>
#include <functional>
#include <herald/sdk.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "settings.hpp"

namespace herald::smtp {

class EmailStep : public Step {
 public:
  static constexpr const char* kName = "smtp.email";
  static constexpr const char* kSummary = "Sends each email over SMTP (STARTTLS, AUTH, DKIM)";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY;
  static constexpr const char* kChannel = "email";
  static constexpr const char* kSchema = R"({
  "type": "object",
  "description": "Sends each message over SMTP to the server in herald.yaml (plugins: smtp: smtp:).",
  "properties": {
)"
#include <email_mime/message_properties.inc>
                                         R"json(,
    "transactional": {
      "type": "boolean", "default": false,
      "description": "A receipt or password reset rather than marketing: no List-Unsubscribe headers"
    },
    "track_opens": {
      "type": "boolean", "default": false,
      "description": "Adds a 1x1 open-tracking image (a signed link) to the HTML part"
    },
    "track_clicks": {
      "type": "boolean", "default": false,
      "description": "Routes the HTML part's http(s) links through signed click-tracking links"
    },
    "headers": {
      "type": "object", "additionalProperties": {"type": "string"},
      "description": "More header fields, name -> value (X-Campaign: autumn)"
    },
    "dkim_key": {
      "type": "string", "minLength": 1, "x-secret": true,
      "description": "The DKIM private key (PEM); usually from herald.yaml (plugins: smtp: dkim_key_file)"
    }
  },
  "required": ["from", "subject"],
  "additionalProperties": false
})json";

  EmailStep(StepContext& ctx, const nlohmann::json& config);
  void run(Batch batch) override;

 private:
  // One contact's message, ready for the host: MIME, links, DKIM done.
  struct Submission {
    std::string data;
    std::string sender;  // MAIL FROM
    std::string to;
    std::string message_id;  // with angle brackets
    int64_t contact_id = 0;
  };
  // nullopt with `reason` when contact `i` cannot be sent to (its address,
  // an empty part, no link keys for a marketing message, DKIM failed).
  std::optional<Submission> prepare(Batch& batch, size_t i, std::string& reason) const;
  // Asks a permit for the recipient's domain, then hands the message to the
  // host; `settle` gets the contact's outcome, on the loop.
  void submit(std::shared_ptr<const Submission> s, std::function<void(Outcome)> settle) const;
  // The outcome of the server's answer; suppresses a hard-bounced address.
  Outcome answered(const Submission& s, const SmtpResult& r) const;

  email_mime::Senders senders_;
  Settings settings_;
  bool transactional_ = false;
  bool track_opens_ = false;
  bool track_clicks_ = false;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::shared_ptr<const email_mime::DkimSigner> dkim_;
};

}  // namespace herald::smtp
