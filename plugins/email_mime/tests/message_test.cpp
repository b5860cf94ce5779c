#include "email_mime/message.hpp"

#include <gtest/gtest.h>

#include "email_mime/key_hash.hpp"
#include "mime_test_util.hpp"

namespace herald::email_mime {
namespace {

EmailMessage sample() {
  EmailMessage m;
  m.from = {"Acme News", "news@acme.example"};
  m.to = {"Ann Lee", "ann@example.com"};
  m.subject = "Hello Ann";
  m.text = "Hi Ann,\nwelcome!";
  m.date_ms = 1700000000000;
  m.key = "welcome/rev/send/1/0";
  m.workflow = "welcome";
  m.step_id = "send";
  return m;
}

TEST(Compose, SinglePartMessageHasTheHeaders) {
  const std::string eml = composeEmail(sample());
  EXPECT_EQ(eml,
            "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
            "From: Acme News <news@acme.example>\r\n"
            "To: Ann Lee <ann@example.com>\r\n"
            "Subject: Hello Ann\r\n"
            "Message-ID: <herald.welcome.rev.send.1.0@acme.example>\r\n"
            "MIME-Version: 1.0\r\n"
            "X-Herald-Delivery-Key: welcome/rev/send/1/0\r\n"
            "X-Herald-Workflow: welcome\r\n"
            "X-Herald-Step: send\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Hi Ann,\r\nwelcome!\r\n");
}

TEST(Compose, TextAndHtmlMakeMultipartAlternative) {
  EmailMessage m = sample();
  m.html = "<p>Hi <b>Ann</b></p>";
  m.reply_to = Address{"", "help@acme.example"};
  const std::string eml = composeEmail(m);
  const std::string boundary = "=_herald_" + hashKey(m.key).hex().substr(0, 16);
  EXPECT_NE(eml.find("Reply-To: help@acme.example\r\n"), std::string::npos);
  EXPECT_NE(eml.find("Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n"),
            std::string::npos);
  const size_t text_part =
      eml.find("--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8");
  const size_t html_part = eml.find("--" + boundary + "\r\nContent-Type: text/html; charset=utf-8");
  const size_t end = eml.find("--" + boundary + "--\r\n");
  ASSERT_NE(text_part, std::string::npos);
  ASSERT_NE(html_part, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  EXPECT_LT(text_part, html_part);
  EXPECT_LT(html_part, end);
  EXPECT_NE(eml.find("<p>Hi <b>Ann</b></p>"), std::string::npos);
}

TEST(Compose, PreheaderIsHiddenAtTheTopOfTheHtmlBodyOnly) {
  EXPECT_EQ(withPreheader("<html><BODY class=\"x\"><p>Hi</p></BODY></html>", "Save <20%> & more"),
            "<html><BODY class=\"x\"><div style=\"display:none;font-size:1px;line-height:1px;"
            "max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all\">Save &lt;20%&gt; "
            "&amp; more</div>\n<p>Hi</p></BODY></html>");
  EXPECT_EQ(withPreheader("<p>Hi</p>", "Soon"),
            "<div style=\"display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;"
            "opacity:0;overflow:hidden;mso-hide:all\">Soon</div><p>Hi</p>");
  EXPECT_EQ(withPreheader("<bodyguard>", "x").find("<bodyguard><div"), std::string::npos);
  EXPECT_EQ(withPreheader("<p>Hi</p>", ""), "<p>Hi</p>");
  EmailMessage m = sample();
  m.html = "<p>Hi</p>";
  m.preheader = "Just for you";
  const std::string eml = composeEmail(m);
  // Once, in the html part (quoted-printable keeps these short lines readable).
  const size_t at = eml.find("Just for you");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(at, eml.find("Content-Type: text/html"));
  EXPECT_EQ(eml.find("Just for you", at + 1), std::string::npos);
}

TEST(Compose, MarketingMessagesCarryOneClickUnsubscribe) {
  EmailMessage m = sample();
  m.list_unsubscribe = "https://links.example/u/abc123";
  const std::string eml = composeEmail(m);
  EXPECT_NE(eml.find("List-Unsubscribe: <https://links.example/u/abc123>\r\n"
                     "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            std::string::npos)
      << eml;
  EXPECT_EQ(composeEmail(sample()).find("List-Unsubscribe"), std::string::npos);
}

TEST(Compose, EveryLineEndsInCrlfAndStaysShort) {
  EmailMessage m = sample();
  m.to = {"山田太郎", "taro@example.jp"};
  m.subject = "山田太郎様、秋の新作コレクションのご案内です。今だけ送料無料でお届けします";
  m.text = std::string(3000, 'x') + "\n" + "한국어 본문\r\n";
  m.html = "<p>" + std::string(2000, 'y') + "</p>";
  m.list_unsubscribe = "https://links.example/u/" + std::string(300, 't');
  const std::string eml = composeEmail(m);
  size_t start = 0;
  for (size_t lf = eml.find('\n'); lf != std::string::npos; lf = eml.find('\n', start)) {
    ASSERT_GT(lf, 0u);
    EXPECT_EQ(eml[lf - 1], '\r') << "a bare LF at " << lf;
    EXPECT_LE(lf - 1 - start, 998u);
    start = lf + 1;
  }
  EXPECT_EQ(eml.find('\r', eml.size() - 2), eml.size() - 2);
}

TEST(Compose, ExtraHeadersFollowHeraldsOwnAndCannotReplaceThem) {
  EmailMessage m = sample();
  m.extra_headers = {{"X-Campaign", "Herbst 2026"}, {"Subject", "spoof"}, {"Bad Name", "x"}};
  const std::string eml = composeEmail(m);
  const size_t campaign = eml.find("X-Campaign: Herbst 2026\r\n");
  ASSERT_NE(campaign, std::string::npos) << eml;
  EXPECT_GT(campaign, eml.find("X-Herald-Step: send\r\n"));
  EXPECT_EQ(eml.find("spoof"), std::string::npos);
  EXPECT_EQ(eml.find("Bad Name"), std::string::npos);
  EXPECT_EQ(extraHeaderError("Subject"),
            "'Subject' is written by Herald itself; choose another header");
  EXPECT_EQ(extraHeaderError("list-unsubscribe"),
            "'list-unsubscribe' is written by Herald itself; choose another header");
  EXPECT_EQ(extraHeaderError("X-Herald-Key"),
            "'X-Herald-Key': X-Herald-* headers are Herald's own");
  EXPECT_EQ(extraHeaderError("X Campaign"),
            "'X Campaign' is not a header name: use printable ASCII without spaces or ':' "
            "(X-Campaign)");
  EXPECT_EQ(extraHeaderError("X-Campaign"), "");
}

TEST(MessageId, CarriesTheLedgerKeyBothWays) {
  EmailMessage m = sample();
  const std::string revision(64, 'f');
  m.key = "spring-sale/" + revision + "/send_email/1234/65536";
  const std::string id = messageId(m);
  EXPECT_EQ(id, "herald.spring-sale." + revision + ".send_email.1234.65536@acme.example");
  EXPECT_EQ(ledgerKeyFromMessageId("<" + id + ">"), m.key);
  m.key = "odd name/r//x.y";
  EXPECT_EQ(messageId(m), "herald.odd=20name.r=2F=2Fx=2Ey@acme.example");
  EXPECT_EQ(ledgerKeyFromMessageId(messageId(m)), m.key);
  EXPECT_EQ(ledgerKeyFromMessageId("<abc@example.com>"), std::nullopt);
  EXPECT_EQ(ledgerKeyFromMessageId("herald.a=4@x"), std::nullopt);
}

TEST(Compose, CjkBodiesAreBase64AndTheBoundaryStaysClear) {
  EmailMessage m = sample();
  m.text = "김민준 님, 안녕하세요. 가을 신상품을 소개합니다.";
  m.html = "<p>김민준 님, 안녕하세요.</p>";
  const std::string eml = composeEmail(m);
  EXPECT_NE(eml.find("Content-Type: text/plain; charset=utf-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n"),
            std::string::npos);
  EXPECT_NE(eml.find("Content-Transfer-Encoding: base64\r\n\r\n"), std::string::npos);
}

TEST(Compose, ContactDataCannotInjectHeaders) {
  EmailMessage m = sample();
  m.subject = "Hi\r\nBcc: eve@example.com";
  m.to.name = "Ann\nBcc: eve@example.com";
  const std::string eml = composeEmail(m);
  for (const std::string& line : lines(eml.substr(0, eml.find("\r\n\r\n")))) {
    EXPECT_NE(line.rfind("Bcc:", 0), 0u) << eml;
  }
}

TEST(Compose, NonAsciiSubjectIsEncoded) {
  EmailMessage m = sample();
  m.subject = "Bonjour Zoë";
  EXPECT_NE(composeEmail(m).find("Subject: =?UTF-8?Q?Bonjour_Zo=C3=AB?=\r\n"), std::string::npos);
}

}  // namespace
}  // namespace herald::email_mime
