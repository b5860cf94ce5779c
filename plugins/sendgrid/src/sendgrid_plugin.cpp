// sendgrid: Herald's channel plugin for SendGrid's v3 API, built on the SDK
// alone (docs/plugins.md, "ABI 1.3").
//
//  - sendgrid.email, a delivery step: one POST {base_url}/v3/mail/send per
//    contact (a personalization each; the ledger key in custom_args; the
//    signed List-Unsubscribe pair in headers), paced by the host's rate
//    limiter. 202: sent, X-Message-Id in the journey variable
//    sendgrid_message_id; 429/5xx and retryable transport errors: retried
//    after Retry-After, not failed; other 4xx: failed with SendGrid's words.
//  - POST /hooks/sendgrid/events on Herald's public listener: the Event
//    Webhook, ECDSA-verified, turned into events and suppressions.
#include <herald/sdk.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "delivery_batch.hpp"
#include "email_message.hpp"
#include "event_webhook.hpp"
#include "mail_send_request.hpp"

namespace {

// Webhook event ids remembered for duplicates (see webhook_guard.hpp).
constexpr size_t kSeenEventIds = 100000;
constexpr const char* kDefaultBaseUrl = "https://api.sendgrid.com";

class SendGrid : public herald::PluginBase {
 public:
  static constexpr const char* kSchema = R"json({
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "minLength": 1, "default": "https://api.sendgrid.com",
                   "description": "SendGrid's API root, no trailing slash (https://api.eu.sendgrid.com for EU subusers)"},
      "api_key": {"type": "string", "minLength": 1, "x-secret": true,
                  "description": "The API key (Mail Send permission) the steps use unless they name their own"},
      "api_key_file": {"type": "string", "minLength": 1,
                       "description": "A file holding api_key (relative: in $CREDENTIALS_DIRECTORY)"},
      "api_key_env": {"type": "string", "minLength": 1,
                      "description": "An environment variable holding api_key"},
      "account": {"type": "string", "minLength": 1, "default": "default",
                  "description": "Names the rate-limit key provider:<account> (rate_limits:)"},
      "webhook_public_key": {"type": "string", "minLength": 40,
                             "description": "The Event Webhook's verification key (base64, from Mail Settings > Signed Event Webhook), or PEM"}
    },
    "additionalProperties": false
  })json";
  static constexpr const char* kWebhooks[] = {"/hooks/sendgrid/"};

  SendGrid(herald::PluginContext ctx, const nlohmann::json& config)
      : PluginBase(ctx),
        base_url_(config.at("base_url").get<std::string>()),
        permit_key_("provider:" + config.at("account").get<std::string>()),
        seen_(kSeenEventIds) {
    if (config.contains("webhook_public_key"))
      verifier_.emplace(config["webhook_public_key"].get<std::string>());
  }

  const std::string& baseUrl() const { return base_url_; }
  const std::string& permitKey() const { return permit_key_; }

  void webhook(const herald::WebhookRequest& req, herald::WebhookResponse& res) {
    if (req.path != "/hooks/sendgrid/events") {
      res.status = 404;
      return;
    }
    herald::sendgrid::serveEvents(req, res, verifier_ ? &*verifier_ : nullptr, seen_, context());
  }

 private:
  std::string base_url_;
  std::string permit_key_;
  std::optional<herald::sendgrid::SignatureVerifier> verifier_;
  herald::provider::SeenIds seen_;
};

// SendGrid's error text: {"errors": [{"message": "...", "field": "..."}]}.
std::string errorText(const herald::HttpResponse& r) {
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  std::string out;
  if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    for (const auto& e : body["errors"]) {
      if (!e.is_object() || !e.contains("message") || !e["message"].is_string()) continue;
      if (!out.empty()) out += "; ";
      out += e["message"].get<std::string>();
      if (e.contains("field") && e["field"].is_string())
        out += " (" + e["field"].get<std::string>() + ")";
    }
  }
  return out.empty() ? r.body.substr(0, 300) : out;
}

class Email : public herald::Step {
 public:
  static constexpr const char* kName = "sendgrid.email";
  static constexpr const char* kSummary = "Sends an email through SendGrid's v3 Mail Send API";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY;
  static constexpr const char* kChannel = "email";
  static nlohmann::json schema() {
    return herald::provider::emailStepSchema(
        "sendgrid", "Sender address (a verified sender in SendGrid)",
        {{"from_name",
          {{"type", "string"}, {"x-templated", true}, {"description", "Sender display name"}}}});
  }

  Email(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx),
        step_(herald::provider::readEmailStepConfig(config, kName)),
        authorization_("Bearer " + step_.api_key) {}

  void run(herald::Batch batch) override {
    SendGrid* sendgrid = context().pluginState<SendGrid>();
    herald::provider::DeliveryPlan plan;
    plan.plugin = sendgrid ? &sendgrid->context() : nullptr;
    plan.permit_key = sendgrid ? sendgrid->permitKey() : "";
    const std::string url =
        (sendgrid ? sendgrid->baseUrl() : std::string(kDefaultBaseUrl)) + "/v3/mail/send";
    plan.build = [this, url](herald::Batch& b, size_t i) { return request(b, i, url); };
    plan.read = [](const herald::HttpResponse& r) {
      return herald::provider::Answer{"sendgrid", "sendgrid_message_id", r.header("x-message-id"),
                                      r.status >= 400 ? errorText(r) : std::string()};
    };
    herald::provider::deliverBatch(std::move(batch), std::move(plan));
  }

 private:
  std::variant<herald::HttpRequest, herald::Outcome> request(herald::Batch& b, size_t i,
                                                             const std::string& url) const {
    auto message = herald::provider::emailMessage(b, i, step_, kName);
    if (auto* refused = std::get_if<herald::Outcome>(&message)) return std::move(*refused);
    herald::HttpRequest req;
    req.method = "POST";
    req.url = url;
    req.headers = {{"Authorization", authorization_}, {"Content-Type", "application/json"}};
    req.body =
        herald::sendgrid::mailSendBody(std::get<herald::provider::EmailMessage>(message)).dump();
    return req;
  }

  herald::provider::EmailStepConfig step_;
  std::string authorization_;
};

}  // namespace

HERALD_PLUGIN_WITH(SendGrid, "sendgrid", "1.0.0", "SendGrid v3 email API channel", Email)
