#pragma once
// twilio.sms: sends each contact's rendered body through Twilio's Messages
// API (one form POST per message, after a permit from Herald's rate limiter
// for "provider:{AccountSid}"), recording the message SID, segments and
// encoding with the delivery. See ../README.md.
#include <herald/sdk.hpp>
#include <string>

#include "sms_encoding.hpp"

namespace herald::twilio {

class SmsStep : public Step {
 public:
  static constexpr const char* kName = "twilio.sms";
  static constexpr const char* kSummary = "Sends a text message through Twilio's Messages API";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY;
  static constexpr const char* kChannel = "sms";
  static constexpr size_t kMaxBody = 1600;  // Twilio's limit, in characters
  static constexpr const char* kSchema = R"json({
  "type": "object",
  "description": "Sends a text message through Twilio's Messages API.",
  "properties": {
    "body": {
      "type": "string", "minLength": 1, "maxLength": 1600, "x-templated": true,
      "description": "Message text, rendered for each contact; at most 1600 characters once rendered"
    },
    "from": {
      "type": "string", "pattern": "^(\\+[1-9][0-9]{6,14}|[A-Za-z0-9 ]{1,11})$",
      "description": "Sender: a Twilio number in E.164 form (+14155550100) or an alphanumeric sender id; default: the plugin's messaging_service_sid"
    },
    "max_segments": {
      "type": "integer", "minimum": 1, "maximum": 10, "default": 3,
      "description": "validate and dry runs warn when a body takes more SMS segments than this (each is billed)"
    }
  },
  "required": ["body"],
  "additionalProperties": false
})json";

  SmsStep(StepContext& ctx, const nlohmann::json& config);
  void run(Batch batch) override;

 private:
  std::string from_;
  size_t max_segments_;
};

// The part of a template that is there for every contact: the text with its
// {{ output }} and {% tag %} markup removed. validate warns on its segments,
// a lower bound of every rendered body's.
std::string templateStaticText(std::string_view source);

// "segments=2 encoding=gsm7", plus why a body is UCS-2 and what it exceeds.
std::string describeEncoding(const SmsEncoding& e, size_t max_segments);

}  // namespace herald::twilio
