#include "twilio_answer.hpp"

#include "delivery_outcome.hpp"

namespace herald::twilio {
namespace {

// Error codes whose number will never take this sender's messages.
bool suppressesNumber(int code) { return code == 21211 || code == 21610; }

}  // namespace

TwilioAnswer readTwilioAnswer(const HttpResponse& r, const SmsEncoding& encoding, int64_t now_ms) {
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  auto text = [&](const char* key) {
    return body.is_object() && body.contains(key) && body[key].is_string()
               ? body[key].get<std::string>()
               : std::string();
  };
  const int code = body.is_object() && body.contains("code") && body["code"].is_number_integer()
                       ? body["code"].get<int>()
                       : 0;
  provider::Answer answer{"twilio", "twilio_sid", text("sid"), text("message")};
  if (answer.error_text.empty()) answer.error_text = r.body.substr(0, 200);
  if (code != 0) answer.error_text = "error " + std::to_string(code) + ": " + answer.error_text;
  TwilioAnswer out{provider::deliveryOutcome(r, answer, now_ms)};
  if (auto* sent = std::get_if<Continue>(&out.outcome)) {
    sent->vars["sms_segments"] = encoding.segments;
    sent->vars["sms_encoding"] = encodingName(encoding.kind);
    sent->reason = (answer.message_id.empty() ? "(no sid)" : answer.message_id) +
                   " segments=" + std::to_string(encoding.segments) +
                   " encoding=" + encodingName(encoding.kind);
  } else if (std::holds_alternative<Fail>(out.outcome) && suppressesNumber(code)) {
    out.suppress_reason = std::get<Fail>(out.outcome).reason;
  }
  return out;
}

}  // namespace herald::twilio
