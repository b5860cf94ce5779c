#include <gtest/gtest.h>

#include <algorithm>

#include "email_mime/address.hpp"
#include "email_mime/body.hpp"
#include "email_mime/date.hpp"
#include "email_mime/header.hpp"
#include "email_mime/utf8.hpp"
#include "mime_test_util.hpp"

namespace herald::email_mime {
namespace {

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

TEST(HeaderText, KoreanAndJapaneseNamesUseBase64WordsOfWholeCharacters) {
  const std::string korean = "김민준";
  EXPECT_EQ(formatAddress({korean, "minjun@example.kr"}, 4),
            "=?UTF-8?B?6rmA66+87KSA?= <minjun@example.kr>");
  // Long enough for several words: 3-byte characters never split across two.
  const std::string japanese =
      "山田太郎様、いつもご利用いただきありがとうございます。秋の新作コレクションのご案内です";
  const std::string encoded = encodeHeaderText(japanese, 9);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u) << encoded;
  EXPECT_GT(std::count(encoded.begin(), encoded.end(), ' '), 1) << encoded;
  EXPECT_EQ(decodeWords(encoded), japanese);
  for (const std::string& line : lines(headerLine("Subject", encoded)))
    EXPECT_LE(line.size(), 76u) << line;
  std::string long_korean;
  for (int i = 0; i < 12; ++i) long_korean += "안녕하세요 ";
  const std::string from = formatAddress({long_korean, "news@example.kr"}, 6);
  EXPECT_EQ(decodeWords(from.substr(0, from.find(" <"))), sanitizeHeaderText(long_korean));
  for (const std::string& line : lines(headerLine("From", from))) EXPECT_LE(line.size(), 76u);
}

TEST(HeaderText, MostlyLatinTextStaysQuotedPrintable) {
  EXPECT_EQ(encodeHeaderText("Grüße aus Köln"), "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=");
}

TEST(HeaderName, ExtraHeadersAreCheckedAndExplained) {
  EXPECT_TRUE(validHeaderName("X-Campaign"));
  EXPECT_FALSE(validHeaderName("X Campaign"));
  EXPECT_FALSE(validHeaderName("X-Campaign:"));
  EXPECT_FALSE(validHeaderName(""));
  EXPECT_TRUE(equalsIgnoreCase("list-unsubscribe", "List-Unsubscribe"));
}

TEST(Body, AsciiIsQuotedPrintableAndCjkIsBase64) {
  EXPECT_EQ(std::string(encodeBody("Hello Ann,\nsee you").encoding), "quoted-printable");
  std::string korean;
  for (int i = 0; i < 30; ++i) korean += "김민준 님, 가을 신상품을 소개합니다.\n";
  const EncodedBody body = encodeBody(korean);
  EXPECT_EQ(std::string(body.encoding), "base64");
  std::string joined;
  for (const std::string& line : lines(body.text)) {
    EXPECT_LE(line.size(), 76u);
    joined += line;
  }
  std::string crlf;
  for (char c : korean) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(decodeBase64(joined), crlf);
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

}  // namespace
}  // namespace herald::email_mime
