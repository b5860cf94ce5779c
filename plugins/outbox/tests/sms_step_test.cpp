// outbox.sms through the real outbox.so and the SDK's fake host.
#include <gtest/gtest.h>

#include "plugin_fixture.hpp"

namespace {

using herald::testing::Host;
using herald::testing::RunOptions;
using herald::testing::TestContact;
using outbox_test::plugin;
using outbox_test::readFile;

TestContact withBody(int64_t id, std::optional<std::string> phone, const std::string& body) {
  return {.id = id,
          .phone = std::move(phone),
          .config = nlohmann::json{{"body", body}},
          .delivery_key = "promo/r1/sms/" + std::to_string(id) + "/0"};
}

TEST(OutboxSms, DescriptorDeclaresTheChannel) {
  const herald_step_type* sms = plugin().find("outbox.sms");
  ASSERT_NE(sms, nullptr);
  EXPECT_EQ(sms->flags, HERALD_STEP_DELIVERY | HERALD_STEP_IDEMPOTENT);
  EXPECT_STREQ(sms->channel, "sms");
  const auto schema = nlohmann::json::parse(sms->config_schema);
  EXPECT_EQ(schema["properties"]["body"]["maxLength"], 1600);
  EXPECT_EQ(schema["properties"]["body"]["x-templated"], true);
}

TEST(OutboxSms, AppendsOneJsonLinePerMessage) {
  Host host;
  auto& step = host.create(plugin(), "outbox.sms",
                           {{"body", "Hi {{ contact.first_name }}"}, {"from", "Acme"}});
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  const auto result =
      step.run({withBody(1, "+14155550101", "Hi Ann"), withBody(2, "+447700900123", "Hi Bo")});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(readFile(host.stateDir() / "outbox" / "sms.jsonl"),
            R"({"to":"+14155550101","body":"Hi Ann","key":"promo/r1/sms/1/0",)"
            R"("at":"2023-11-14T22:13:20.000Z","from":"Acme"})"
            "\n"
            R"({"to":"+447700900123","body":"Hi Bo","key":"promo/r1/sms/2/0",)"
            R"("at":"2023-11-14T22:13:20.000Z","from":"Acme"})"
            "\n");
  EXPECT_EQ(host.counter("messages_written_total"), 2);
}

TEST(OutboxSms, NeverWritesAKeyTwice) {
  Host host;
  auto& step = host.create(plugin(), "outbox.sms", {{"body", "x"}});
  ASSERT_TRUE(step.ok());
  ASSERT_TRUE(step.run({withBody(1, "+14155550101", "one")}).ok());
  const auto again =
      step.run({withBody(1, "+14155550101", "one"), withBody(2, "+14155550102", "two")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.outcomes[0].kind, HERALD_OUTCOME_CONTINUE);
  const std::string text = readFile(host.stateDir() / "outbox" / "sms.jsonl");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_EQ(host.counter("duplicates_skipped_total"), 1);
  EXPECT_TRUE(host.logged("1 message(s) were already in "));
}

TEST(OutboxSms, FailsContactsItCannotText) {
  Host host;
  auto& step = host.create(plugin(), "outbox.sms", {{"body", "x"}});
  ASSERT_TRUE(step.ok());
  const auto result = step.run({withBody(1, std::nullopt, "hi"), withBody(2, "555-0100", "hi"),
                                withBody(3, "+14155550103", std::string(1601, 'x')),
                                withBody(4, "+14155550104", std::string(1600, 'x')),
                                withBody(5, "+14155550105", "")});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(result.outcomes[0].reason, "contact has no phone number");
  EXPECT_EQ(result.outcomes[1].reason,
            "contact's phone number '555-0100' is not in E.164 form (like +14155550100)");
  EXPECT_EQ(result.outcomes[2].reason,
            "the body is 1601 characters for this contact once rendered; the limit is 1600");
  EXPECT_EQ(result.outcomes[3].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(result.outcomes[4].reason, "the body is empty for this contact once rendered");
}

TEST(OutboxSms, CountsCharactersNotBytes) {
  Host host;
  auto& step = host.create(plugin(), "outbox.sms", {{"body", "x"}});
  ASSERT_TRUE(step.ok());
  std::string body;
  for (int i = 0; i < 1600; ++i) body += "é";
  const auto result = step.run({withBody(1, "+14155550101", body)});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.outcomes[0].kind, HERALD_OUTCOME_CONTINUE);
}

TEST(OutboxSms, DryRunPreviewsTheLineAndWritesNothing) {
  Host host;
  auto& step = host.create(plugin(), "outbox.sms", {{"body", "x"}});
  ASSERT_TRUE(step.ok());
  TestContact c = withBody(1, "+14155550101", "Hi Ann");
  c.delivery_key.reset();
  const auto result = step.run({c}, RunOptions{.dry_run = true, .workflow = "promo"});
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(std::filesystem::exists(host.stateDir() / "outbox"));
  EXPECT_EQ(result.previews.at(0), R"({"to":"+14155550101","body":"Hi Ann","key":"promo/step/1",)"
                                   R"("at":"2023-11-14T22:13:20.000Z"})");
}

TEST(OutboxSms, RefusesAnInvalidSenderIdOnlyThroughTheSchema) {
  // The pattern lives in the schema, which the daemon enforces before
  // create(); the step itself accepts what the schema let through.
  const auto schema = nlohmann::json::parse(plugin().find("outbox.sms")->config_schema);
  EXPECT_EQ(schema["properties"]["from"]["pattern"], "^(\\+[1-9][0-9]{5,14}|[A-Za-z0-9 ]{1,11})$");
}

}  // namespace
