// mailgun: Herald's channel plugin for Mailgun's messages API, built on the
// SDK alone (docs/plugins.md, "ABI 1.3").
//
//  - mailgun.email, a delivery step: one POST {base_url}/v3/<domain>/messages
//    per contact (a form; Basic auth api:<key>; the ledger key in
//    v:herald_key; the signed List-Unsubscribe pair as h: headers), paced by
//    the host's rate limiter. 2xx: sent, Mailgun's id in the journey
//    variable mailgun_message_id; 429/5xx and retryable transport errors:
//    retried after Retry-After, not failed; other 4xx: failed with
//    Mailgun's message.
//  - POST /hooks/mailgun/events on Herald's public listener: Mailgun's
//    webhooks, HMAC-verified, each token once, turned into events and
//    suppressions.
#include <herald/sdk.hpp>
#include <string>
#include <utility>
#include <variant>

#include "delivery_batch.hpp"
#include "email_message.hpp"
#include "encoding.hpp"
#include "mailgun_webhook.hpp"
#include "messages_request.hpp"

namespace {

// Webhook tokens remembered against replays (see webhook_guard.hpp): more
// than Mailgun posts in the 5 minutes a timestamp stays fresh.
constexpr size_t kSeenTokens = 100000;
constexpr const char* kDefaultBaseUrl = "https://api.mailgun.net";

class Mailgun : public herald::PluginBase {
 public:
  static constexpr const char* kSchema = R"json({
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "minLength": 1, "default": "https://api.mailgun.net",
                   "description": "Mailgun's API root, no trailing slash (https://api.eu.mailgun.net for EU domains)"},
      "domain": {"type": "string", "minLength": 1,
                 "description": "The sending domain the steps use unless they name their own"},
      "api_key": {"type": "string", "minLength": 1, "x-secret": true,
                  "description": "The API key the steps use unless they name their own"},
      "api_key_file": {"type": "string", "minLength": 1,
                       "description": "A file holding api_key (relative: in $CREDENTIALS_DIRECTORY)"},
      "api_key_env": {"type": "string", "minLength": 1,
                      "description": "An environment variable holding api_key"},
      "account": {"type": "string", "minLength": 1, "default": "default",
                  "description": "Names the rate-limit key provider:<account> (rate_limits:)"},
      "webhook_signing_key": {"type": "string", "minLength": 16, "x-secret": true,
                              "description": "The HTTP webhook signing key (Mailgun: Sending > Webhooks)"}
    },
    "additionalProperties": false
  })json";
  static constexpr const char* kWebhooks[] = {"/hooks/mailgun/"};

  Mailgun(herald::PluginContext ctx, const nlohmann::json& config)
      : PluginBase(ctx),
        base_url_(config.at("base_url").get<std::string>()),
        domain_(config.value("domain", "")),
        permit_key_("provider:" + config.at("account").get<std::string>()),
        signing_key_(config.value("webhook_signing_key", "")),
        tokens_(kSeenTokens) {}

  const std::string& baseUrl() const { return base_url_; }
  const std::string& domain() const { return domain_; }
  const std::string& permitKey() const { return permit_key_; }

  void webhook(const herald::WebhookRequest& req, herald::WebhookResponse& res) {
    if (req.path != "/hooks/mailgun/events") {
      res.status = 404;
      return;
    }
    herald::mailgun::serveEvents(req, res, signing_key_, tokens_, context());
  }

 private:
  std::string base_url_;
  std::string domain_;
  std::string permit_key_;
  std::string signing_key_;
  herald::provider::SeenIds tokens_;
};

// Mailgun's error text: {"message": "..."}, else the body.
std::string errorText(const herald::HttpResponse& r) {
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("message") && body["message"].is_string())
    return body["message"].get<std::string>();
  return r.body.substr(0, 300);
}

class Email : public herald::Step {
 public:
  static constexpr const char* kName = "mailgun.email";
  static constexpr const char* kSummary = "Sends an email through Mailgun's messages API";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY;
  static constexpr const char* kChannel = "email";
  static nlohmann::json schema() {
    return herald::provider::emailStepSchema(
        "mailgun", "Sender: an address, or Name <address>",
        {{"domain",
          {{"type", "string"},
           {"minLength", 1},
           {"description", "The sending domain (default: plugins: mailgun: domain:)"}}}});
  }

  Email(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx),
        step_(herald::provider::readEmailStepConfig(config, kName)),
        domain_(config.value("domain", "")),
        authorization_("Basic " + herald::provider::base64Encode("api:" + step_.api_key)) {}

  void run(herald::Batch batch) override {
    Mailgun* mailgun = context().pluginState<Mailgun>();
    const std::string domain = !domain_.empty() ? domain_ : mailgun ? mailgun->domain() : "";
    if (domain.empty()) {
      batch.fail(
          "mailgun.email has no sending domain: set 'domain:' on the step or plugins: mailgun: "
          "domain: in herald.yaml");
      return;
    }
    herald::provider::DeliveryPlan plan;
    plan.plugin = mailgun ? &mailgun->context() : nullptr;
    plan.permit_key = mailgun ? mailgun->permitKey() : "";
    const std::string url = (mailgun ? mailgun->baseUrl() : std::string(kDefaultBaseUrl)) + "/v3/" +
                            domain + "/messages";
    plan.build = [this, url](herald::Batch& b, size_t i) { return request(b, i, url); };
    plan.read = [](const herald::HttpResponse& r) {
      std::string id;
      if (r.status >= 200 && r.status < 300) {
        const auto body = nlohmann::json::parse(r.body, nullptr, false);
        if (body.is_object() && body.contains("id") && body["id"].is_string()) id = body["id"];
      }
      return herald::provider::Answer{"mailgun", "mailgun_message_id", id,
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
    req.headers = {{"Authorization", authorization_},
                   {"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = herald::mailgun::messagesForm(std::get<herald::provider::EmailMessage>(message));
    return req;
  }

  herald::provider::EmailStepConfig step_;
  std::string domain_;
  std::string authorization_;
};

}  // namespace

HERALD_PLUGIN_WITH(Mailgun, "mailgun", "1.0.0", "Mailgun email API channel", Email)
