#include "twilio_plugin.hpp"

#include "encoding.hpp"
#include "signature.hpp"

namespace herald::twilio {
namespace {

std::string withoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

TwilioPlugin::TwilioPlugin(PluginContext ctx, const nlohmann::json& config)
    : PluginBase(ctx),
      account_sid_(config.value("account_sid", "")),
      auth_token_(config.value("auth_token", "")),
      messaging_service_sid_(config.value("messaging_service_sid", "")),
      public_url_(withoutTrailingSlash(config.value("public_url", ""))),
      help_text_(config.at("help_text").get<std::string>()),
      messages_url_(withoutTrailingSlash(config.at("base_url").get<std::string>()) +
                    "/2010-04-01/Accounts/" + provider::formEncode(account_sid_) +
                    "/Messages.json"),
      authorization_("Basic " + provider::base64Encode(account_sid_ + ":" + auth_token_)) {
  if (configured() && public_url_.empty())
    ctx.log(HERALD_LOG_WARN,
            "plugins.twilio.public_url is not set: no delivery receipts are asked for, and "
            "STOP/START replies cannot be verified (the webhooks answer 503)");
}

std::string TwilioPlugin::statusCallbackUrl(int64_t contact_id,
                                            std::string_view delivery_key) const {
  if (public_url_.empty()) return {};
  std::string url = public_url_ + "/hooks/twilio/status?c=" + std::to_string(contact_id);
  if (!delivery_key.empty()) url += "&k=" + provider::formEncode(delivery_key);
  return url;
}

void TwilioPlugin::webhook(const WebhookRequest& req, WebhookResponse& res) {
  const bool status = req.path == "/hooks/twilio/status";
  if (!status && req.path != "/hooks/twilio/inbound") {
    res.status = 404;
    return;
  }
  if (req.method != "POST") {
    res.status = 405;
    res.headers.emplace_back("Allow", "POST");
    return;
  }
  if (!configured() || public_url_.empty()) {
    res.status = 503;
    res.body = "plugins.twilio: account_sid, auth_token and public_url must be set\n";
    return;
  }
  // Twilio signs the URL it was given: ours, under public_url, never what the
  // request's Host header claims.
  std::string url = public_url_ + std::string(req.path);
  if (!req.query.empty()) url += "?" + std::string(req.query);
  const FormFields params = formDecode(req.body);
  if (!twilioSignatureMatches(auth_token_, url, params, req.header("x-twilio-signature"))) {
    res.status = 403;
    res.body = "bad signature\n";
    return;
  }
  if (formValue(params, "AccountSid") != account_sid_) {
    res.status = 403;  // signed with our token, yet for another account: refuse
    res.body = "another account\n";
    return;
  }
  if (status)
    statusCallback(params, formDecode(req.query), res);
  else
    inbound(params, res);
}

}  // namespace herald::twilio
