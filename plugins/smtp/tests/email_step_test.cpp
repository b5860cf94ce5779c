// smtp.email through the real smtp.so and the SDK's fake host (scripted
// SMTP replies, fake signed links).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <herald/testing.hpp>

namespace {

using herald::SmtpReply;
using herald::SmtpResult;
using herald::testing::Host;
using herald::testing::Plugin;
using herald::testing::RunOptions;
using herald::testing::SmtpCall;
using herald::testing::TestContact;

const Plugin& plugin() {
  static const Plugin p = Plugin::load(SMTP_PLUGIN_FILE);
  return p;
}

const nlohmann::json kConfig = {{"from", "\"ヘラルド通信\" <news@acme.example>"},
                                {"subject", "{{ contact.first_name }}님, 가을 신상품"},
                                {"text", "Hi"},
                                {"html", "<p>Hi</p>"}};

TestContact minjun(nlohmann::json rendered = nullptr) {
  if (rendered.is_null()) {
    rendered = {{"from", "\"ヘラルド通信\" <news@acme.example>"},
                {"subject", "민준님, 가을 신상품"},
                {"text", "안녕하세요 민준님"},
                {"html",
                 "<html><body><p>안녕하세요 <a href=\"https://shop.example/a\">shop</a>"
                 "</p></body></html>"}};
  }
  return {.id = 7,
          .email = "minjun@example.kr",
          .first_name = "민준",
          .last_name = "김",
          .config = rendered,
          .delivery_key = "autumn/r1/send/7/0"};
}

SmtpResult reply(int rcpt_code, std::string enhanced, std::string text) {
  SmtpResult r;
  r.mail_from = SmtpReply{250, "2.1.0", "Ok"};
  r.recipients = {SmtpReply{rcpt_code, std::move(enhanced), std::move(text)}};
  if (rcpt_code < 300) r.data = SmtpReply{250, "2.0.0", "Ok: queued as 9QX2"};
  return r;
}

TEST(SmtpPlugin, DescriptorIsWellFormed) {
  EXPECT_TRUE(plugin().problems().empty());
  EXPECT_EQ(plugin().name(), "smtp");
  EXPECT_EQ(plugin().stepTypeNames(), (std::vector<std::string>{"smtp.email"}));
  const herald_step_type* email = plugin().find("smtp.email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->flags, HERALD_STEP_DELIVERY);
  EXPECT_STREQ(email->channel, "email");
  const auto schema = nlohmann::json::parse(email->config_schema);
  EXPECT_EQ(schema["properties"]["subject"]["x-templated"], true);
  EXPECT_EQ(schema["properties"]["html"]["x-templated"], "html");
  EXPECT_EQ(schema["properties"]["dkim_key"]["x-secret"], true);
  EXPECT_EQ(schema["properties"]["track_opens"]["default"], false);
  EXPECT_EQ(schema["properties"]["track_clicks"]["default"], false);
}

TEST(SmtpEmail, SendsAMarketingMessageWithOneClickUnsubscribe) {
  Host host;
  host.services().answerSmtp([](const SmtpCall&) { return reply(250, "2.1.5", "Ok"); });
  auto& step = host.create(plugin(), "smtp.email", kConfig);
  ASSERT_EQ(step.status(), HERALD_OK) << step.diagnosticsText();
  const auto result = host.run(step, {minjun()});
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_CONTINUE) << result.outcomes[0].reason;
  EXPECT_EQ(result.outcomes[0].vars["smtp_queue_id"], "9QX2");
  EXPECT_EQ(result.outcomes[0].vars["message_id"], "<herald.autumn.r1.send.7.0@acme.example>");
  const auto sent = host.services().smtpMessages();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].sender, "news@acme.example");
  EXPECT_EQ(sent[0].recipients, (std::vector<std::string>{"minjun@example.kr"}));
  const std::string& eml = sent[0].data;
  EXPECT_NE(eml.find("List-Unsubscribe: <https://links.test/u/7/"), std::string::npos) << eml;
  EXPECT_NE(eml.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
  EXPECT_NE(eml.find("To: =?UTF-8?B?"), std::string::npos) << eml;
  EXPECT_NE(eml.find("Content-Type: multipart/alternative;"), std::string::npos);
  // Tracking is off unless asked for.
  EXPECT_EQ(eml.find("links.test/c/"), std::string::npos);
  EXPECT_EQ(eml.find("links.test/o/"), std::string::npos);
  EXPECT_EQ(eml.find("DKIM-Signature"), std::string::npos);
}

TEST(SmtpEmail, EachMessageWaitsForItsRecipientDomainsPermit) {
  Host host;
  host.services().answerSmtp([](const SmtpCall&) { return reply(250, "", "Ok"); });
  host.services().holdPermits(true);
  auto& step = host.create(plugin(), "smtp.email", kConfig);
  TestContact upper = minjun();
  upper.id = 8;
  upper.email = "Sora@Example.KR";
  upper.delivery_key = "autumn/r1/send/8/0";
  auto pending = host.start(step, {minjun(), upper});
  host.services().runLoop();
  EXPECT_TRUE(host.services().smtpMessages().empty());
  EXPECT_EQ(host.services().permitsAsked(),
            (std::vector<std::string>{"domain:example.kr", "domain:example.kr"}));
  host.services().grantPermits();
  const auto result = pending.wait();
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(host.services().smtpMessages().size(), 2u);
}

TEST(SmtpEmail, HardBounceFailsTheContactAndSuppressesTheAddress) {
  Host host;
  host.services().answerSmtp(
      [](const SmtpCall&) { return reply(550, "5.1.1", "<minjun@example.kr>: user unknown"); });
  auto& step = host.create(plugin(), "smtp.email", kConfig);
  const auto result = host.run(step, {minjun()});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[0].reason,
            "smtp: hard bounce: 550 5.1.1 <minjun@example.kr>: user unknown");
  const auto suppressed = host.services().suppressions();
  ASSERT_EQ(suppressed.size(), 1u);
  EXPECT_EQ(suppressed[0].address, "minjun@example.kr");
  // Stored against a hash of the address: the reason must not name it.
  EXPECT_EQ(suppressed[0].reason, "smtp hard bounce: 550 5.1.1 <[recipient]>: user unknown");
  const auto events = host.services().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "bounced");
}

TEST(SmtpEmail, TemporaryRefusalRetriesLaterWithoutFailing) {
  Host host(nlohmann::json{{"retry_after_seconds", 30}});
  host.services().answerSmtp([](const SmtpCall&) { return reply(451, "4.7.1", "greylisted"); });
  auto& step = host.create(plugin(), "smtp.email", kConfig);
  const auto result = host.run(step, {minjun()});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(result.outcomes[0].retry_after_ms, 30000);
  EXPECT_TRUE(host.services().suppressions().empty());
}

TEST(SmtpEmail, TrackingRewritesLinksAndAddsThePixelWhenAsked) {
  Host host;
  host.services().answerSmtp([](const SmtpCall&) { return reply(250, "", "Ok"); });
  nlohmann::json config = kConfig;
  config["track_opens"] = true;
  config["track_clicks"] = true;
  auto& step = host.create(plugin(), "smtp.email", config);
  nlohmann::json rendered = minjun().config.value();
  rendered["text"] = "hi";  // ASCII: the HTML part stays readable quoted-printable
  rendered["html"] = "<body><a href=\"https://shop.example/a\">shop</a></body>";
  ASSERT_TRUE(host.run(step, {minjun(rendered)}).ok());
  const std::string eml = host.services().smtpMessages().at(0).data;
  EXPECT_NE(eml.find("links.test/c/7/"), std::string::npos) << eml;
  EXPECT_NE(eml.find("links.test/o/7/"), std::string::npos) << eml;
}

TEST(SmtpEmail, TransactionalMessagesHaveNoListUnsubscribe) {
  Host host;
  host.services().answerSmtp([](const SmtpCall&) { return reply(250, "", "Ok"); });
  nlohmann::json config = kConfig;
  config["transactional"] = true;
  host.services().setLinksAvailable(false);
  auto& step = host.create(plugin(), "smtp.email", config);
  const auto result = host.run(step, {minjun()});
  ASSERT_EQ(result.outcomes.at(0).kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(host.services().smtpMessages().at(0).data.find("List-Unsubscribe"), std::string::npos);
}

TEST(SmtpEmail, MarketingWithoutLinkKeysFailsAndSaysWhatToConfigure) {
  Host host;
  host.services().setLinksAvailable(false);
  auto& step = host.create(plugin(), "smtp.email", kConfig);
  const auto result = host.run(step, {minjun()});
  ASSERT_EQ(result.outcomes.at(0).kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[0].reason,
            "a marketing email needs a signed one-click unsubscribe link, and this Herald cannot "
            "sign links: set links.keys in herald.yaml (or mark a receipt `transactional: true`)");
  EXPECT_TRUE(host.services().smtpMessages().empty());
}

std::string ed25519Pem() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

TEST(SmtpEmail, SignsWithDkimWhenConfigured) {
  Host host(nlohmann::json{{"dkim_domain", "acme.example"}, {"dkim_selector", "herald2026"}});
  host.services().answerSmtp([](const SmtpCall&) { return reply(250, "", "Ok"); });
  nlohmann::json config = kConfig;
  config["dkim_key"] = ed25519Pem();  // as the host hands it over from dkim_key_file
  auto& step = host.create(plugin(), "smtp.email", config);
  ASSERT_EQ(step.status(), HERALD_OK) << step.diagnosticsText();
  ASSERT_TRUE(host.run(step, {minjun()}).ok());
  const std::string eml = host.services().smtpMessages().at(0).data;
  EXPECT_EQ(
      eml.rfind("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=acme.example;", 0), 0u)
      << eml;
  EXPECT_NE(eml.find("list-unsubscribe:"), std::string::npos);
}

TEST(SmtpEmail, ConfigProblemsAreReportedAtTheirFields) {
  Host host(nlohmann::json{{"dkim_domain", "acme.example"}, {"dkim_selector", "herald2026"}});
  nlohmann::json config = kConfig;
  config["dkim_key"] = "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n";
  config["headers"] = {{"Subject", "x"}, {"X-Campaign", "autumn"}};
  auto& step = host.create(plugin(), "smtp.email", config);
  EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
  ASSERT_EQ(step.diagnostics().size(), 2u) << step.diagnosticsText();
  EXPECT_EQ(step.diagnostics()[0].pointer, "/headers/Subject");
  EXPECT_EQ(step.diagnostics()[0].message,
            "'Subject' is written by Herald itself; choose another header");
  EXPECT_EQ(step.diagnostics()[1].pointer, "/dkim_key");
  EXPECT_EQ(step.diagnostics()[1].message.rfind("DKIM: the DKIM key is not a PEM private key", 0),
            0u);

  Host no_names;
  nlohmann::json keyed = kConfig;
  keyed["dkim_key"] = ed25519Pem();
  auto& unnamed = no_names.create(plugin(), "smtp.email", keyed);
  ASSERT_EQ(unnamed.diagnostics().size(), 1u);
  EXPECT_EQ(unnamed.diagnostics()[0].message,
            "DKIM: a key needs dkim_domain and dkim_selector in herald.yaml (plugins: smtp:)");
}

}  // namespace
