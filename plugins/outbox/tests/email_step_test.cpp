// outbox.email through the real outbox.so and the SDK's fake host.
#include <gtest/gtest.h>

#include "plugin_fixture.hpp"

namespace {

using herald::testing::Host;
using herald::testing::RunOptions;
using herald::testing::TestContact;
using outbox_test::filesIn;
using outbox_test::plugin;
using outbox_test::readFile;

const nlohmann::json kConfig = {{"from", "Acme News <news@acme.example>"},
                                {"subject", "Hello {{ contact.first_name }}"},
                                {"text", "Hi {{ contact.first_name }}, welcome!"}};

// What the host renders for Ann from kConfig.
nlohmann::json renderedFor(const std::string& name) {
  return {{"from", "Acme News <news@acme.example>"},
          {"subject", "Hello " + name},
          {"text", "Hi " + name + ", welcome!"}};
}

TestContact ann() {
  return {.id = 1,
          .email = "ann@example.com",
          .first_name = "Ann",
          .last_name = "Lee",
          .config = renderedFor("Ann"),
          .delivery_key = "welcome/r1/send/1/0"};
}

TEST(OutboxPlugin, DescriptorIsWellFormed) {
  EXPECT_TRUE(plugin().problems().empty());
  EXPECT_EQ(plugin().name(), "outbox");
  EXPECT_EQ(plugin().stepTypeNames(), (std::vector<std::string>{"outbox.email", "outbox.sms"}));
  const herald_step_type* email = plugin().find("outbox.email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->flags, HERALD_STEP_DELIVERY | HERALD_STEP_IDEMPOTENT);
  EXPECT_STREQ(email->channel, "email");
  const auto schema = nlohmann::json::parse(email->config_schema);
  EXPECT_EQ(schema["required"], (nlohmann::json{"from", "subject"}));
  EXPECT_EQ(schema["properties"]["subject"]["x-templated"], true);
  EXPECT_EQ(schema["properties"]["html"]["x-templated"], "html");
  EXPECT_EQ(schema["properties"]["preheader"]["x-templated"], true);
  EXPECT_EQ(schema["properties"]["message"]["x-message"], true);
  EXPECT_EQ(schema["properties"]["locales"]["x-locales"], true);
  const auto sms = nlohmann::json::parse(plugin().find("outbox.sms")->config_schema);
  EXPECT_EQ(sms["properties"]["message"]["x-message"], true);
  EXPECT_EQ(sms["properties"]["locales"]["x-locales"], true);
  EXPECT_EQ(schema["additionalProperties"], false);
}

TEST(OutboxEmail, RefusesAConfigWithoutBody) {
  Host host;
  auto& step =
      host.create(plugin(), "outbox.email", {{"from", "news@acme.example"}, {"subject", "Hi"}});
  EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
  ASSERT_EQ(step.diagnostics().size(), 1u);
  EXPECT_EQ(step.diagnostics()[0].pointer, "");
  EXPECT_EQ(step.diagnostics()[0].message, "an email needs a body: set 'text', 'html' or both");
}

TEST(OutboxEmail, RefusesBadAddressesAtTheirPointers) {
  Host host;
  auto& step = host.create(
      plugin(), "outbox.email",
      {{"from", "Acme News"}, {"reply_to", "help@"}, {"subject", "Hi"}, {"html", "<p>Hi</p>"}});
  EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
  ASSERT_EQ(step.diagnostics().size(), 2u) << step.diagnosticsText();
  EXPECT_EQ(step.diagnostics()[0].pointer, "/from");
  EXPECT_EQ(step.diagnostics()[0].message,
            "'Acme News' is not an email address; write it like news@example.com or "
            "\"Example News\" <news@example.com>");
  EXPECT_EQ(step.diagnostics()[1].pointer, "/reply_to");
  EXPECT_EQ(step.diagnostics()[1].message,
            "'help@' is not an email address; write it like news@example.com or "
            "\"Example News\" <news@example.com>");
}

TEST(OutboxEmail, RefusesABadDirSetting) {
  Host host(nlohmann::json{{"dir", 42}});
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  EXPECT_EQ(step.status(), HERALD_ERR_INVALID);
  ASSERT_EQ(step.diagnostics().size(), 1u);
  EXPECT_EQ(step.diagnostics()[0].message,
            "plugins.outbox.dir in the daemon config must be a directory path");
}

TEST(OutboxEmail, CreateTouchesNoFiles) {
  Host host;
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  EXPECT_FALSE(std::filesystem::exists(host.stateDir() / "outbox"));
}

TEST(OutboxEmail, WritesOneEmlPerContactIntoTheMaildir) {
  Host host;
  auto& step = host.create(plugin(), "outbox.email", kConfig, "send");
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  TestContact bo{
      .id = 2, .email = "bo@example.com", .first_name = "Bo", .config = renderedFor("Bo")};
  const auto result = step.run({ann(), bo}, RunOptions{.workflow = "welcome"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(result.outcomes[1].kind, HERALD_OUTCOME_CONTINUE);

  const auto dir = host.stateDir() / "outbox";
  EXPECT_TRUE(filesIn(dir / "tmp").empty());
  EXPECT_TRUE(std::filesystem::is_directory(dir / "cur"));
  const auto files = filesIn(dir / "new");
  ASSERT_EQ(files.size(), 2u);
  // Sorted by name: Ann's file is named after her ledger key; Bo had none,
  // so the fake host made one up ("welcome/send/2"), as the daemon would.
  EXPECT_EQ(files[0].filename().string().rfind("welcome_r1_send_1_0.", 0), 0u);
  EXPECT_EQ(files[1].filename().string().rfind("welcome_send_2.", 0), 0u);
  const std::string eml = readFile(files[0]);
  // The subject comes from the contact's rendered config, not the template.
  EXPECT_NE(eml.find("Subject: Hello Ann\r\n"), std::string::npos) << eml;
  EXPECT_NE(eml.find("To: Ann Lee <ann@example.com>\r\n"), std::string::npos);
  EXPECT_NE(eml.find("From: Acme News <news@acme.example>\r\n"), std::string::npos);
  EXPECT_NE(eml.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos);
  EXPECT_NE(eml.find("X-Herald-Delivery-Key: welcome/r1/send/1/0\r\n"), std::string::npos);
  EXPECT_NE(eml.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(eml.find("\r\n\r\nHi Ann, welcome!\r\n"), std::string::npos);
  EXPECT_EQ(eml.find("{{"), std::string::npos);
  EXPECT_NE(readFile(files[1]).find("To: Bo <bo@example.com>\r\n"), std::string::npos);
  EXPECT_EQ(host.counter("messages_written_total"), 2);
  EXPECT_TRUE(host.bugs().empty());
}

TEST(OutboxEmail, TheSameKeyTwiceLeavesOneFileWithTheSameMessageId) {
  Host host;
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  ASSERT_TRUE(step.ok());
  ASSERT_TRUE(step.run({ann()}).ok());
  const auto first = filesIn(host.stateDir() / "outbox" / "new");
  ASSERT_EQ(first.size(), 1u);
  const std::string before = readFile(first[0]);
  ASSERT_TRUE(step.run({ann()}, RunOptions{.now_ms = 1700000060000}).ok());
  const auto second = filesIn(host.stateDir() / "outbox" / "new");
  ASSERT_EQ(second, first);
  const std::string after = readFile(second[0]);
  const auto messageId = [](const std::string& eml) {
    const size_t at = eml.find("Message-ID: ");
    return eml.substr(at, eml.find("\r\n", at) - at);
  };
  EXPECT_EQ(messageId(before), messageId(after));
  EXPECT_NE(after.find("Date: Tue, 14 Nov 2023 22:14:20 +0000"), std::string::npos);
}

TEST(OutboxEmail, TextAndHtmlMakeAMultipartMessage) {
  Host host;
  auto& step = host.create(
      plugin(), "outbox.email",
      {{"from", "news@acme.example"}, {"subject", "Hi"}, {"text", "Hi"}, {"html", "<p>Hi</p>"}});
  ASSERT_TRUE(step.ok());
  ASSERT_TRUE(step.run({{.id = 3, .email = "cy@example.com"}}).ok());
  const auto files = filesIn(host.stateDir() / "outbox" / "new");
  ASSERT_EQ(files.size(), 1u);
  const std::string eml = readFile(files[0]);
  EXPECT_NE(eml.find("Content-Type: multipart/alternative;"), std::string::npos);
  EXPECT_NE(eml.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(eml.find("To: cy@example.com\r\n"), std::string::npos);
}

TEST(OutboxEmail, PreheaderGoesIntoTheHtmlPartOnly) {
  Host host;
  const nlohmann::json config = {{"from", "news@acme.example"},
                                 {"subject", "Hi"},
                                 {"preheader", "Inside: 20% off"},
                                 {"text", "Hi there"},
                                 {"html", "<body><p>Hi</p></body>"}};
  auto& step = host.create(plugin(), "outbox.email", config);
  ASSERT_TRUE(step.ok());
  ASSERT_TRUE(step.run({{.id = 3, .email = "cy@example.com", .config = config}}).ok());
  const auto files = filesIn(host.stateDir() / "outbox" / "new");
  ASSERT_EQ(files.size(), 1u);
  const std::string eml = readFile(files[0]);
  const size_t html = eml.find("Content-Type: text/html");
  const size_t pre = eml.find("Inside: 20% off");
  ASSERT_NE(pre, std::string::npos) << eml;
  EXPECT_GT(pre, html);
  EXPECT_EQ(eml.find("Inside: 20% off", pre + 1), std::string::npos);
}

TEST(OutboxEmail, FailsContactsWithoutAUsableAddress) {
  Host host;
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  ASSERT_TRUE(step.ok());
  const auto result = step.run({{.id = 4, .first_name = "Dee", .config = renderedFor("Dee")},
                                {.id = 5, .email = "not-an-address", .config = renderedFor("E")},
                                ann()});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[0].reason, "contact has no email address");
  EXPECT_EQ(result.outcomes[1].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[1].reason, "contact's email address 'not-an-address' is not valid");
  EXPECT_EQ(result.outcomes[2].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(filesIn(host.stateDir() / "outbox" / "new").size(), 1u);
  EXPECT_EQ(host.counter("messages_failed_total"), 2);
}

TEST(OutboxEmail, FailsAContactWhoseSubjectRendersEmpty) {
  Host host;
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  ASSERT_TRUE(step.ok());
  nlohmann::json rendered = renderedFor("");
  rendered["subject"] = "";
  const auto result = step.run({{.id = 6, .email = "f@example.com", .config = rendered}});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[0].reason, "the subject is empty for this contact once rendered");
}

TEST(OutboxEmail, DryRunWritesNothingAndPreviewsTheWholeMessage) {
  Host host;
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  ASSERT_TRUE(step.ok());
  const auto result = step.run({ann()}, RunOptions{.dry_run = true});
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(std::filesystem::exists(host.stateDir() / "outbox"));
  ASSERT_EQ(result.previews.count(0), 1u);
  const std::string& preview = result.previews.at(0);
  EXPECT_EQ(preview.rfind("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n", 0), 0u) << preview;
  EXPECT_NE(preview.find("Subject: Hello Ann\r\n"), std::string::npos);
  EXPECT_NE(preview.find("\r\n\r\nHi Ann, welcome!\r\n"), std::string::npos);
}

TEST(OutboxEmail, UsesTheDirSetting) {
  Host host;
  host.setSettings({{"dir", (host.stateDir() / "mail").string()}});
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  ASSERT_TRUE(step.ok());
  ASSERT_TRUE(step.run({ann()}).ok());
  EXPECT_EQ(filesIn(host.stateDir() / "mail" / "new").size(), 1u);
}

TEST(OutboxEmail, ARelativeDirIsRelativeToTheWorkingDirectoryAtCreate) {
  Host host(nlohmann::json{{"dir", "mail/out"}});
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(host.stateDir());
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  std::filesystem::current_path(previous);
  ASSERT_TRUE(step.ok());
  ASSERT_TRUE(step.run({ann()}).ok());
  EXPECT_EQ(filesIn(host.stateDir() / "mail" / "out" / "new").size(), 1u);
}

TEST(OutboxEmail, AnUnwritableDirFailsTheBatchWithTheReason) {
  Host host;
  const auto blocker = host.stateDir() / "blocker";
  std::ofstream(blocker) << "a file, not a directory";
  host.setSettings({{"dir", (blocker / "outbox").string()}});
  auto& step = host.create(plugin(), "outbox.email", kConfig);
  ASSERT_TRUE(step.ok());
  const auto result = step.run({ann()});
  EXPECT_TRUE(result.completed);
  EXPECT_NE(result.status, HERALD_OK);
  EXPECT_EQ(result.error, "outbox: cannot create directory " + (blocker / "outbox").string() +
                              ": Not a directory");
}

}  // namespace
