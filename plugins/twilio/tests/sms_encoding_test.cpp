// smsEncoding(): GSM-7 or UCS-2, and the segment boundaries carriers bill.
#include "sms_encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using herald::twilio::smsEncoding;
using herald::twilio::SmsEncodingKind;

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(SmsEncoding, EmptyBodyHasNoSegments) {
  const auto e = smsEncoding("");
  EXPECT_EQ(e.kind, SmsEncodingKind::kGsm7);
  EXPECT_EQ(e.segments, 0u);
}

TEST(SmsEncoding, GsmBasicCharactersCountOnce) {
  // Accents, Greek capitals and symbols of the GSM 03.38 default alphabet.
  const auto e = smsEncoding("Café à 5€? Ñoño @ £3 ΔΩ ¿Qué? ¡Sì! §1 ÄÖÜ äöü ß\nok");
  EXPECT_EQ(e.kind, SmsEncodingKind::kGsm7);
  EXPECT_EQ(e.segments, 1u);
  // Every character one septet but the euro sign (two).
  EXPECT_EQ(e.units, 51u);
}

TEST(SmsEncoding, ExtensionCharactersCountTwice) {
  for (const char* c : {"^", "{", "}", "\\", "[", "]", "~", "|", "€", "\f"}) {
    const auto e = smsEncoding(c);
    EXPECT_EQ(e.kind, SmsEncodingKind::kGsm7) << c;
    EXPECT_EQ(e.units, 2u) << c;
  }
  // 80 braces are 160 septets: one segment; one more character makes two.
  EXPECT_EQ(smsEncoding(repeat("{", 80)).segments, 1u);
  EXPECT_EQ(smsEncoding(repeat("{", 80) + "a").segments, 2u);
}

TEST(SmsEncoding, GsmBoundaries) {
  EXPECT_EQ(smsEncoding(repeat("a", 160)).segments, 1u);
  EXPECT_EQ(smsEncoding(repeat("a", 161)).segments, 2u);
  EXPECT_EQ(smsEncoding(repeat("a", 306)).segments, 2u);
  EXPECT_EQ(smsEncoding(repeat("a", 307)).segments, 3u);
  EXPECT_EQ(smsEncoding(repeat("a", 459)).segments, 3u);
  EXPECT_EQ(smsEncoding(repeat("a", 460)).segments, 4u);
}

TEST(SmsEncoding, AnEscapePairIsNeverSplitAcrossSegments) {
  // 306 septets would fit two segments of 153, but the euro sign at
  // septets 153-154 cannot straddle the boundary: it opens the second.
  const std::string body = repeat("a", 152) + "€" + repeat("a", 152);
  const auto e = smsEncoding(body);
  EXPECT_EQ(e.units, 306u);
  EXPECT_EQ(e.segments, 3u);
}

TEST(SmsEncoding, OneCharacterOutsideGsmMakesTheWholeMessageUcs2) {
  const auto e = smsEncoding(repeat("a", 100) + "ç");  // ç is not GSM-7 (Ç is)
  EXPECT_EQ(e.kind, SmsEncodingKind::kUcs2);
  EXPECT_EQ(e.units, 101u);
  EXPECT_EQ(e.segments, 2u);
  EXPECT_EQ(e.ucs2_because, "ç");
}

TEST(SmsEncoding, Ucs2Boundaries) {
  const std::string k = "가";  // Hangul: one UTF-16 unit, three UTF-8 bytes
  EXPECT_EQ(smsEncoding(repeat(k, 70)).segments, 1u);
  EXPECT_EQ(smsEncoding(repeat(k, 71)).segments, 2u);
  EXPECT_EQ(smsEncoding(repeat(k, 134)).segments, 2u);
  EXPECT_EQ(smsEncoding(repeat(k, 135)).segments, 3u);
  EXPECT_EQ(smsEncoding(repeat(k, 135)).units, 135u);
}

TEST(SmsEncoding, EmojiAreSurrogatePairs) {
  const std::string smile = "😀";  // U+1F600: two UTF-16 code units
  const auto one = smsEncoding(smile);
  EXPECT_EQ(one.kind, SmsEncodingKind::kUcs2);
  EXPECT_EQ(one.units, 2u);
  EXPECT_EQ(smsEncoding(repeat(smile, 35)).segments, 1u);  // 70 units
  EXPECT_EQ(smsEncoding(repeat(smile, 36)).segments, 2u);  // 72 units
  // 66 units fit a segment of 67; a pair is not split, so 67 emoji (134
  // units) need three segments of 33, 33 and 1.
  EXPECT_EQ(smsEncoding(repeat(smile, 67)).units, 134u);
  EXPECT_EQ(smsEncoding(repeat(smile, 67)).segments, 3u);
  EXPECT_EQ(smsEncoding(repeat("a", 69) + smile).segments, 2u);  // 71 units
}

TEST(SmsEncoding, InvalidUtf8CountsAsAReplacementCharacter) {
  const auto e = smsEncoding(std::string("ab\xff", 3));
  EXPECT_EQ(e.kind, SmsEncodingKind::kUcs2);
  EXPECT_EQ(e.units, 3u);
}

}  // namespace
