// The built mailgun.so under the SDK's fake host: the form Mailgun gets, the
// outcome of each kind of answer, the refusals a user causes (with their
// messages) and the webhooks' HMAC verification. No network.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <herald/testing.hpp>
#include <map>
#include <sstream>
#include <string>

#include "encoding.hpp"

namespace {

using herald::testing::Host;
using herald::testing::Plugin;

const std::string kSigningKey = "whsk-0123456789abcdef";

const Plugin& plugin() {
  static const Plugin p = Plugin::load(MAILGUN_PLUGIN_FILE);
  return p;
}

const nlohmann::json kStep = {{"from", "Shop <shop@example.com>"},
                              {"subject", "Hi & welcome"},
                              {"text", "Hello"},
                              {"api_key", "key-1"}};

// Decodes an application/x-www-form-urlencoded body.
std::map<std::string, std::string> form(const std::string& body) {
  auto decode = [](std::string s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  std::stringstream in(body);
  std::string pair;
  while (std::getline(in, pair, '&')) {
    const auto eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
  }
  return out;
}

nlohmann::json signature(int64_t shift = 0, const std::string& token = "tok-1") {
  const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count() +
                                        shift);
  const std::string data = ts + token;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSigningKey.data(), static_cast<int>(kSigningKey.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return {{"timestamp", ts},
          {"token", token},
          {"signature",
           herald::provider::hexEncode(std::string_view(reinterpret_cast<char*>(mac), len))}};
}

class MailgunStep : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(plugin().problems().empty());
    ASSERT_EQ(host.startPlugin(plugin(), {{"base_url", "https://mg.test"},
                                          {"domain", "mg.example.com"},
                                          {"webhook_signing_key", kSigningKey}}),
              HERALD_OK);
  }
  herald::WebhookResponse post(const nlohmann::json& sig, const nlohmann::json& event) {
    return host.webhook("POST", "/hooks/mailgun/events", {{"Content-Type", "application/json"}},
                        nlohmann::json{{"signature", sig}, {"event-data", event}}.dump());
  }
  Host host;
};

TEST_F(MailgunStep, PostsAFormWithTheLedgerKeyAndUnsubscribeHeaders) {
  host.services().answerHttp([](const herald::HttpRequest&) {
    return herald::HttpResponse{200, {}, R"({"id": "<m1@mg.example.com>", "message": "Queued."})"};
  });
  auto& step = host.create(plugin(), "mailgun.email", kStep);
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  const auto result = step.run({{.id = 7, .email = "ann@example.com", .delivery_key = "w/s/7"}});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(result.outcomes[0].vars["mailgun_message_id"], "<m1@mg.example.com>");
  const auto sent = host.services().httpRequests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://mg.test/v3/mg.example.com/messages");
  EXPECT_EQ((herald::HttpResponse{0, sent[0].headers, ""}.header("authorization")),
            "Basic " + herald::provider::base64Encode("api:key-1"));
  const auto f = form(sent[0].body);
  EXPECT_EQ(f.at("from"), "Shop <shop@example.com>");
  EXPECT_EQ(f.at("to"), "ann@example.com");
  EXPECT_EQ(f.at("subject"), "Hi & welcome");
  EXPECT_EQ(f.at("v:herald_key"), "w/s/7");
  EXPECT_EQ(f.at("v:herald_contact"), "7");
  EXPECT_EQ(f.at("h:List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_TRUE(f.at("h:List-Unsubscribe").starts_with("<https://"));
}

TEST_F(MailgunStep, EachAnswerHasItsOutcome) {
  host.services().answerHttp([](const herald::HttpRequest& r) {
    const std::string to = form(r.body).at("to");
    if (to == "bad@example.com")
      return herald::HttpResponse{
          400,
          {},
          R"({"message": "'to' parameter is not a valid address. please check documentation"})"};
    if (to == "slow@example.com") return herald::HttpResponse{429, {{"Retry-After", "2"}}, ""};
    herald::HttpResponse down;
    down.transport_error = true;
    down.retryable = true;
    down.error = "connection reset";
    return down;
  });
  auto& step = host.create(plugin(), "mailgun.email", kStep);
  const auto result = step.run({{.id = 1, .email = "bad@example.com"},
                                {.id = 2, .email = "slow@example.com"},
                                {.id = 3, .email = "down@example.com"}});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[0].reason,
            "mailgun refused the message (400): 'to' parameter is not a valid address. please "
            "check documentation");
  EXPECT_EQ(result.outcomes[1].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(result.outcomes[1].retry_after_ms, 2000);
  EXPECT_EQ(result.outcomes[2].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(result.outcomes[2].reason, "mailgun unreachable: connection reset");
}

TEST(MailgunPlugin, WithoutADomainTheBatchFailsSayingWhereToSetIt) {
  Host host;
  ASSERT_EQ(host.startPlugin(plugin(), nlohmann::json::object()), HERALD_OK);
  auto& step = host.create(plugin(), "mailgun.email", kStep);
  const auto result = step.run({{.id = 1, .email = "ann@example.com"}});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error,
            "mailgun.email has no sending domain: set 'domain:' on the step or plugins: mailgun: "
            "domain: in herald.yaml");
  const auto res = host.webhook("POST", "/hooks/mailgun/events", {}, "{}");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.body, "plugins: mailgun: webhook_signing_key is not set in herald.yaml\n");
  EXPECT_TRUE(host.logged("a webhook post to /hooks/mailgun/events was refused (503)"));
}

TEST_F(MailgunStep, SignedEventsBecomeEventsAndSuppressions) {
  const auto permanent =
      nlohmann::json{{"event", "failed"},
                     {"severity", "permanent"},
                     {"recipient", "b@example.com"},
                     {"id", "ev-1"},
                     {"delivery-status", {{"code", 550}, {"message", "5.1.1 unknown"}}},
                     {"user-variables", {{"herald_contact", "12"}, {"herald_key", "w/s/12"}}}};
  auto res = post(signature(0, "t1"), permanent);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "handled bounced\n");
  EXPECT_EQ(post(signature(0, "t2"),
                 {{"event", "failed"}, {"severity", "temporary"}, {"recipient", "c@example.com"}})
                .body,
            "handled deferred\n");
  EXPECT_EQ(
      post(signature(0, "t3"), {{"event", "complained"}, {"recipient", "d@example.com"}}).body,
      "handled complained\n");
  EXPECT_EQ(
      post(signature(0, "t4"), {{"event", "unsubscribed"}, {"recipient", "e@example.com"}}).body,
      "handled unsubscribed\n");
  EXPECT_EQ(post(signature(0, "t5"), {{"event", "accepted"}, {"recipient", "f@example.com"}}).body,
            "ignored\n");
  host.services().runLoop();
  const auto events = host.services().events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].contact_id, 12);
  EXPECT_EQ(events[0].type, "bounced");
  EXPECT_EQ(events[0].event_id, "mailgun:ev-1");
  EXPECT_EQ(events[0].properties["herald_key"], "w/s/12");
  EXPECT_EQ(events[1].type, "deferred");
  std::vector<std::string> suppressed;
  for (const auto& s : host.services().suppressions())
    suppressed.push_back(s.address + ": " + s.reason);
  EXPECT_EQ(suppressed,
            (std::vector<std::string>{"b@example.com: mailgun bounce: 550 5.1.1 unknown",
                                      "d@example.com: mailgun complaint",
                                      "e@example.com: mailgun unsubscribe"}));
}

TEST_F(MailgunStep, ForgedStaleAndReplayedPostsChangeNothing) {
  const auto bounce = nlohmann::json{
      {"event", "failed"}, {"severity", "permanent"}, {"recipient", "b@example.com"}};
  auto forged = signature(0, "t1");
  forged["signature"] = std::string(64, '0');
  auto res = post(forged, bounce);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.body, "bad signature\n");
  auto other_token = signature(0, "t1");
  other_token["token"] = "t2";  // the signature no longer covers it
  EXPECT_EQ(post(other_token, bounce).status, 401);
  res = post(signature(-301, "t3"), bounce);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.body, "stale timestamp\n");
  EXPECT_EQ(host.webhook("POST", "/hooks/mailgun/events", {}, "not json").status, 401);
  res = post(signature(0, "t4"), {{"event", "delivered"}, {"recipient", "a@example.com"}});
  EXPECT_EQ(res.status, 200);
  res = post(signature(0, "t4"), bounce);  // a captured signature with other event data
  EXPECT_EQ(res.status, 406);
  EXPECT_EQ(res.body, "replayed token\n");
  host.services().runLoop();
  EXPECT_EQ(host.services().events().size(), 1u);
  EXPECT_TRUE(host.services().suppressions().empty());
}

}  // namespace
