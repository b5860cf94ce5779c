#pragma once
// outbox.sms: the embedded default SMS delivery. Appends one JSON line per
// message to <outbox dir>/sms.jsonl; see ../README.md.
#include <herald/sdk.hpp>
#include <memory>
#include <string>

#include "settings.hpp"
#include "sms_log.hpp"

namespace herald::outbox {

class SmsStep : public Step {
 public:
  static constexpr const char* kName = "outbox.sms";
  static constexpr const char* kSummary =
      "Appends each text message as a JSON line to the local outbox (sms.jsonl)";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY | HERALD_STEP_IDEMPOTENT;
  static constexpr const char* kChannel = "sms";
  static constexpr size_t kMaxBody = 1600;  // ten concatenated SMS segments
  static constexpr const char* kSchema = R"({
  "type": "object",
  "description": "Appends each text message as one JSON line to sms.jsonl in the local outbox.",
  "properties": {
    "body": {
      "type": "string", "minLength": 1, "maxLength": 1600, "x-templated": true,
      "description": "Message text, rendered for each contact; at most 1600 characters once rendered"
    },
    "from": {
      "type": "string", "pattern": "^(\\+[1-9][0-9]{5,14}|[A-Za-z0-9 ]{1,11})$",
      "description": "Sender: an E.164 number (+14155550100) or an alphanumeric sender id of up to 11 characters"
    },
    "message": {
      "type": "string", "x-message": true,
      "description": "A message file, templates/NAME.yaml beside the workflow, holding the body and its locales"
    },
    "locales": {
      "type": "object", "x-locales": true,
      "additionalProperties": {"type": "object"},
      "description": "Locale tag (ko, de-AT) -> {body: ...} for contacts of that locale"
    }
  },
  "required": ["body"],
  "additionalProperties": false
})";

  SmsStep(StepContext& ctx, const nlohmann::json& config);
  void run(Batch batch) override;

 private:
  Settings settings_;
  std::string from_;
  std::shared_ptr<SmsLog> log_;  // opened on the first real batch, not by validate
};

}  // namespace herald::outbox
