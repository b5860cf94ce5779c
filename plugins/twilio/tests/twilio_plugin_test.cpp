// twilio.so under the SDK's fake host: requests as Twilio expects them,
// Twilio's answers as outcomes, and the webhooks (signature, STOP/START/HELP,
// status callbacks).
#include <gtest/gtest.h>

#include <herald/testing.hpp>

#include "form.hpp"
#include "signature.hpp"

namespace {

using herald::HttpResponse;
using herald::testing::Host;
using herald::twilio::formDecode;
using herald::twilio::formEncode;
using herald::twilio::FormFields;
using herald::twilio::formValue;
using herald::twilio::twilioSignature;

const herald::testing::Plugin& plugin() {
  static const auto p = herald::testing::Plugin::load(TWILIO_PLUGIN_FILE);
  return p;
}

const nlohmann::json kSettings = {{"account_sid", "AC123"},
                                  {"auth_token", "token-0123456789"},
                                  {"base_url", "http://twilio.test"},
                                  {"public_url", "https://herald.example.com"},
                                  {"help_text", "Acme: reply STOP to opt out."}};

struct TwilioPlugin : ::testing::Test {
  Host host{kSettings};  // what steps see as their plugin's settings
  void SetUp() override { ASSERT_EQ(host.startPlugin(plugin(), kSettings), HERALD_OK); }
  // A webhook as Twilio would post it, signed unless `signature` is given.
  herald::WebhookResponse post(const std::string& target, const FormFields& params,
                               std::string signature = "") {
    if (signature.empty())
      signature =
          twilioSignature("token-0123456789", "https://herald.example.com" + target, params);
    return host.webhook("POST", target, {{"X-Twilio-Signature", signature}}, formEncode(params));
  }
};

herald::testing::TestContact sms(int64_t id, std::string phone, std::string body) {
  return {.id = id,
          .phone = std::move(phone),
          .config = nlohmann::json{{"body", std::move(body)}, {"from", "+15005550006"}},
          .delivery_key = "promo/r1/sms/" + std::to_string(id) + "/0"};
}

TEST_F(TwilioPlugin, SendsFormPostsAndReadsTwilioAnswers) {
  host.services().answerHttp([](const herald::HttpRequest& r) {
    const auto to = formValue(formDecode(r.body), "To");
    if (to == "+14155550101") return HttpResponse{429, {{"Retry-After", "7"}}, ""};
    if (to == "+14155550102")
      return HttpResponse{
          400, {}, R"({"code": 21211, "message": "The 'To' number is not valid."})"};
    if (to == "+14155550103")
      return HttpResponse{
          400, {}, R"({"code": 21610, "message": "Attempt to send to unsubscribed recipient"})"};
    if (to == "+14155550104") return HttpResponse{503, {}, "busy"};
    return HttpResponse{201, {}, R"({"sid": "SM0001", "status": "queued"})"};
  });
  auto& step = host.create(plugin(), "twilio.sms", {{"body", "Hi"}, {"from", "+15005550006"}});
  ASSERT_TRUE(step.ok());
  const std::string two_segments(200, 'x');
  const auto result =
      step.run({sms(1, "+14155550100", two_segments), sms(2, "+14155550101", "Hi"),
                sms(3, "+14155550102", "Hi"), sms(4, "+14155550103", "Hi"),
                sms(5, "+14155550104", "Hi"), sms(6, "0415555", "Hi"), sms(7, "", "Hi")});
  ASSERT_TRUE(result.ok()) << result.error;
  const auto& o = result.outcomes;
  EXPECT_EQ(o[0].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(o[0].reason, "SM0001 segments=2 encoding=gsm7");
  EXPECT_EQ(o[0].vars["twilio_sid"], "SM0001");
  EXPECT_EQ(o[1].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(o[1].retry_after_ms, 7000);
  EXPECT_EQ(o[2].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(o[2].reason,
            "twilio refused the message (400): error 21211: The 'To' number is not valid.");
  EXPECT_EQ(o[3].kind, HERALD_OUTCOME_FAIL);
  EXPECT_NE(o[3].reason.find("unsubscribed recipient"), std::string::npos);
  EXPECT_EQ(o[4].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(o[5].kind, HERALD_OUTCOME_FAIL);
  EXPECT_EQ(o[5].reason,
            "contact's phone number '0415555' is not in E.164 form (+, country code, number: like "
            "+14155550100)");
  EXPECT_EQ(o[6].reason, "contact has no phone number");

  const auto suppressed = host.services().suppressions();
  ASSERT_EQ(suppressed.size(), 2u);
  EXPECT_EQ(suppressed[0].address, "+14155550102");
  EXPECT_EQ(suppressed[1].address, "+14155550103");

  const auto sent = host.services().httpRequests();
  ASSERT_EQ(sent.size(), 5u);  // nothing for the two bad numbers
  EXPECT_EQ(sent[0].url, "http://twilio.test/2010-04-01/Accounts/AC123/Messages.json");
  EXPECT_EQ((HttpResponse{0, sent[0].headers, ""}).header("authorization"),
            "Basic QUMxMjM6dG9rZW4tMDEyMzQ1Njc4OQ==");
  const auto form = formDecode(sent[0].body);
  EXPECT_EQ(formValue(form, "To"), "+14155550100");
  EXPECT_EQ(formValue(form, "From"), "+15005550006");
  EXPECT_EQ(formValue(form, "Body"), two_segments);
  EXPECT_EQ(formValue(form, "StatusCallback"),
            "https://herald.example.com/hooks/twilio/status?c=1&k=promo%2Fr1%2Fsms%2F1%2F0");
  EXPECT_EQ(host.services().permitsAsked().front(), "provider:AC123");
}

TEST_F(TwilioPlugin, DryRunPreviewsSegmentsAndWarnsOverTheLimit) {
  auto& step = host.create(plugin(), "twilio.sms",
                           {{"body", "Hi"}, {"from", "+15005550006"}, {"max_segments", 1}});
  ASSERT_TRUE(step.ok());
  herald::testing::RunOptions options;
  options.dry_run = true;
  const auto result = step.run({sms(1, "+14155550100", "Hi 😀 " + std::string(80, 'a'))}, options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(host.services().httpRequests().empty());
  EXPECT_NE(result.previews.at(0).find(
                "segments=2 encoding=ucs2 (over max_segments 1); UCS-2 because of '😀'"),
            std::string::npos)
      << result.previews.at(0);
  bool warned = false;
  for (const auto& l : host.logs())
    warned |= l.level == HERALD_LOG_WARN && l.message.find("max_segments 1") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST_F(TwilioPlugin, ValidateWarnsOnTheTemplatesFixedText) {
  auto& step = host.create(plugin(), "twilio.sms",
                           {{"body", std::string(170, 'a') + " {{ first_name }}"},
                            {"from", "+15005550006"},
                            {"max_segments", 1}});
  ASSERT_TRUE(step.ok());
  bool warned = false;
  for (const auto& l : host.logs())
    warned |= l.message.find("the body takes at least 2 SMS segments") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST_F(TwilioPlugin, AForgedSignatureChangesNothing) {
  const FormFields stop = {
      {"AccountSid", "AC123"}, {"From", "+14155550100"}, {"Body", "STOP"}, {"MessageSid", "SM1"}};
  auto res = post("/hooks/twilio/inbound", stop, "bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==");
  EXPECT_EQ(res.status, 403);
  // Signed for another URL (a replay against another route) is forged too.
  res = host.webhook("POST", "/hooks/twilio/inbound",
                     {{"X-Twilio-Signature",
                       twilioSignature("token-0123456789",
                                       "https://herald.example.com/hooks/twilio/status", stop)}},
                     formEncode(stop));
  EXPECT_EQ(res.status, 403);
  EXPECT_TRUE(host.services().consents().empty());
  EXPECT_TRUE(host.services().events().empty());
}

TEST_F(TwilioPlugin, StopStartHelpAndReplies) {
  auto inbound = [&](const std::string& body, const std::string& sid) {
    return post("/hooks/twilio/inbound", {{"AccountSid", "AC123"},
                                          {"From", "+14155550100"},
                                          {"To", "+15005550006"},
                                          {"Body", body},
                                          {"MessageSid", sid}});
  };
  auto res = inbound("Stop", "SM1");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response></Response>\n");
  res = inbound("START", "SM2");
  res = inbound("수신거부", "SM3");
  auto consents = host.services().consents();
  ASSERT_EQ(consents.size(), 3u);
  EXPECT_EQ(consents[0].address, "+14155550100");
  EXPECT_EQ(consents[0].channel, "sms");
  EXPECT_FALSE(consents[0].granted);
  EXPECT_EQ(consents[0].source, "sms-reply:twilio:STOP");
  EXPECT_EQ(consents[0].wording, "Stop");
  EXPECT_TRUE(consents[1].granted);
  EXPECT_EQ(consents[1].source, "sms-reply:twilio:START");
  EXPECT_FALSE(consents[2].granted);

  res = inbound("help", "SM4");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "application/xml");
  EXPECT_NE(res.body.find("<Response><Message>Acme: reply STOP to opt out.</Message></Response>"),
            std::string::npos);

  res = inbound("What time do you open?", "SM5");
  EXPECT_EQ(res.status, 200);
  const auto events = host.services().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "sms_reply");
  EXPECT_EQ(events[0].phone, "+14155550100");
  EXPECT_EQ(events[0].properties["body"], "What time do you open?");
  EXPECT_EQ(events[0].event_id, "twilio:SM5");
}

TEST_F(TwilioPlugin, StopFromAnUnknownNumberRecordsNothingAndAnswers200) {
  host.services().unknownAddress("+14155550199");
  const auto res = post(
      "/hooks/twilio/inbound",
      {{"AccountSid", "AC123"}, {"From", "+14155550199"}, {"Body", "STOP"}, {"MessageSid", "SM9"}});
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(host.services().consents().empty());
}

TEST_F(TwilioPlugin, StatusCallbacksBecomeEvents) {
  const std::string target = "/hooks/twilio/status?c=42&k=promo%2Fr1%2Fsms%2F42%2F0";
  auto res = post(target, {{"AccountSid", "AC123"},
                           {"MessageSid", "SM42"},
                           {"MessageStatus", "delivered"},
                           {"To", "+14155550100"}});
  EXPECT_EQ(res.status, 204);
  res = post(target, {{"AccountSid", "AC123"},
                      {"MessageSid", "SM42"},
                      {"MessageStatus", "sent"},
                      {"To", "+14155550100"}});
  EXPECT_EQ(res.status, 204);
  res = post("/hooks/twilio/status?c=43", {{"AccountSid", "AC123"},
                                           {"MessageSid", "SM43"},
                                           {"MessageStatus", "undelivered"},
                                           {"ErrorCode", "30005"},
                                           {"To", "+14155550143"}});
  res = post("/hooks/twilio/status?c=44", {{"AccountSid", "AC123"},
                                           {"MessageSid", "SM44"},
                                           {"MessageStatus", "failed"},
                                           {"ErrorCode", "30003"},
                                           {"To", "+14155550144"}});
  const auto events = host.services().events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, "delivered");
  EXPECT_EQ(events[0].contact_id, 42);
  EXPECT_EQ(events[0].properties["send"], "promo/r1/sms/42/0");
  EXPECT_EQ(events[0].event_id, "twilio:SM42:delivered");
  EXPECT_EQ(events[1].type, "bounced");
  EXPECT_EQ(events[1].properties["error_code"], "30005");
  EXPECT_EQ(events[2].type, "bounced");
  const auto suppressed = host.services().suppressions();
  ASSERT_EQ(suppressed.size(), 1u);  // 30005 is permanent, 30003 is not
  EXPECT_EQ(suppressed[0].address, "+14155550143");
}

TEST(TwilioSettings, AStepWithoutTheAccountIsRefusedWithWhatToWrite) {
  Host bare;  // no plugins: twilio: section
  auto& step = bare.create(plugin(), "twilio.sms", {{"body", "Hi"}, {"from", "+15005550006"}});
  EXPECT_FALSE(step.ok());
  ASSERT_EQ(step.diagnostics().size(), 2u);
  EXPECT_EQ(step.diagnostics()[0].message,
            "twilio.sms needs plugins: twilio: account_sid: in herald.yaml (the Twilio account to "
            "send from)");
  // Unused, the plugin starts without them (its settings are checked whether
  // or not a workflow uses it) and its webhooks refuse to work.
  ASSERT_EQ(bare.startPlugin(plugin()), HERALD_OK);
  EXPECT_EQ(bare.webhook("POST", "/hooks/twilio/inbound", {}, "Body=STOP").status, 503);
}

TEST(TwilioSettings, AStepWithoutFromNeedsAMessagingService) {
  nlohmann::json settings = kSettings;
  Host host{settings};
  auto& without = host.create(plugin(), "twilio.sms", {{"body", "Hi"}});
  ASSERT_EQ(without.diagnostics().size(), 1u);
  EXPECT_NE(without.diagnostics()[0].message.find("write from:"), std::string::npos);
  settings["messaging_service_sid"] = "MG123";
  Host service{settings};
  EXPECT_TRUE(service.create(plugin(), "twilio.sms", {{"body", "Hi"}}).ok());
}

TEST_F(TwilioPlugin, WebhooksWithoutPublicUrlAnswer503) {
  nlohmann::json settings = kSettings;
  settings.erase("public_url");
  Host bare{settings};
  ASSERT_EQ(bare.startPlugin(plugin(), settings), HERALD_OK);
  EXPECT_EQ(bare.webhook("POST", "/hooks/twilio/inbound", {}, "Body=STOP").status, 503);
}

}  // namespace
