// What a verified Twilio webhook changes in Herald (TwilioPlugin::webhook
// checked the signature first).
//
// Status callbacks: `delivered` becomes a `delivered` event, `undelivered`
// and `failed` a `bounced` event; the error codes below also suppress the
// number. Other statuses (queued, sent, ...) are acknowledged and dropped.
//
// Inbound messages: opt-out words withdraw the sender's SMS consent and
// opt-in words restore it (the store keeps the source and the text), HELP is
// answered with help_text in TwiML, anything else becomes an `sms_reply`
// event a workflow can be triggered by. A number no contact has changes
// nothing and is still answered 200: Twilio would otherwise retry, and the
// person's STOP is honoured by Twilio itself for its own numbers.
#include <array>
#include <charconv>

#include "keywords.hpp"
#include "twilio_plugin.hpp"

namespace herald::twilio {
namespace {

// Codes that say the number will never take an SMS: 30005 unknown or
// deactivated handset, 30006 landline or unreachable carrier, 21610 the
// person replied STOP to this sender. 30003 (handset unreachable: off, out
// of coverage) is transient and 30007 (carrier filtering) is about the
// message, not the number: neither suppresses.
constexpr std::array<std::string_view, 3> kPermanentErrors = {"30005", "30006", "21610"};

bool permanent(std::string_view code) {
  for (std::string_view c : kPermanentErrors)
    if (c == code) return true;
  return false;
}

std::string xmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void twiml(WebhookResponse& res, std::string_view message) {
  res.status = 200;
  res.content_type = "application/xml";
  res.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>";
  if (!message.empty()) res.body += "<Message>" + xmlEscape(message) + "</Message>";
  res.body += "</Response>\n";
}

int64_t contactIdOf(const std::string& text) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  return ec == std::errc() && end == text.data() + text.size() && id > 0 ? id : 0;
}

}  // namespace

void TwilioPlugin::statusCallback(const FormFields& params, const FormFields& query,
                                  WebhookResponse& res) {
  const std::string status = formValue(params, "MessageStatus");
  const std::string sid = formValue(params, "MessageSid");
  const std::string to = formValue(params, "To");
  res.status = 204;
  if (status != "delivered" && status != "undelivered" && status != "failed") return;

  Event event;
  event.contact_id = contactIdOf(formValue(query, "c"));
  if (event.contact_id == 0) event.phone = to;  // a message sent before the query carried it
  event.type = status == "delivered" ? "delivered" : "bounced";
  // Twilio resends a callback it got no answer for: stored once.
  event.event_id = "twilio:" + sid + ":" + status;
  event.properties = {
      {"provider", "twilio"}, {"channel", "sms"}, {"message_sid", sid}, {"status", status}};
  if (const std::string key = formValue(query, "k"); !key.empty()) event.properties["send"] = key;
  const std::string code = formValue(params, "ErrorCode");
  if (!code.empty()) event.properties["error_code"] = code;
  if (event.type == "bounced" && permanent(code) && !to.empty())
    events().suppress(to, "twilio error " + code + " for message " + sid);
  const PluginContext log = context();
  const herald_status recorded = events().record(event, [log, sid](herald_status stored) {
    if (stored == HERALD_ERR_NOT_FOUND)
      log.log(HERALD_LOG_WARN, "twilio status callback for " + sid + ": no such contact");
  });
  if (recorded != HERALD_OK) res.status = 500;  // Twilio retries later
}

void TwilioPlugin::inbound(const FormFields& params, WebhookResponse& res) {
  const std::string from = formValue(params, "From");
  const std::string body = formValue(params, "Body");
  const std::string sid = formValue(params, "MessageSid");
  const Keyword keyword = classifyInbound(body);
  switch (keyword) {
    case Keyword::kHelp:
      twiml(res, help_text_);
      return;
    case Keyword::kOptOut:
    case Keyword::kOptIn: {
      const bool granted = keyword == Keyword::kOptIn;
      const std::string source = std::string("sms-reply:twilio:") + keywordName(keyword);
      const herald_status set = events().setConsent(from, "sms", granted, source, body);
      if (set == HERALD_ERR_NOT_FOUND) {
        context().log(HERALD_LOG_INFO, std::string("twilio: ") + keywordName(keyword) +
                                           " from a number no contact has; nothing recorded");
      } else if (set != HERALD_OK) {
        res.status = 500;  // Twilio retries: the opt-out must not be lost
        return;
      }
      twiml(res, "");
      return;
    }
    case Keyword::kNone:
      break;
  }
  Event event;
  event.phone = from;
  event.type = "sms_reply";
  event.event_id = "twilio:" + sid;
  event.properties = {{"provider", "twilio"},
                      {"body", body},
                      {"from", from},
                      {"to", formValue(params, "To")},
                      {"message_sid", sid}};
  const PluginContext log = context();
  const herald_status recorded = events().record(event, [log](herald_status stored) {
    if (stored == HERALD_ERR_NOT_FOUND)
      log.log(HERALD_LOG_INFO, "twilio: a reply from a number no contact has; not recorded");
  });
  if (recorded != HERALD_OK) {
    res.status = 500;
    return;
  }
  twiml(res, "");
}

}  // namespace herald::twilio
