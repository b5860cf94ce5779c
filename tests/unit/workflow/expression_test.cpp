#include "workflow/expression.hpp"

#include <gtest/gtest.h>

namespace herald::workflow {
namespace {

store::Contact sampleContact() {
  store::Contact c;
  c.email = "mina@shop.example";
  c.first_name = "Mina";
  c.locale = "ko-KR";
  c.timezone = "Asia/Seoul";
  c.attributes = {{"orders", 3},
                  {"plan", "pro"},
                  {"ltv", 129.5},
                  {"newsletter", true},
                  {"address", {{"city", "Seoul"}}},
                  {"sizes", {"S", "M"}}};
  c.tags = {"vip", "beta"};
  return c;
}

bool eval(const std::string& text, const nlohmann::json& vars = nlohmann::json::object()) {
  ExprError err;
  auto e = Expr::parse(text, &err);
  EXPECT_TRUE(e.has_value()) << text << ": " << err.message << " at " << err.offset;
  if (!e) return false;
  return evaluate(*e, sampleContact(), vars);
}

ExprError parseError(const std::string& text) {
  ExprError err;
  EXPECT_FALSE(Expr::parse(text, &err).has_value()) << text;
  return err;
}

TEST(Expression, ComparesContactFields) {
  EXPECT_TRUE(eval("contact.locale == 'ko-KR'"));
  EXPECT_TRUE(eval("contact.locale == \"ko-KR\""));
  EXPECT_FALSE(eval("contact.locale == 'en-US'"));
  EXPECT_TRUE(eval("contact.locale != 'en-US'"));
  EXPECT_TRUE(eval("contact.first_name < 'Z'"));
}

TEST(Expression, ComparesAttributesNumerically) {
  EXPECT_TRUE(eval("attributes.orders >= 2"));
  EXPECT_TRUE(eval("attributes.orders == 3"));
  EXPECT_TRUE(eval("attributes.orders == 3.0"));
  EXPECT_FALSE(eval("attributes.orders > 3"));
  EXPECT_TRUE(eval("attributes.ltv > 100.25 and attributes.ltv <= 129.5"));
  EXPECT_TRUE(eval("attributes.orders > -1"));
  EXPECT_TRUE(eval("contact.attributes.plan == 'pro'"));
  EXPECT_TRUE(eval("attributes.address.city == 'Seoul'"));
  EXPECT_TRUE(eval("attributes.newsletter"));
  EXPECT_TRUE(eval("attributes.newsletter == true"));
}

TEST(Expression, TypesDoNotCoerce) {
  EXPECT_FALSE(eval("attributes.orders == '3'"));
  EXPECT_FALSE(eval("attributes.plan > 2"));
}

TEST(Expression, BooleanOperatorsAndPrecedence) {
  EXPECT_TRUE(eval("contact.locale == 'ko-KR' and attributes.orders >= 2"));
  EXPECT_TRUE(eval("contact.locale == 'en-US' or attributes.orders >= 2"));
  EXPECT_FALSE(eval("not attributes.orders >= 2"));
  // and binds tighter than or
  EXPECT_TRUE(eval("true or false and false"));
  EXPECT_FALSE(eval("(true or false) and false"));
  EXPECT_TRUE(eval("not (contact.locale == 'en-US')"));
}

TEST(Expression, TagsAndLists) {
  EXPECT_TRUE(eval("'vip' in tags"));
  EXPECT_FALSE(eval("'gold' in tags"));
  EXPECT_TRUE(eval("'gold' not in tags"));
  EXPECT_TRUE(eval("tags contains 'beta'"));
  EXPECT_TRUE(eval("contact.locale in ['ko-KR', 'ja-JP']"));
  EXPECT_FALSE(eval("contact.locale in ['de-DE', 'ja-JP']"));
  EXPECT_TRUE(eval("attributes.orders in [1, 2, 3]"));
  EXPECT_TRUE(eval("attributes.sizes contains 'M'"));
  EXPECT_TRUE(eval("'S' in attributes.sizes"));
  EXPECT_TRUE(eval("contact.email contains '@shop.example'"));
  EXPECT_TRUE(eval("'shop' in contact.email"));
  EXPECT_TRUE(eval("[] == []"));
  EXPECT_TRUE(eval("contact.tags contains 'vip'"));
}

TEST(Expression, MissingValuesAreNullAndComparisonsWithNullAreFalse) {
  EXPECT_FALSE(eval("contact.phone == '+15550100'"));
  EXPECT_FALSE(eval("contact.phone != '+15550100'"));
  EXPECT_FALSE(eval("attributes.missing > 1"));
  EXPECT_FALSE(eval("attributes.missing < 1"));
  EXPECT_FALSE(eval("attributes.missing in ['a']"));
  EXPECT_FALSE(eval("attributes.missing not in ['a']"));
  EXPECT_FALSE(eval("attributes.missing"));
  EXPECT_TRUE(eval("not attributes.missing"));
  EXPECT_TRUE(eval("contact.phone == null"));
  EXPECT_FALSE(eval("contact.email == null"));
  EXPECT_TRUE(eval("contact.email != null"));
  EXPECT_FALSE(eval("exists(contact.phone)"));
  EXPECT_TRUE(eval("exists(contact.email)"));
  EXPECT_TRUE(eval("exists(attributes.address.city)"));
  EXPECT_FALSE(eval("exists(attributes.address.zip)"));
  EXPECT_FALSE(eval("exists(attributes.plan.name)"));
  EXPECT_TRUE(eval("exists(tags)"));
}

TEST(Expression, JourneyVariables) {
  const nlohmann::json vars = {{"score", 9}, {"survey", {{"answer", "yes"}}}};
  EXPECT_TRUE(eval("vars.score > 8", vars));
  EXPECT_TRUE(eval("vars.survey.answer == 'yes'", vars));
  EXPECT_FALSE(eval("vars.score > 8", nlohmann::json()));
  EXPECT_FALSE(eval("exists(vars.other)", vars));
}

TEST(Expression, StringEscapes) {
  EXPECT_TRUE(eval(R"(contact.first_name != 'O\'Brien')"));
  EXPECT_TRUE(eval(R"('it\'s' contains "'")"));
}

TEST(Expression, ErrorsPointAtTheOffendingToken) {
  auto e = parseError("contact.locale = 'ko-KR'");
  EXPECT_EQ(e.offset, 15u);
  EXPECT_EQ(e.message, "use '==' to compare, not '='");

  e = parseError("contact.emial == 'x'");
  EXPECT_EQ(e.offset, 8u);
  EXPECT_EQ(e.message,
            "unknown contact field 'emial'; known: email, phone, locale, timezone, first_name, "
            "last_name, external_id, attributes.NAME");

  e = parseError("attributes.orders >= 2 and");
  EXPECT_EQ(e.offset, 26u);
  EXPECT_EQ(e.message, "the condition ends too early: expected a value");

  e = parseError("plan == 'pro'");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_NE(e.message.find("unknown name 'plan'"), std::string::npos);

  e = parseError("contact.locale == 'ko-KR");
  EXPECT_EQ(e.offset, 18u);
  EXPECT_EQ(e.message, "unterminated string: missing closing '");

  e = parseError("(attributes.orders > 1");
  EXPECT_EQ(e.offset, 22u);
  EXPECT_EQ(e.message, "expected ')', found the end of the expression");

  e = parseError("attributes.a > 1 && attributes.b");
  EXPECT_EQ(e.offset, 17u);
  EXPECT_EQ(e.message, "use 'and' instead of '&&'");

  e = parseError("1 < attributes.a < 3");
  EXPECT_EQ(e.offset, 17u);
  EXPECT_EQ(e.message, "comparisons cannot be chained; join them with 'and' or 'or'");

  e = parseError("attributes.a 3");
  EXPECT_EQ(e.offset, 13u);

  e = parseError("");
  EXPECT_EQ(e.message, "the condition is empty");

  e = parseError("exists('x')");
  EXPECT_EQ(e.offset, 7u);

  e = parseError("[1, 2");
  EXPECT_EQ(e.offset, 5u);

  e = parseError("tags.vip");
  EXPECT_EQ(e.message, "tags is a list; test it with 'vip' in tags");

  e = parseError("attributes.orders > 2x");
  EXPECT_EQ(e.offset, 20u);
  EXPECT_EQ(e.message, "malformed number '2x'");
}

TEST(Expression, DeepNestingIsAnErrorNotACrash) {
  EXPECT_EQ(parseError(std::string(100000, '(') + "true").message,
            "the condition nests too deeply");
  EXPECT_EQ(parseError(std::string(100000, '[')).message, "the condition nests too deeply");
  std::string nots;
  for (int i = 0; i < 50000; ++i) nots += "not ";
  EXPECT_EQ(parseError(nots + "true").message, "the condition nests too deeply");
  EXPECT_TRUE(eval(std::string(40, '(') + "true" + std::string(40, ')')));
  std::string chain = "true";
  for (int i = 0; i < 100000; ++i) chain += " and true";
  EXPECT_EQ(parseError(chain).message,
            "the condition has more than 1000 operators; split it into several condition steps");
  chain = "true";
  for (int i = 0; i < 999; ++i) chain += " and true";
  EXPECT_TRUE(eval(chain));
}

TEST(Expression, CopiesShareTheCompiledTree) {
  auto e = Expr::parse("'vip' in tags");
  ASSERT_TRUE(e);
  const Expr copy = *e;
  EXPECT_TRUE(evaluate(copy, sampleContact(), {}));
  EXPECT_EQ(copy.text(), "'vip' in tags");
}

}  // namespace
}  // namespace herald::workflow
