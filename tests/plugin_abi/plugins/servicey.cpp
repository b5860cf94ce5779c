// An ABI 1.3 plugin (C++ SDK) that exercises each host service through the
// real host: one step type whose `mode` picks the service, a plugin class
// with settings, init/shutdown and a webhook route. Every asynchronous mode
// completes its batch from a host callback on the loop.
#include <chrono>
#include <memory>

#include "herald/sdk.hpp"

namespace {

class Servicey : public herald::PluginBase {
 public:
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "greeting": {"type": "string", "default": "hello"},
      "token": {"type": "string"}
    },
    "additionalProperties": false
  })";
  static constexpr const char* kWebhooks[] = {"/hooks/servicey/"};

  Servicey(herald::PluginContext ctx, const nlohmann::json& config)
      : PluginBase(ctx),
        greeting_(config.value("greeting", "")),
        token_(config.value("token", "")) {
    context().log(HERALD_LOG_INFO, "servicey started with greeting " + greeting_);
  }
  ~Servicey() override { context().log(HERALD_LOG_INFO, "servicey shut down"); }

  const std::string& greeting() const { return greeting_; }

  // POST /hooks/servicey/events with X-Token: <token>; body
  // {"email": ..., "event": "delivered"|"bounced"}.
  void webhook(const herald::WebhookRequest& req, herald::WebhookResponse& res) {
    if (req.header("x-token") != token_ || token_.empty()) {
      res.status = 401;
      res.body = "bad token\n";
      return;
    }
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("email")) {
      res.status = 400;
      return;
    }
    const std::string email = body["email"];
    if (body.value("event", "") == "bounced") {
      events().suppress(email, "bounced: " + body.value("why", std::string("no reason")));
    }
    herald::Event e;
    e.email = email;
    e.type = body.value("event", "delivered");
    e.properties = {{"via", "webhook"}, {"remote", std::string(req.remote_address)}};
    e.event_id = body.value("id", "");
    const herald_status s = events().record(e);
    res.status = s == HERALD_OK ? 202 : 500;
    res.content_type = "application/json";
    res.body = nlohmann::json{{"accepted", s == HERALD_OK}}.dump();
  }

 private:
  std::string greeting_;
  std::string token_;
};

class Call : public herald::Step {
 public:
  static constexpr const char* kName = "servicey.call";
  static constexpr const char* kSummary = "Uses one ABI 1.3 host service per batch";
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "mode": {"type": "string",
               "enum": ["http", "timer", "retry", "event", "suppress", "permits", "link",
                        "hang", "state", "smtp", "consent"]},
      "url": {"type": "string"},
      "delay_ms": {"type": "integer", "default": 20}
    },
    "required": ["mode"],
    "additionalProperties": false
  })";

  Call(herald::StepContext& ctx, const nlohmann::json& config)
      : Step(ctx),
        mode_(config["mode"]),
        url_(config.value("url", "")),
        delay_ms_(config.value("delay_ms", 20)) {}

  void cancelled(const void*) noexcept override { context().warn("cancelled by the host"); }

  void run(herald::Batch batch) override {
    // The Batch moves into the callback; shared so the lambda stays copyable.
    auto b = std::make_shared<herald::Batch>(std::move(batch));
    herald::StepContext& ctx = context();
    herald_status s = HERALD_OK;
    if (mode_ == "http") {
      herald::HttpRequest req;
      req.url = url_;
      req.headers = {{"X-Test", "servicey"}};
      s = ctx.http().request(req, [b](const herald::HttpResponse& r) {
        for (size_t i = 0; i < b->size(); ++i) {
          if (r.status == 429) {
            const std::string after = r.header("retry-after");
            b->set(i, herald::RetryAfter{(after.empty() ? 1 : std::stoll(after)) * 1000,
                                         "provider throttled (429)"});
          } else if (r.transport_error) {
            b->set(i, herald::Fail{r.error, r.retryable});
          } else {
            b->set(i, herald::Continue{{{"status", r.status}, {"body", r.body}}});
          }
        }
        b->complete();
      });
    } else if (mode_ == "timer") {
      const auto started = std::chrono::steady_clock::now();
      s = ctx.timers().start(static_cast<uint64_t>(delay_ms_), [b, started] {
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
        for (size_t i = 0; i < b->size(); ++i)
          b->set(i, herald::Continue{{{"timer", "fired"}, {"waited_ms", waited}}});
        b->complete();
      });
    } else if (mode_ == "retry") {
      for (size_t i = 0; i < b->size(); ++i)
        b->set(i, herald::RetryAfter{delay_ms_, "come back later"});
      b->complete();
    } else if (mode_ == "event") {
      auto left = std::make_shared<size_t>(b->size());
      for (size_t i = 0; i < b->size(); ++i) {
        herald::Event e;
        e.contact_id = b->contact(i).id();
        e.type = "delivered";
        e.properties = {{"provider", "servicey"}};
        s = ctx.events().record(e, [b, i, left](herald_status st) {
          b->set(i, herald::Continue{{{"recorded", st == HERALD_OK}}});
          if (--*left == 0) b->complete();
        });
        if (s != HERALD_OK) break;
      }
    } else if (mode_ == "suppress") {
      for (size_t i = 0; i < b->size(); ++i) {
        const herald_status st = ctx.events().suppress(b->contact(i).email(), "hard bounce 5.1.1");
        b->set(i, herald::Continue{{{"suppressed", st == HERALD_OK}}});
      }
      b->complete();
    } else if (mode_ == "consent") {
      // An SMS STOP from the contact's phone, from a number nobody has, and
      // from no number at all; then a reply event naming only the phone.
      const std::string phone = "+14155550100";  // ada's
      nlohmann::json vars = {
          {"stop", ctx.events().setConsent(phone, "sms", false, "sms-reply:test:STOP", "Stop")},
          {"unknown", ctx.events().setConsent("+19995550100", "sms", false, "sms-reply:test:STOP")},
          {"invalid", ctx.events().setConsent("not an address", "sms", false, "x")}};
      herald::Event e;
      e.phone = phone;
      e.type = "sms_reply";
      s = ctx.events().record(e, [b, vars](herald_status st) mutable {
        vars["reply"] = st;
        b->set(0, herald::Continue{vars});
        b->complete();
      });
    } else if (mode_ == "permits") {
      const auto started = std::chrono::steady_clock::now();
      auto left = std::make_shared<int>(3);
      for (int k = 0; k < 3 && s == HERALD_OK; ++k) {
        s = ctx.permits().acquire("domain:example.com", [b, left, started] {
          if (--*left > 0) return;
          const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
          for (size_t i = 0; i < b->size(); ++i)
            b->set(i, herald::Continue{{{"permits_ms", took}}});
          b->complete();
        });
      }
    } else if (mode_ == "link") {
      for (size_t i = 0; i < b->size(); ++i) {
        std::string url;
        const herald_status st = b->signLink(i, HERALD_LINK_UNSUBSCRIBE, url);
        b->set(i, herald::Continue{{{"link_status", static_cast<int>(st)}, {"url", url}}});
      }
      b->complete();
    } else if (mode_ == "state") {
      const auto* plugin = ctx.pluginState<Servicey>();
      for (size_t i = 0; i < b->size(); ++i)
        b->set(i, herald::Continue{{{"greeting", plugin ? plugin->greeting() : "(no state)"}}});
      b->complete();
    } else if (mode_ == "smtp") {
      s = ctx.smtp().send("herald@example.com", {"ada@example.com"}, "Subject: hi\r\n\r\nhi\r\n",
                          [b](const herald::SmtpResult& r) {
                            for (size_t i = 0; i < b->size(); ++i)
                              b->set(i, herald::Continue{{{"transport_error", r.transport_error},
                                                          {"error", r.error}}});
                            b->complete();
                          });
    }
    // "hang": kept, never completed; the host's deadline fails the batch and
    // calls cancelled().
    if (mode_ == "hang") kept_.push_back(b);
    if (s != HERALD_OK) b->fail("host service refused: status " + std::to_string(s));
  }

 private:
  std::string mode_;
  std::string url_;
  int64_t delay_ms_;
  std::vector<std::shared_ptr<herald::Batch>> kept_;
};

}  // namespace

HERALD_PLUGIN_WITH(Servicey, "servicey", "1.0.0", "Exercises the ABI 1.3 host services", Call)
