#pragma once
// The plugin-wide part of `twilio`: its settings (`plugins: twilio:` in
// herald.yaml) and the webhook routes on Herald's public listener:
//   POST /hooks/twilio/status   message status callbacks (delivered, failed...)
//   POST /hooks/twilio/inbound  messages people send to the number (STOP, ...)
// Both check X-Twilio-Signature against {public_url}{path}[?query] before
// anything in them is believed. See ../README.md.
#include <herald/sdk.hpp>
#include <string>
#include <string_view>

#include "form.hpp"

namespace herald::twilio {

class TwilioPlugin : public PluginBase {
 public:
  static constexpr const char* kSchema = R"json({
    "type": "object",
    "properties": {
      "account_sid": {"type": "string", "minLength": 1,
                      "description": "The Twilio account SID (AC...): the user of HTTP basic auth"},
      "auth_token": {"type": "string", "minLength": 1, "x-secret": true,
                     "description": "The account's auth token: the password of HTTP basic auth and the key of X-Twilio-Signature"},
      "base_url": {"type": "string", "minLength": 1, "default": "https://api.twilio.com",
                   "description": "The API root, without a trailing slash (a Twilio-compatible provider's, or a test server's)"},
      "messaging_service_sid": {"type": "string", "minLength": 1,
                                "description": "Send through this Messaging Service (MG...) when a step names no `from`"},
      "public_url": {"type": "string", "minLength": 1,
                     "description": "Herald's public listener as Twilio reaches it (https://herald.example.com): status callbacks and the inbound webhook are signed for URLs under it; without it no status callback is asked for and webhooks answer 503"},
      "help_text": {"type": "string", "minLength": 1, "maxLength": 1600,
                    "default": "Reply STOP to stop receiving these messages, START to receive them again.",
                    "description": "The answer to HELP (and INFO)"}
    },
    "additionalProperties": false
  })json";
  static constexpr const char* kWebhooks[] = {"/hooks/twilio/"};

  TwilioPlugin(PluginContext ctx, const nlohmann::json& config);

  // Both credentials are set: without them nothing is sent or verified.
  // They are not `required` in the schema, since a plugin's settings are
  // checked whether or not any workflow uses it.
  bool configured() const { return !account_sid_.empty() && !auth_token_.empty(); }
  const std::string& accountSid() const { return account_sid_; }
  const std::string& messagingServiceSid() const { return messaging_service_sid_; }
  // POST {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json
  const std::string& messagesUrl() const { return messages_url_; }
  // "Basic base64(AccountSid:AuthToken)"
  const std::string& authorization() const { return authorization_; }
  // {public_url}/hooks/twilio/status?c=CONTACT&k=KEY, or "" without public_url:
  // the query names the contact and delivery, and Twilio signs it with the rest.
  std::string statusCallbackUrl(int64_t contact_id, std::string_view delivery_key) const;

  void webhook(const WebhookRequest& req, WebhookResponse& res);

 private:
  void statusCallback(const FormFields& params, const FormFields& query, WebhookResponse& res);
  void inbound(const FormFields& params, WebhookResponse& res);

  std::string account_sid_;
  std::string auth_token_;
  std::string messaging_service_sid_;
  std::string public_url_;
  std::string help_text_;
  std::string messages_url_;
  std::string authorization_;
};

}  // namespace herald::twilio
