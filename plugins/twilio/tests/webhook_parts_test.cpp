// The parts the webhooks and requests are made of: form encoding, Twilio's
// signature, opt-out keywords, the template's fixed text.
#include <gtest/gtest.h>

#include "form.hpp"
#include "keywords.hpp"
#include "signature.hpp"
#include "sms_step.hpp"

namespace {

using namespace herald::twilio;

TEST(Form, EncodesAndDecodes) {
  const FormFields fields = {{"To", "+14155550100"}, {"Body", "Hi & bye = 100% 가 😀"}};
  const std::string body = formEncode(fields);
  EXPECT_EQ(body.substr(0, 19), "To=%2B14155550100&B");
  EXPECT_EQ(formDecode(body), fields);
  EXPECT_EQ(formValue(formDecode("Body=a+b%21&x"), "Body"), "a b!");
  EXPECT_EQ(formValue(formDecode("Body=a+b%21&x"), "x"), "");
  EXPECT_EQ(formValue(formDecode("Body=%zz"), "Body"), "%zz");
}

TEST(Signature, MatchesTwilioDocumentedExample) {
  // The example of Twilio's "Webhooks security" page.
  const FormFields params = {{"CallSid", "CA1234567890ABCDE"},
                             {"Caller", "+12349013030"},
                             {"Digits", "1234"},
                             {"From", "+12349013030"},
                             {"To", "+18005551212"}};
  const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  EXPECT_EQ(twilioSignature("12345", url, params), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  EXPECT_TRUE(twilioSignatureMatches("12345", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
  EXPECT_FALSE(twilioSignatureMatches("12345", url, params, "1/KCTR6DLpKmkAf8muzZqo1nDgQ="));
  EXPECT_FALSE(
      twilioSignatureMatches("12345", url + "&baz=3", params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
  EXPECT_FALSE(twilioSignatureMatches("12345", url, params, ""));
}

TEST(Keywords, OptOutOptInHelp) {
  for (const char* w : {"STOP", "stop", " Stop! ", "STOPALL", "unsubscribe", "Cancel", "END",
                        "quit", "수신거부", "거부"})
    EXPECT_EQ(classifyInbound(w), Keyword::kOptOut) << w;
  for (const char* w : {"START", "yes", "Unstop"})
    EXPECT_EQ(classifyInbound(w), Keyword::kOptIn) << w;
  for (const char* w : {"HELP", "help?", "info"})
    EXPECT_EQ(classifyInbound(w), Keyword::kHelp) << w;
  for (const char* w : {"please stop", "stop it", "", "Yes please", "STOPP"})
    EXPECT_EQ(classifyInbound(w), Keyword::kNone) << w;
}

TEST(TemplateStaticText, DropsOutputsAndTags) {
  EXPECT_EQ(
      templateStaticText("Hi {{ first_name | default: 'there' }}, {% if vip %}VIP{% endif %}!"),
      "Hi , VIP!");
  EXPECT_EQ(templateStaticText("a {b} c"), "a {b} c");
  EXPECT_EQ(templateStaticText("cut {{ off"), "cut ");
}

}  // namespace
