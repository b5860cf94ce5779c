// The built sendgrid.so under the SDK's fake host: the request SendGrid gets,
// the outcome of each kind of answer, dry runs, the refusals a user causes
// (with their messages) and the Event Webhook's ECDSA verification, with a
// P-256 key made here. No network.
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <herald/testing.hpp>
#include <string>

#include "encoding.hpp"

namespace {

using herald::testing::Host;
using herald::testing::Plugin;

const Plugin& plugin() {
  static const Plugin p = Plugin::load(SENDGRID_PLUGIN_FILE);
  return p;
}

// A P-256 key pair: the verification key as SendGrid shows it (base64 DER),
// and signatures as SendGrid makes them.
class Signer {
 public:
  Signer() : key_(EVP_EC_gen("P-256")) {}
  ~Signer() { EVP_PKEY_free(key_); }
  std::string publicKey() const {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key_, &der);
    std::string out = herald::provider::base64Encode(
        std::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(len)));
    OPENSSL_free(der);
    return out;
  }
  std::string sign(const std::string& data) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_);
    EVP_DigestSignUpdate(ctx, data.data(), data.size());
    EVP_DigestSignFinal(ctx, nullptr, &len);
    std::string sig(len, '\0');
    EVP_DigestSignFinal(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len);
    sig.resize(len);
    EVP_MD_CTX_free(ctx);
    return herald::provider::base64Encode(sig);
  }

 private:
  EVP_PKEY* key_;
};

std::string nowSeconds(int64_t shift = 0) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() +
                        shift);
}

const nlohmann::json kStep = {
    {"from", "shop@example.com"}, {"subject", "Hi"}, {"text", "Hello"}, {"api_key", "SG.key"}};

class SendGridStep : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(plugin().problems().empty());
    ASSERT_EQ(host.startPlugin(plugin(), {{"base_url", "https://sg.test"},
                                          {"webhook_public_key", signer.publicKey()}}),
              HERALD_OK);
  }
  herald::WebhookResponse post(const std::string& body, const std::string& ts,
                               const std::string& signature) {
    return host.webhook("POST", "/hooks/sendgrid/events",
                        {{"X-Twilio-Email-Event-Webhook-Signature", signature},
                         {"X-Twilio-Email-Event-Webhook-Timestamp", ts}},
                        body);
  }
  Signer signer;
  Host host;
};

TEST_F(SendGridStep, SendsOnePersonalizationPerContactWithTheLedgerKeyAndUnsubscribeHeaders) {
  host.services().answerHttp([](const herald::HttpRequest&) {
    return herald::HttpResponse{202, {{"X-Message-Id", "sg-1"}}, ""};
  });
  auto& step = host.create(plugin(), "sendgrid.email", kStep);
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  const auto result = step.run({{.id = 7,
                                 .email = "ann@example.com",
                                 .first_name = "Ann",
                                 .delivery_key = "welcome/send/7"}});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(result.outcomes[0].vars["sendgrid_message_id"], "sg-1");
  const auto sent = host.services().httpRequests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, "https://sg.test/v3/mail/send");
  EXPECT_EQ((herald::HttpResponse{0, sent[0].headers, ""}.header("authorization")),
            "Bearer SG.key");
  const auto body = nlohmann::json::parse(sent[0].body);
  EXPECT_EQ(body["personalizations"][0]["to"][0],
            (nlohmann::json{{"email", "ann@example.com"}, {"name", "Ann"}}));
  EXPECT_EQ(body["personalizations"][0]["custom_args"],
            (nlohmann::json{{"herald_key", "welcome/send/7"}, {"herald_contact", "7"}}));
  EXPECT_EQ(body["headers"]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
  EXPECT_TRUE(body["headers"]["List-Unsubscribe"].get<std::string>().starts_with("<https://"))
      << body.dump();
  EXPECT_EQ(body["content"],
            (nlohmann::json::array({{{"type", "text/plain"}, {"value", "Hello"}}})));
  // Each send asked the rate limiter: the account, then the recipient's domain.
  EXPECT_EQ(host.services().permitsAsked(),
            (std::vector<std::string>{"provider:default", "domain:example.com"}));
}

TEST_F(SendGridStep, EachAnswerHasItsOutcome) {
  host.services().answerHttp([](const herald::HttpRequest& r) {
    const std::string to = nlohmann::json::parse(r.body)["personalizations"][0]["to"][0]["email"];
    if (to == "bad@example.com")
      return herald::HttpResponse{
          400,
          {},
          R"({"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email"}]})"};
    if (to == "slow@example.com") return herald::HttpResponse{429, {{"Retry-After", "3"}}, ""};
    if (to == "down@example.com") return herald::HttpResponse{503, {}, "upstream trouble"};
    return herald::HttpResponse{202, {}, ""};
  });
  auto& step = host.create(plugin(), "sendgrid.email", kStep);
  const auto result = step.run({{.id = 1, .email = "bad@example.com"},
                                {.id = 2, .email = "slow@example.com"},
                                {.id = 3, .email = "down@example.com"}});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[0].reason,
            "sendgrid refused the message (400): Does not contain a valid address. "
            "(personalizations.0.to.0.email)");
  EXPECT_EQ(result.outcomes[1].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(result.outcomes[1].retry_after_ms, 3000);
  EXPECT_EQ(result.outcomes[2].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(result.outcomes[2].reason, "sendgrid answered 503: upstream trouble");
}

TEST_F(SendGridStep, ADryRunPreviewsTheRequestAndSendsNothing) {
  auto& step = host.create(plugin(), "sendgrid.email", kStep);
  const auto result = step.run({{.id = 1, .email = "ann@example.com"}}, {.dry_run = true});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(host.services().httpRequests().empty());
  ASSERT_EQ(result.previews.count(0), 1u);
  EXPECT_NE(result.previews.at(0).find("\"subject\":\"Hi\""), std::string::npos);
}

TEST_F(SendGridStep, WithoutLinkKeysAMarketingMessageFailsSayingWhatToConfigure) {
  host.services().setLinksAvailable(false);
  auto& step = host.create(plugin(), "sendgrid.email", kStep);
  const auto result = step.run({{.id = 1, .email = "ann@example.com"}});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[0].reason,
            "sendgrid.email: no signed unsubscribe link: configure links.keys in herald.yaml (or "
            "set list_unsubscribe: false on a transactional step)");
  EXPECT_TRUE(host.services().httpRequests().empty());

  auto config = kStep;
  config["list_unsubscribe"] = false;
  host.services().answerHttp([](const herald::HttpRequest&) {
    return herald::HttpResponse{202, {}, ""};
  });
  auto& transactional = host.create(plugin(), "sendgrid.email", config);
  const auto sent = transactional.run({{.id = 1, .email = "ann@example.com"}});
  EXPECT_EQ(sent.outcomes[0].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_FALSE(nlohmann::json::parse(host.services().httpRequests()[0].body).contains("headers"));
}

TEST_F(SendGridStep, AStepWithoutABodyIsRefusedWithItsMessage) {
  auto config = kStep;
  config.erase("text");
  auto& step = host.create(plugin(), "sendgrid.email", config);
  EXPECT_FALSE(step.ok());
  EXPECT_NE(
      step.diagnosticsText().find("sendgrid.email needs a body: write 'text:', 'html:' or both"),
      std::string::npos)
      << step.diagnosticsText();
}

TEST(SendGridPlugin, AKeyThatIsNotAPublicKeyStopsTheStartWithItsMessage) {
  Host host;
  EXPECT_NE(host.startPlugin(plugin(), {{"webhook_public_key", std::string(60, 'A')}}), HERALD_OK);
  EXPECT_TRUE(host.logged("webhook_public_key is not a public key")) << host.logs().size();
}

TEST(SendGridPlugin, WithoutAKeyTheWebhookAnswers503SayingWhatToSet) {
  Host host;
  ASSERT_EQ(host.startPlugin(plugin(), nlohmann::json::object()), HERALD_OK);
  const auto res = host.webhook("POST", "/hooks/sendgrid/events", {}, "[]");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.body, "plugins: sendgrid: webhook_public_key is not set in herald.yaml\n");
  EXPECT_TRUE(
      host.logged("a webhook post to /hooks/sendgrid/events was refused (503): plugins: "
                  "sendgrid: webhook_public_key is not set in herald.yaml"));
}

TEST_F(SendGridStep, SignedEventsBecomeEventsAndSuppressionsOnce) {
  const std::string body =
      nlohmann::json::array(
          {
              {{"email", "a@example.com"},
               {"event", "delivered"},
               {"sg_event_id", "e1"},
               {"herald_contact", "11"},
               {"timestamp", 1700000000}},
              {{"email", "b@example.com"},
               {"event", "bounce"},
               {"type", "bounce"},
               {"status", "5.1.1"},
               {"reason", "no such user"},
               {"sg_event_id", "e2"}},
              {{"email", "c@example.com"},
               {"event", "bounce"},
               {"type", "blocked"},
               {"sg_event_id", "e3"}},
              {{"email", "d@example.com"},
               {"event", "dropped"},
               {"reason", "Bounced Address"},
               {"sg_event_id", "e4"}},
              {{"email", "e@example.com"}, {"event", "spamreport"}, {"sg_event_id", "e5"}},
              {{"email", "f@example.com"}, {"event", "group_unsubscribe"}, {"sg_event_id", "e6"}},
              {{"email", "g@example.com"}, {"event", "open"}, {"sg_event_id", "e7"}},
          })
          .dump();
  const std::string ts = nowSeconds();
  auto res = post(body, ts, signer.sign(ts + body));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "handled 7, duplicates 0\n");
  res = post(body, ts, signer.sign(ts + body));
  EXPECT_EQ(res.body, "handled 0, duplicates 7\n");
  host.services().runLoop();
  const auto events = host.services().events();
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e.email + " " + e.type);
  EXPECT_EQ(types, (std::vector<std::string>{
                       "a@example.com delivered", "b@example.com bounced", "c@example.com blocked",
                       "d@example.com bounced", "e@example.com complained",
                       "f@example.com unsubscribed", "g@example.com opened"}));
  EXPECT_EQ(events[0].contact_id, 11);
  EXPECT_EQ(events[0].event_id, "sendgrid:e1");
  EXPECT_EQ(events[0].at_ms, 1700000000000);
  std::vector<std::string> suppressed;
  for (const auto& s : host.services().suppressions())
    suppressed.push_back(s.address + ": " + s.reason);
  EXPECT_EQ(suppressed,
            (std::vector<std::string>{"b@example.com: sendgrid bounce: 5.1.1 no such user",
                                      "d@example.com: sendgrid dropped: Bounced Address",
                                      "e@example.com: sendgrid spam report",
                                      "f@example.com: sendgrid group_unsubscribe"}));
}

TEST_F(SendGridStep, ForgedStaleAndMalformedPostsChangeNothing) {
  const std::string body =
      R"([{"email": "b@example.com", "event": "bounce", "type": "bounce", "sg_event_id": "x"}])";
  const std::string ts = nowSeconds();
  const std::string good = signer.sign(ts + body);
  std::string forged_body = body;
  forged_body.replace(forged_body.find("b@"), 2, "z@");
  EXPECT_EQ(post(forged_body, ts, good).status, 401) << "the body changed after signing";
  EXPECT_EQ(post(body, nowSeconds(1), good).status, 401) << "another timestamp";
  EXPECT_EQ(post(body, ts, "").status, 401) << "no signature";
  EXPECT_EQ(post(body, ts, "not base64!").status, 401);
  Signer other;
  EXPECT_EQ(post(body, ts, other.sign(ts + body)).body, "bad signature\n") << "another key";
  const std::string old = nowSeconds(-301);
  const auto stale = post(body, old, signer.sign(old + body));
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(stale.body, "stale timestamp\n");
  const std::string object = R"({"email": "b@example.com"})";
  const auto malformed = post(object, ts, signer.sign(ts + object));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body, "expected a JSON array of events\n");
  EXPECT_EQ(host.webhook("GET", "/hooks/sendgrid/events", {}, "").status, 405);
  EXPECT_EQ(host.webhook("POST", "/hooks/sendgrid/other", {}, "").status, 404);
  host.services().runLoop();
  EXPECT_TRUE(host.services().events().empty());
  EXPECT_TRUE(host.services().suppressions().empty());
}

}  // namespace
