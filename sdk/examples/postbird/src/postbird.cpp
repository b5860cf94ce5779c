// postbird: a Herald channel plugin for Postbird, a (made-up) email API.
//
//  - postbird.email, a delivery step: POSTs each contact's message as JSON to
//    {base_url}/v1/messages through the host's HTTP service (pooled
//    keep-alive connections, TLS verified), at most `max_in_flight` at once,
//    and records Postbird's message id.
//  - /hooks/postbird/events, a webhook route on Herald's public listener:
//    checks Postbird's HMAC-SHA256 signature, then turns `delivered` and
//    `bounced` receipts into events (and a bounce into a suppression).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <charconv>
#include <deque>
#include <herald/sdk.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace {

// The plugin-wide part: its settings from `plugins: postbird:` in herald.yaml
// and the webhook route. Constructed once when Herald starts the plugin.
class Postbird : public herald::PluginBase {
 public:
  // Names ending in `key` or containing `secret` are masked in Herald's logs.
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "base_url": {"type": "string", "minLength": 1, "default": "https://api.postbird.example",
                   "description": "Postbird's API root, without a trailing slash"},
      "api_key": {"type": "string", "minLength": 1, "description": "Postbird API key"},
      "webhook_secret": {"type": "string", "minLength": 16,
                         "description": "The signing secret of Postbird's webhooks"},
      "max_in_flight": {"type": "integer", "minimum": 1, "maximum": 16, "default": 4,
                        "description": "Requests to Postbird at once: Postbird allows 4"}
    },
    "required": ["api_key", "webhook_secret"],
    "additionalProperties": false
  })";
  static constexpr const char* kWebhooks[] = {"/hooks/postbird/"};

  Postbird(herald::PluginContext ctx, const nlohmann::json& config)
      : PluginBase(ctx),
        base_url_(config.at("base_url").get<std::string>()),
        api_key_(config.at("api_key").get<std::string>()),
        webhook_secret_(config.at("webhook_secret").get<std::string>()),
        max_in_flight_(config.at("max_in_flight").get<size_t>()) {}

  const std::string& baseUrl() const { return base_url_; }
  const std::string& apiKey() const { return api_key_; }

  // Sends `req` to Postbird, at most max_in_flight requests at a time across
  // all batches; the rest wait here in order. Fewer requests at once means
  // fewer connections (the host keeps them alive and reuses them) and
  // Postbird's concurrency limit holds. `done` is always called, on the loop
  // (or at once, in the caller, if the host refuses the request).
  void send(herald::HttpRequest req, herald::Http::Callback done) {
    {
      std::lock_guard<std::mutex> lock(mu_);  // run() and callbacks run on different threads
      if (in_flight_ >= max_in_flight_) {
        waiting_.emplace_back(std::move(req), std::move(done));
        return;
      }
      ++in_flight_;
    }
    start(req, std::move(done));
  }

  // POST /hooks/postbird/events, header `X-Postbird-Signature: sha256=<hex>`
  // (HMAC-SHA256 of the raw body with the webhook secret), body
  // {"id": "evt_..", "type": "delivered"|"bounced", "email": "..",
  //  "message_id": "msg_..", "reason": ".."}.
  void webhook(const herald::WebhookRequest& req, herald::WebhookResponse& res) {
    if (req.path != "/hooks/postbird/events") {
      res.status = 404;
      return;
    }
    // Nothing in the body is trusted before the signature matches.
    if (!signatureMatches(req.header("x-postbird-signature"), req.body)) {
      res.status = 401;
      res.body = "bad signature\n";
      return;
    }
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("email") || !body["email"].is_string()) {
      res.status = 400;
      res.body = "expected a JSON object with an email\n";
      return;
    }
    const std::string type = body.value("type", "");
    if (type != "delivered" && type != "bounced") {
      res.status = 204;  // Postbird sends more kinds than we use; acknowledged.
      return;
    }
    const std::string email = body["email"];
    const std::string reason = body.value("reason", "");
    if (type == "bounced") events().suppress(email, "postbird bounce: " + reason);

    herald::Event event;
    event.email = email;
    event.type = type;
    event.event_id = body.value("id", "");  // Postbird resends: stored once
    event.properties = {{"provider", "postbird"}, {"message_id", body.value("message_id", "")}};
    if (!reason.empty()) event.properties["reason"] = reason;
    const herald::PluginContext log = context();
    const herald_status status = events().record(event, [log, email](herald_status stored) {
      if (stored == HERALD_ERR_NOT_FOUND)
        log.log(HERALD_LOG_WARN, "postbird webhook for an unknown contact " + email);
    });
    res.status = status == HERALD_OK ? 202 : 500;
  }

 private:
  bool signatureMatches(std::string_view header, std::string_view body) const {
    constexpr std::string_view kPrefix = "sha256=";
    if (!header.starts_with(kPrefix)) return false;
    header.remove_prefix(kPrefix.size());
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), webhook_secret_.data(), static_cast<int>(webhook_secret_.size()),
             reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac,
             &mac_len) == nullptr)
      return false;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string expected;
    for (unsigned int i = 0; i < mac_len; ++i) {
      expected += kHex[mac[i] >> 4];
      expected += kHex[mac[i] & 0xf];
    }
    // Constant time: the comparison must not tell a forger how much matched.
    return header.size() == expected.size() &&
           CRYPTO_memcmp(header.data(), expected.data(), expected.size()) == 0;
  }

  void start(const herald::HttpRequest& req, herald::Http::Callback done) {
    auto finished = [this, done](const herald::HttpResponse& r) {
      done(r);
      startNext();
    };
    if (http().request(req, finished) != HERALD_OK) {
      herald::HttpResponse refused;
      refused.transport_error = true;
      refused.retryable = true;
      refused.error = "the host refused the request";
      finished(refused);
    }
  }

  void startNext() {
    std::pair<herald::HttpRequest, herald::Http::Callback> next;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (waiting_.empty()) {
        --in_flight_;
        return;
      }
      next = std::move(waiting_.front());
      waiting_.pop_front();
    }
    start(next.first, std::move(next.second));
  }

  std::string base_url_;
  std::string api_key_;
  std::string webhook_secret_;
  size_t max_in_flight_;
  std::mutex mu_;
  size_t in_flight_ = 0;
  std::deque<std::pair<herald::HttpRequest, herald::Http::Callback>> waiting_;
};

// Retry-After in seconds (Postbird sends delta-seconds); 1 s when absent or
// unreadable.
int64_t retryAfterMs(const std::string& value) {
  int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || seconds < 1) seconds = 1;
  return seconds * 1000;
}

// Postbird's error text: {"error": "..."} or the raw body.
std::string providerError(const herald::HttpResponse& r) {
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  std::string text = body.is_object() && body.contains("error") && body["error"].is_string()
                         ? body["error"].get<std::string>()
                         : r.body.substr(0, 200);
  return "postbird answered " + std::to_string(r.status) + ": " + text;
}

// What one contact's delivery came to, from Postbird's answer.
herald::Outcome outcomeOf(const herald::HttpResponse& r) {
  if (r.transport_error) return herald::Fail{"postbird unreachable: " + r.error, r.retryable};
  if (r.status >= 200 && r.status < 300) {
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    const std::string id = body.is_object() ? body.value("id", "") : "";
    return herald::Continue{{{"postbird_message_id", id}}};
  }
  if (r.status == 429)  // not sent; the engine comes back for this contact
    return herald::RetryAfter{retryAfterMs(r.header("retry-after")), "postbird rate limit (429)"};
  // 5xx: Postbird's trouble, worth a retry; other 4xx: this message is refused.
  return herald::Fail{providerError(r), r.status >= 500};
}

class Email : public herald::Step {
 public:
  static constexpr const char* kName = "postbird.email";
  static constexpr const char* kSummary = "Sends an email through Postbird's HTTP API";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY;
  static constexpr const char* kChannel = "email";
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "from": {"type": "string", "minLength": 3, "description": "Sender address"},
      "subject": {"type": "string", "minLength": 1, "x-templated": true},
      "text": {"type": "string", "minLength": 1, "x-templated": true}
    },
    "required": ["from", "subject", "text"],
    "additionalProperties": false
  })";

  Email(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx), from_(config.at("from").get<std::string>()) {}

  void run(herald::Batch batch) override {
    // The batch outlives run(): the last HTTP answer completes it, on the loop.
    auto b = std::make_shared<herald::Batch>(std::move(batch));
    auto left = std::make_shared<std::atomic<size_t>>(b->size());
    auto settled = [b, left](size_t i, herald::Outcome outcome) {
      b->set(i, std::move(outcome));
      if (left->fetch_sub(1) == 1) b->complete();
    };
    if (b->size() == 0) {
      b->complete();
      return;
    }
    Postbird* postbird = context().pluginState<Postbird>();
    if (postbird == nullptr) {
      b->fail("the postbird plugin is not started");
      return;
    }

    for (size_t i = 0; i < b->size(); ++i) {
      const herald::Contact contact = b->contact(i);
      // subject and text were rendered for this contact by Herald.
      const nlohmann::json& rendered = contact.config();
      herald::HttpRequest req;
      req.method = "POST";
      req.url = postbird->baseUrl() + "/v1/messages";
      req.headers = {{"Authorization", "Bearer " + postbird->apiKey()},
                     {"Content-Type", "application/json"},
                     // Postbird drops a second message with the same key.
                     {"Idempotency-Key", std::string(contact.deliveryKey())}};
      req.body = nlohmann::json{{"from", from_},
                                {"to", std::string(contact.email())},
                                {"subject", rendered.value("subject", "")},
                                {"text", rendered.value("text", "")}}
                     .dump();
      if (b->dryRun()) {
        b->preview(i, req.body);
        settled(i, herald::Continue{});
        continue;
      }
      postbird->send(std::move(req),
                     [settled, i](const herald::HttpResponse& r) { settled(i, outcomeOf(r)); });
    }
  }

 private:
  std::string from_;
};

}  // namespace

HERALD_PLUGIN_WITH(Postbird, "postbird", "1.0.0", "Postbird email API channel", Email)
