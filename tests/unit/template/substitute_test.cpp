#include "template/substitute.hpp"

#include <gtest/gtest.h>

namespace herald::tmpl {
namespace {

store::Contact ada() {
  store::Contact c;
  c.id = 42;
  c.email = "ada@example.com";
  c.first_name = "Ada";
  c.last_name = "Lovelace";
  c.timezone = "Europe/London";
  c.locale = "en-GB";
  c.attributes = {{"plan", "pro"}, {"orders", 3}, {"score", 9.5}, {"address", {{"city", "Paris"}}}};
  c.tags = {"vip", "beta"};
  return c;
}

std::string render(const std::string& text, const store::Contact& c,
                   const nlohmann::json& vars = nlohmann::json::object()) {
  CompileError err;
  auto t = Template::compile(text, err);
  EXPECT_TRUE(t) << err.message;
  if (!t) return "<error>";
  return t->render({c, vars});
}

CompileError compileError(const std::string& text) {
  CompileError err;
  auto t = Template::compile(text, err);
  EXPECT_FALSE(t) << "compiled: " << text;
  return err;
}

TEST(Substitute, ContactFieldsAttributesAndVars) {
  const auto c = ada();
  EXPECT_EQ(render("Hi {{ contact.first_name }} {{contact.last_name}}!", c), "Hi Ada Lovelace!");
  EXPECT_EQ(render("{{ contact.email }}|{{ contact.id }}|{{ contact.locale }}", c),
            "ada@example.com|42|en-GB");
  EXPECT_EQ(render("plan={{ contact.attributes.plan }} orders={{ contact.attributes.orders }}", c),
            "plan=pro orders=3");
  EXPECT_EQ(render("{{ contact.attributes.score }}", c), "9.5");
  EXPECT_EQ(render("{{ contact.attributes.address.city }}", c), "Paris");
  EXPECT_EQ(render("{{ contact.tags.first }}", c), "vip");
  EXPECT_EQ(render("{{ vars.code }}-{{ vars.offer.pct }}", c,
                   {{"code", "SPRING"}, {"offer", {{"pct", 20}}}}),
            "SPRING-20");
}

TEST(Substitute, MissingValuesRenderEmptyLikeLiquid) {
  store::Contact c;
  EXPECT_EQ(render("[{{ contact.first_name }}][{{ contact.attributes.nope }}][{{ vars.x.y }}]", c),
            "[][][]");
}

TEST(Substitute, DefaultFilter) {
  store::Contact c;
  EXPECT_EQ(render("Hi {{ contact.first_name | default: \"there\" }}", c), "Hi there");
  EXPECT_EQ(render("Hi {{ contact.first_name | default: 'there' }}", c), "Hi there");
  c.first_name = "";
  EXPECT_EQ(render("{{ contact.first_name | default: 'friend' }}", c), "friend");
  c.first_name = "Bo";
  EXPECT_EQ(render("{{ contact.first_name | default: 'friend' }}", c), "Bo");
  EXPECT_EQ(render("{{ vars.n | default: 5 }}", c), "5");
  EXPECT_EQ(render("{{ vars.n | default: vars.m }}", c, {{"m", "fallback"}}), "fallback");
}

TEST(Substitute, CaseFiltersChain) {
  auto c = ada();
  EXPECT_EQ(render("{{ contact.first_name | upcase }}", c), "ADA");
  EXPECT_EQ(render("{{ contact.first_name | downcase }}", c), "ada");
  c.first_name = "aDA";
  EXPECT_EQ(render("{{ contact.first_name | capitalize }}", c), "Ada");
  EXPECT_EQ(render("{{ vars.x | strip | default: 'none' | upcase }}", c, {{"x", "   "}}), "NONE");
}

TEST(Substitute, WhitespaceControl) {
  auto c = ada();
  EXPECT_EQ(render("a  \n {{- contact.first_name -}} \n  b", c), "aAdab");
}

TEST(Substitute, ConstantTextAndLoneBraces) {
  store::Contact c;
  CompileError err;
  auto t = Template::compile("price: {5} { not a tag }", err);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->isConstant());
  EXPECT_EQ(t->render({c, nlohmann::json::object()}), "price: {5} { not a tag }");
  auto v = Template::compile("x {{ vars.a }}", err);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->isConstant());
}

TEST(Substitute, ErrorsSayWhatToWriteAndWhere) {
  auto e = compileError("Hi {{ contact.frist_name }}");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_NE(e.message.find("unknown contact field 'frist_name'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("first_name"), std::string::npos);

  e = compileError("Hi {{ user.name }}");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_NE(e.message.find("unknown variable 'user'"), std::string::npos) << e.message;

  e = compileError("Hi {{ contact.first_name ");
  EXPECT_EQ(e.offset, 3u);
  EXPECT_NE(e.message.find("never closed"), std::string::npos) << e.message;

  e = compileError("{% if x %}hi{% endif %}");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_NE(e.message.find("not supported yet"), std::string::npos) << e.message;

  e = compileError("{{ contact.first_name | shout }}");
  EXPECT_NE(e.message.find("unknown filter 'shout'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("default"), std::string::npos);

  e = compileError("{{ contact.first_name | default }}");
  EXPECT_NE(e.message.find("takes one value"), std::string::npos) << e.message;

  e = compileError("{{ contact.first_name | default: 'x }}");
  EXPECT_NE(e.message.find("unterminated string"), std::string::npos) << e.message;

  e = compileError("{{ }}");
  EXPECT_NE(e.message.find("empty"), std::string::npos) << e.message;

  e = compileError("{{ contact.email.domain }}");
  EXPECT_NE(e.message.find("contact.email has no field 'domain'"), std::string::npos) << e.message;

  e = compileError("{{ contact.first_name extra }}");
  EXPECT_NE(e.message.find("unexpected 'e'"), std::string::npos) << e.message;
}

TEST(Substitute, CopiesRenderTheSame) {
  CompileError err;
  auto t = Template::compile("{{ contact.first_name }}!", err);
  ASSERT_TRUE(t);
  Template copy = *t;
  Template moved = std::move(*t);
  auto c = ada();
  EXPECT_EQ(copy.render({c, nlohmann::json::object()}), "Ada!");
  EXPECT_EQ(moved.render({c, nlohmann::json::object()}), "Ada!");
}

}  // namespace
}  // namespace herald::tmpl
