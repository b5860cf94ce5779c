#include "import/values.hpp"

#include <gtest/gtest.h>

namespace herald::import {
namespace {

TEST(Values, Email) {
  std::string out;
  EXPECT_TRUE(normalizeEmail("Bob.Smith+tag@Example.COM", out));
  EXPECT_EQ(out, "bob.smith+tag@example.com");
  EXPECT_TRUE(normalizeEmail("jürgen@例え.jp", out));
  for (const char* bad : {"bob@@example", "bob", "@example.com", "bob@example", "bob@.com",
                          "bob@example..com", "bo b@example.com", ".bob@example.com",
                          "bob.@example.com", "bo..b@example.com", "bob@-example.com"}) {
    EXPECT_FALSE(normalizeEmail(bad, out)) << bad;
  }
}

TEST(Values, Phone) {
  std::string out;
  EXPECT_TRUE(normalizePhone("+1 (415) 555-0100", out));
  EXPECT_EQ(out, "+14155550100");
  EXPECT_TRUE(normalizePhone("0049 30 1234567", out));
  EXPECT_EQ(out, "+49301234567");
  EXPECT_TRUE(normalizePhone("+82.10.1234.5678", out));
  EXPECT_EQ(out, "+821012345678");
  for (const char* bad :
       {"555-1234", "4155550100", "+1 415 CALL ME", "+123", "+0123456789", "+1234567890123456"}) {
    EXPECT_FALSE(normalizePhone(bad, out)) << bad;
  }
}

TEST(Values, Numbers) {
  EXPECT_EQ(parseNumber("42"), nlohmann::json(42));
  EXPECT_TRUE(parseNumber("42")->is_number_integer());
  EXPECT_EQ(parseNumber("-3.25"), nlohmann::json(-3.25));
  EXPECT_EQ(parseNumber("+7"), nlohmann::json(7));
  EXPECT_EQ(parseNumber("1e3"), nlohmann::json(1000.0));
  for (const char* bad : {"", "abc", "1,5", "1 000", "12abc", "nan", "inf", "++1", "0x10"}) {
    EXPECT_FALSE(parseNumber(bad)) << bad;
  }
}

TEST(Values, Booleans) {
  for (const char* yes : {"true", "TRUE", "yes", "Y", "1", "t", "on"}) {
    EXPECT_EQ(parseBoolean(yes), true) << yes;
  }
  for (const char* no : {"false", "No", "n", "0", "F", "off"}) EXPECT_EQ(parseBoolean(no), false);
  EXPECT_FALSE(parseBoolean("maybe"));
  EXPECT_EQ(parseConsent("opt-in"), true);
  EXPECT_EQ(parseConsent("Unsubscribed"), false);
  EXPECT_FALSE(parseConsent("perhaps"));
}

TEST(Values, Timestamps) {
  auto t = parseTimestamp("2024-02-29");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->has_time);
  EXPECT_EQ(t->unix_ms, 1709164800000);
  EXPECT_EQ(formatTimestamp(*t), "2024-02-29");
  t = parseTimestamp("2024-05-01T14:30:00Z");
  EXPECT_EQ(t->unix_ms, 1714573800000);
  EXPECT_EQ(formatTimestamp(*t), "2024-05-01T14:30:00Z");
  EXPECT_EQ(parseTimestamp("2024-05-01 16:30:00+02:00")->unix_ms, 1714573800000);
  EXPECT_EQ(parseTimestamp("2024-05-01T09:30-0500")->unix_ms, 1714573800000);
  EXPECT_EQ(parseTimestamp("2024-05-01T14:30:00.250Z")->unix_ms, 1714573800250);
  EXPECT_EQ(parseTimestamp("1969-12-31T23:59:59Z")->unix_ms, -1000);
  EXPECT_EQ(formatTimestamp(*parseTimestamp("1969-12-31T23:59:59Z")), "1969-12-31T23:59:59Z");
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-04-31", "31/12/2024", "2024-5-1",
                          "2024-05-01T25:00", "2024-05-01T10:00:00 PST", "yesterday", ""}) {
    EXPECT_FALSE(parseTimestamp(bad)) << bad;
  }
}

TEST(Values, Locales) {
  EXPECT_EQ(normalizeLocale("ko_kr"), "ko-KR");
  EXPECT_EQ(normalizeLocale("EN-us"), "en-US");
  EXPECT_EQ(normalizeLocale("zh-hant-TW"), "zh-Hant-TW");
  EXPECT_EQ(normalizeLocale("es-419"), "es-419");
  EXPECT_EQ(normalizeLocale("fr"), "fr");
  for (const char* bad : {"english", "e", "en-", "en_US_", "12-US", "en US"}) {
    EXPECT_FALSE(normalizeLocale(bad)) << bad;
  }
}

TEST(Values, Lists) {
  std::vector<std::string> out;
  splitList(" vip | beta;;newsletter|vip ", out);
  EXPECT_EQ(out, (std::vector<std::string>{"vip", "beta", "newsletter"}));
}

TEST(Values, Utf8) {
  EXPECT_TRUE(isValidUtf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(isValidUtf8("한국어 Müller 陽翔"));
  EXPECT_FALSE(isValidUtf8("M\xfcller"));     // Latin-1
  EXPECT_FALSE(isValidUtf8("abcdefgh\xc3"));  // truncated
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));  // surrogate
}

TEST(Values, TimeZones) {
  TimeZones zones;
  EXPECT_TRUE(zones.known("Europe/Paris"));
  EXPECT_TRUE(zones.known("Asia/Seoul"));
  EXPECT_TRUE(zones.known("UTC"));
  EXPECT_FALSE(zones.known("Europe/Pariss"));
  EXPECT_FALSE(zones.known("Mars/Olympus"));
  EXPECT_EQ(zones.suggest("Europe/Pariss"), "Europe/Paris");
  EXPECT_EQ(zones.suggest("asia/seoul"), "Asia/Seoul");
}

}  // namespace
}  // namespace herald::import
