#include "mime.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "email_message.hpp"
#include "key.hpp"

namespace herald::outbox {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t crlf = text.find("\r\n"); crlf != std::string::npos;
       crlf = text.find("\r\n", start)) {
    out.push_back(text.substr(start, crlf - start));
    start = crlf + 2;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Quoted-printable decoder for checking round trips (hard breaks -> "\n").
std::string decodeQp(const std::string& qp) {
  std::string out;
  for (const std::string& line : lines(qp)) {
    bool soft = false;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '=') {
        out += line[i];
      } else if (i + 1 == line.size()) {
        soft = true;
      } else {
        out += static_cast<char>(hexValue(line[i + 1]) * 16 + hexValue(line[i + 2]));
        i += 2;
      }
    }
    if (!soft) out += '\n';
  }
  return out;
}

// Decodes a sequence of Q encoded-words back to UTF-8.
std::string decodeWords(const std::string& value) {
  std::string out;
  std::istringstream in(value);
  std::string word;
  while (in >> word) {
    EXPECT_EQ(word.rfind("=?UTF-8?Q?", 0), 0u) << word;
    EXPECT_EQ(word.substr(word.size() - 2), "?=") << word;
    EXPECT_LE(word.size(), 75u) << word;
    const std::string payload = word.substr(10, word.size() - 12);
    for (size_t i = 0; i < payload.size(); ++i) {
      if (payload[i] == '_') {
        out += ' ';
      } else if (payload[i] == '=') {
        out += static_cast<char>(hexValue(payload[i + 1]) * 16 + hexValue(payload[i + 2]));
        i += 2;
      } else {
        out += payload[i];
      }
    }
  }
  return out;
}

TEST(Address, AcceptsCommonAddresses) {
  EXPECT_TRUE(validAddrSpec("ann@example.com"));
  EXPECT_TRUE(validAddrSpec("ann.lee+news@mail.example.co.uk"));
  EXPECT_TRUE(validAddrSpec("o'brien@example.com"));
  EXPECT_FALSE(validAddrSpec("ann"));
  EXPECT_FALSE(validAddrSpec("@example.com"));
  EXPECT_FALSE(validAddrSpec("ann@"));
  EXPECT_FALSE(validAddrSpec("ann lee@example.com"));
  EXPECT_FALSE(validAddrSpec("ann..lee@example.com"));
  EXPECT_FALSE(validAddrSpec("ann@exa_mple.com"));
  EXPECT_FALSE(validAddrSpec("ann@-example.com"));
  EXPECT_FALSE(validAddrSpec("ann@example.com\r\nBcc: eve@example.com"));
}

TEST(Address, ParsesTheThreeForms) {
  std::string error;
  auto a = parseAddress("news@example.com", error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "");
  EXPECT_EQ(a->addr, "news@example.com");
  a = parseAddress("Example News <news@example.com>", error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "Example News");
  EXPECT_EQ(a->addr, "news@example.com");
  a = parseAddress(R"("Example, Inc. \"News\"" <news@example.com>)", error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, R"(Example, Inc. "News")");
}

TEST(Address, ExplainsWhatIsWrong) {
  std::string error;
  EXPECT_FALSE(parseAddress("Example News", error));
  EXPECT_EQ(error,
            "'Example News' is not an email address; write it like news@example.com or "
            "\"Example News\" <news@example.com>");
  EXPECT_FALSE(parseAddress("News <news@>", error));
  EXPECT_EQ(error, "'news@' is not an email address; write it like news@example.com");
  EXPECT_FALSE(parseAddress("News <news@example.com> x", error));
  EXPECT_EQ(error, "'News <news@example.com> x' has text after the closing '>'");
}

TEST(Address, FormatsNamesSafely) {
  EXPECT_EQ(formatAddress({"", "a@example.com"}), "a@example.com");
  EXPECT_EQ(formatAddress({"Ann Lee", "a@example.com"}), "Ann Lee <a@example.com>");
  EXPECT_EQ(formatAddress({"Lee, Ann", "a@example.com"}), "\"Lee, Ann\" <a@example.com>");
  EXPECT_EQ(formatAddress({"A \"B\"", "a@example.com"}), "\"A \\\"B\\\"\" <a@example.com>");
  EXPECT_EQ(formatAddress({"Zoë", "z@example.com"}), "=?UTF-8?Q?Zo=C3=AB?= <z@example.com>");
  EXPECT_EQ(formatAddress({"Ann\r\nBcc: eve@example.com", "a@example.com"}),
            "\"Ann  Bcc: eve@example.com\" <a@example.com>");
}

TEST(HeaderText, AsciiIsUnchangedAndUtf8IsEncoded) {
  EXPECT_EQ(encodeHeaderText("Your order is on its way"), "Your order is on its way");
  EXPECT_EQ(encodeHeaderText("Café ☕ for you"), "=?UTF-8?Q?Caf=C3=A9_=E2=98=95_for_you?=");
}

TEST(HeaderText, LongTextIsSplitIntoWordsWithoutSplittingCharacters) {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "Grüße ☕ ";
  const std::string encoded = encodeHeaderText(subject, 9);
  EXPECT_EQ(decodeWords(encoded), subject);
  const std::string header = headerLine("Subject", encoded);
  for (const std::string& line : lines(header)) EXPECT_LE(line.size(), 76u) << line;
}

TEST(HeaderLine, FoldsLongAsciiValuesAtSpaces) {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "word" + std::to_string(i) + " ";
  subject.pop_back();
  const std::string header = headerLine("Subject", subject);
  const auto parts = lines(header);
  ASSERT_GT(parts.size(), 1u);
  std::string unfolded;
  for (size_t i = 0; i < parts.size(); ++i) {
    EXPECT_LE(parts[i].size(), 78u);
    if (i > 0) {
      EXPECT_EQ(parts[i][0], ' ');
    }
    unfolded += parts[i];
  }
  EXPECT_EQ(unfolded, "Subject: " + subject);
}

TEST(QuotedPrintable, EncodesWhatMustBeEncoded) {
  EXPECT_EQ(quotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(quotedPrintable("trailing \nspace"), "trailing=20\r\nspace");
  EXPECT_EQ(quotedPrintable("tab\t"), "tab=09");
  EXPECT_EQ(quotedPrintable("é"), "=C3=A9");
  EXPECT_EQ(quotedPrintable("a\r\nb\rc\nd"), "a\r\nb\r\nc\r\nd");
}

TEST(QuotedPrintable, WrapsLongLinesAndRoundTrips) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "Ünïcödé text = fine; ";
  text += "\nsecond line\n";
  const std::string qp = quotedPrintable(text);
  for (const std::string& line : lines(qp)) EXPECT_LE(line.size(), 76u) << line;
  EXPECT_EQ(decodeQp(qp), text);
}

TEST(Dates, FormatsUtc) {
  EXPECT_EQ(rfc5322Date(1700000000000), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(iso8601Utc(1700000000123), "2023-11-14T22:13:20.123Z");
}

TEST(CodePoints, CountsCharactersNotBytes) {
  EXPECT_EQ(codePoints("héllo ☕"), 7u);
  EXPECT_EQ(codePoints(""), 0u);
}

TEST(FileName, IsStableSafeAndDistinct) {
  const std::string a = messageFileName("welcome/3f2a/send/42/1");
  EXPECT_EQ(a, messageFileName("welcome/3f2a/send/42/1"));
  EXPECT_EQ(a.rfind("welcome_3f2a_send_42_1.", 0), 0u) << a;
  EXPECT_EQ(a.substr(a.size() - 4), ".eml");
  EXPECT_NE(a, messageFileName("welcome/3f2a/send/42/2"));
  EXPECT_NE(messageFileName("a/b"), messageFileName("a_b"));
  EXPECT_EQ(messageFileName("x:y/../z").find_first_of(":/"), std::string::npos);
  EXPECT_EQ(messageFileName(std::string(500, 'k')).size(), 16u + 1 + 16 + 4);
  const std::string revision(64, 'a');
  const std::string real = messageFileName("welcome/" + revision + "/welcome-email/1234/0");
  EXPECT_EQ(real.rfind("welcome_aaaaaaaaaaaaaaaa_welcome-email_1234_0.", 0), 0u) << real;
}

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
  const std::string id = hashKey("welcome/rev/send/1/0").hex();
  EXPECT_EQ(eml,
            "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
            "From: Acme News <news@acme.example>\r\n"
            "To: Ann Lee <ann@example.com>\r\n"
            "Subject: Hello Ann\r\n"
            "Message-ID: <" +
                id +
                "@acme.example>\r\n"
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
}  // namespace herald::outbox
