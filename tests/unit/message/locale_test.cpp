#include "message/locale.hpp"

#include <gtest/gtest.h>

namespace herald::message {
namespace {

TEST(LocaleTag, AcceptsBcp47Shapes) {
  for (const char* tag : {"ko", "KO", "en-US", "en_us", "de-AT", "zh-Hant-TW", "es-419", "fil",
                          "sl-rozaj", "de-CH-1996"})
    EXPECT_TRUE(isValidLocaleTag(tag)) << tag;
}

TEST(LocaleTag, RejectsMalformedTags) {
  for (const char* tag :
       {"", "k", "korean", "en-", "-US", "en--US", "en-U", "12", "en US", "en-USA-x", "e1"})
    EXPECT_FALSE(isValidLocaleTag(tag)) << tag;
  EXPECT_EQ(localeTagHint("korean"),
            "'korean' is not a locale tag; use a BCP 47 tag: a language, optionally with a "
            "region, such as ko, en-US or de-AT");
}

TEST(LocaleTag, NormalizesCaseAndUnderscore) {
  EXPECT_EQ(normalizeLocale("de_AT"), "de-at");
  EXPECT_EQ(normalizeLocale("KO-kr"), "ko-kr");
  EXPECT_EQ(languageOf("ko-kr"), "ko");
  EXPECT_EQ(languageOf("ko"), "ko");
}

TEST(LocaleChooser, ExactThenLanguageThenDefaultThenBase) {
  LocaleChooser c({"ko", "de-AT", "de"}, "");
  EXPECT_EQ(c.choose("ko"), 0);
  EXPECT_EQ(c.choose("ko-KR"), 0);  // its language
  EXPECT_EQ(c.choose("de_at"), 1);  // exact, case and _ ignored
  EXPECT_EQ(c.choose("de-DE"), 2);  // language
  EXPECT_EQ(c.choose("fr"), -1);    // the base parts
  EXPECT_EQ(c.choose(""), -1);
  LocaleChooser with_default({"ko", "de"}, "de-CH");
  EXPECT_EQ(with_default.choose("fr-FR"), 1);  // the workflow's default, by its language
  EXPECT_EQ(with_default.choose(""), 1);
  EXPECT_EQ(with_default.choose("KO"), 0);
  LocaleChooser default_not_a_variant({"ko"}, "en-US");
  EXPECT_EQ(default_not_a_variant.choose("fr"), -1);
  EXPECT_TRUE(LocaleChooser({}, "ko").empty());
  EXPECT_EQ(LocaleChooser({}, "ko").choose("ko"), -1);
}

}  // namespace
}  // namespace herald::message
