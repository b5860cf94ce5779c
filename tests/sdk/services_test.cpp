// The ABI 1.3 service wrappers of sdk.hpp/services.hpp through the fake
// host's services (testing_services.hpp): scripted HTTP and SMTP answers, a
// manual clock for timers, held permits, captured events, suppressions,
// links and webhook responses; and what a step sees on a 1.2 host.
#include <gtest/gtest.h>

#include "herald/sdk.hpp"
#include "herald/testing.hpp"

namespace {

using herald::testing::Host;
using herald::testing::TestContact;
using nlohmann::json;

class Acme : public herald::PluginBase {
 public:
  static constexpr const char* kSchema = R"({"type": "object", "properties": {
    "api_url": {"type": "string", "default": "https://api.acme.test/send"},
    "secret": {"type": "string", "default": "k"}}})";
  static constexpr const char* kWebhooks[] = {"/hooks/acme/"};
  Acme(herald::PluginContext ctx, const json& config)
      : PluginBase(ctx), url(config["api_url"]), secret(config["secret"]) {}
  void webhook(const herald::WebhookRequest& req, herald::WebhookResponse& res) {
    if (req.header("X-Acme-Signature") != secret) {
      res.status = 403;
      return;
    }
    const json body = json::parse(req.body);
    if (body["event"] == "bounce") events().suppress(body["to"].get<std::string>(), "bounce");
    herald::Event e;
    e.email = body["to"];
    e.type = body["event"] == "bounce" ? "bounced" : "delivered";
    events().record(e);
    res.status = 204;
  }
  std::string url;
  std::string secret;
};

// Asks a permit, POSTs to the provider, maps its answer to an outcome.
class Send : public herald::Step {
 public:
  static constexpr const char* kName = "acme.send";
  static constexpr const char* kSummary = "Sends through Acme";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {}})";
  static constexpr uint32_t kFlags = HERALD_STEP_DELIVERY;
  static constexpr const char* kChannel = "email";
  Send(herald::StepContext& ctx, const json&) : Step(ctx) {}
  void run(herald::Batch batch) override {
    auto b = std::make_shared<herald::Batch>(std::move(batch));
    const Acme* acme = context().pluginState<Acme>();
    const std::string url = acme ? acme->url : "https://unset.test/";
    herald::StepContext& ctx = context();
    const herald_status s = ctx.permits().acquire("provider:acme", [b, url, &ctx] {
      herald::HttpRequest req;
      req.method = "POST";
      req.url = url;
      req.body = json{{"to", std::string(b->contact(0).email())}}.dump();
      ctx.http().request(req, [b, &ctx](const herald::HttpResponse& r) {
        if (r.status == 429) {
          b->set(0, herald::RetryAfter{std::stoll(r.header("retry-after")) * 1000, "throttled"});
        } else {
          std::string link;
          b->signLink(0, HERALD_LINK_UNSUBSCRIBE, link);
          b->set(0, herald::Continue{{{"id", r.body}, {"unsubscribe", link}}});
          herald::Event e;
          e.contact_id = b->contact(0).id();
          e.type = "sent";
          ctx.events().record(e);
        }
        b->complete();
      });
    });
    if (s != HERALD_OK) b->fail("no permit service");
  }
};

// Waits for a timer, then submits over SMTP.
class Mail : public herald::Step {
 public:
  static constexpr const char* kName = "acme.mail";
  static constexpr const char* kSummary = "Mails later";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {}})";
  Mail(herald::StepContext& ctx, const json&) : Step(ctx) {}
  void run(herald::Batch batch) override {
    auto b = std::make_shared<herald::Batch>(std::move(batch));
    herald::StepContext& ctx = context();
    ctx.timers().start(5000, [b, &ctx] {
      ctx.smtp().send("from@acme.test", {"ada@example.com", "bad@example.com"},
                      "Subject: x\r\n\r\nx", [b](const herald::SmtpResult& r) {
                        b->set(0, herald::Continue{{{"rcpt0", r.recipients.at(0).code},
                                                    {"rcpt1", r.recipients.at(1).enhanced}}});
                        b->complete();
                      });
    });
  }
};

class Later : public herald::Step {
 public:
  static constexpr const char* kName = "acme.later";
  static constexpr const char* kSummary = "Later";
  static constexpr const char* kSchema = R"({"type": "object", "properties": {}})";
  Later(herald::StepContext& ctx, const json&) : Step(ctx) {}
  void run(herald::Batch b) override {
    b.set(0, herald::RetryAfter{1000, "later"});
    b.complete();
  }
};

TestContact ada() {
  TestContact c;
  c.id = 7;
  c.email = "ada@example.com";
  return c;
}

herald::testing::Plugin acmePlugin() {
  return herald::testing::Plugin::fromDescriptor(
      herald::detail::pluginDescriptorWith<Acme, Send, Mail>("acme", "1.0.0", "Acme"));
}

TEST(Services, AnHttpChannelSendsRecordsAndSignsThroughTheFakeHost) {
  Host host;
  const auto plugin = acmePlugin();
  ASSERT_EQ(host.startPlugin(plugin, {{"api_url", "https://api.acme.test/v1/send"}}), HERALD_OK);
  host.services().answerHttp([](const herald::HttpRequest& r) {
    return herald::HttpResponse{202, {}, "msg-1" + std::string(r.method == "POST" ? "" : "?")};
  });
  auto& step = host.create(plugin, "acme.send", json::object());
  const auto r = host.run(step, {ada()});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["id"], "msg-1");
  EXPECT_EQ(r.outcomes[0].vars["unsubscribe"], "https://links.test/u/7/step");
  const auto sent = host.services().httpRequests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://api.acme.test/v1/send");
  EXPECT_EQ(json::parse(sent[0].body)["to"], "ada@example.com");
  EXPECT_EQ(host.services().permitsAsked(), std::vector<std::string>{"provider:acme"});
  ASSERT_EQ(host.services().events().size(), 1u);
  EXPECT_EQ(host.services().events()[0].type, "sent");
  EXPECT_TRUE(host.bugs().empty());
}

TEST(Services, A429BecomesRetryAfter) {
  Host host;
  const auto plugin = acmePlugin();
  ASSERT_EQ(host.startPlugin(plugin), HERALD_OK);
  host.services().answerHttp([](const herald::HttpRequest&) {
    return herald::HttpResponse{429, {{"Retry-After", "30"}}, ""};
  });
  auto& step = host.create(plugin, "acme.send", json::object());
  const auto r = host.run(step, {ada()});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(r.outcomes[0].retry_after_ms, 30000);
  EXPECT_EQ(r.outcomes[0].reason, "throttled");
}

TEST(Services, HeldPermitsKeepTheBatchWaiting) {
  Host host;
  const auto plugin = acmePlugin();
  ASSERT_EQ(host.startPlugin(plugin), HERALD_OK);
  host.services().holdPermits(true);
  auto& step = host.create(plugin, "acme.send", json::object());
  herald::testing::RunOptions opts;
  opts.deadline = std::chrono::milliseconds(50);
  auto pending = host.start(step, {ada()}, opts);
  EXPECT_TRUE(host.services().httpRequests().empty());
  host.services().grantPermits();
  const auto r = pending.wait();
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(host.services().httpRequests().size(), 1u);
}

TEST(Services, TimersRunOnTheManualClockAndSmtpRepliesArePerRecipient) {
  Host host;
  const auto plugin = acmePlugin();
  host.services().answerSmtp([](const herald::testing::SmtpCall& m) {
    herald::SmtpResult res;
    res.recipients.push_back({250, "2.1.5", "ok"});
    res.recipients.push_back({550, "5.1.1", "no such user"});
    res.data = herald::SmtpReply{250, "2.0.0", "queued"};
    EXPECT_EQ(m.recipients.size(), 2u);
    return res;
  });
  auto& step = host.create(plugin, "acme.mail", json::object());
  herald::testing::RunOptions opts;
  opts.deadline = std::chrono::seconds(5);
  auto pending = host.start(step, {ada()}, opts);
  host.services().advance(4999);
  EXPECT_EQ(host.services().pendingTimers(), 1u);
  EXPECT_TRUE(host.services().smtpMessages().empty());
  host.services().advance(1);
  const auto r = pending.wait();
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["rcpt0"], 250);
  EXPECT_EQ(r.outcomes[0].vars["rcpt1"], "5.1.1");
}

TEST(Services, AWebhookTurnsIntoEventsAndSuppressionsAndAForgeryIsRefused) {
  Host host;
  const auto plugin = acmePlugin();
  ASSERT_EQ(host.startPlugin(plugin, {{"secret", "s3"}}), HERALD_OK);
  auto res = host.webhook("POST", "/hooks/acme/events", {{"X-Acme-Signature", "nope"}},
                          R"({"event": "bounce", "to": "ada@example.com"})");
  EXPECT_EQ(res.status, 403);
  EXPECT_TRUE(host.services().suppressions().empty());
  res = host.webhook("POST", "/hooks/acme/events", {{"X-Acme-Signature", "s3"}},
                     R"({"event": "bounce", "to": "ada@example.com"})");
  EXPECT_EQ(res.status, 204);
  ASSERT_EQ(host.services().suppressions().size(), 1u);
  EXPECT_EQ(host.services().suppressions()[0].reason, "bounce");
  ASSERT_EQ(host.services().events().size(), 1u);
  EXPECT_EQ(host.services().events()[0].type, "bounced");
  EXPECT_EQ(host.webhook("GET", "/hooks/other/", {}, "").status, 404);
}

TEST(Services, WithoutLinkKeysSignLinkIsUnsupported) {
  Host host;
  host.services().setLinksAvailable(false);
  const auto plugin = acmePlugin();
  ASSERT_EQ(host.startPlugin(plugin), HERALD_OK);
  auto& step = host.create(plugin, "acme.send", json::object());
  const auto r = host.run(step, {ada()});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["unsubscribe"], "");
}

TEST(Services, OnAnAbi12HostServicesAreUnsupportedAndRetryAfterFallsBack) {
  Host host;
  host.emulateAbiMinor(2);
  const auto plugin = acmePlugin();
  auto& step = host.create(plugin, "acme.send", json::object());
  const auto r = host.run(step, {ada()});
  ASSERT_TRUE(r.completed);
  EXPECT_EQ(r.error, "no permit service");

  // A RetryAfter outcome reaches a 1.2 host as a retryable failure.
  auto& later = host.create<Later>(json::object());
  const auto r2 = host.run(later, {ada()});
  ASSERT_TRUE(r2.ok()) << r2.error;
  EXPECT_EQ(r2.outcomes[0].kind, HERALD_OUTCOME_FAIL_RETRYABLE);
  EXPECT_EQ(r2.outcomes[0].reason, "later");
}

}  // namespace
