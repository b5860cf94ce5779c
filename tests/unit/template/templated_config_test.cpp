#include "template/templated_config.hpp"

#include <gtest/gtest.h>

namespace herald::tmpl {
namespace {

TEST(TemplatedConfig, RendersOnlyTemplatedFieldsPerContact) {
  nlohmann::json config = {{"from", "{{ not templated }}"},
                           {"subject", "Hi {{ contact.first_name | default: 'there' }}"},
                           {"headers", {{"X-Plan", "{{ contact.attributes.plan }}"}, {"X-N", 3}}},
                           {"lines", {"a {{ vars.code }}", "b"}}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile({"/subject", "/headers/*", "/lines/*", "/absent"}, config, {},
                                     SourcePos{"wf.yaml", 3, 5}, "step 'x'", diags);
  ASSERT_TRUE(tc);
  EXPECT_FALSE(diags.hasErrors());
  EXPECT_FALSE(tc->isConstant());
  EXPECT_EQ(tc->fieldPointers(),
            (std::vector<std::string>{"/headers/X-Plan", "/lines/0", "/subject"}));

  store::Contact c;
  c.first_name = "Ada";
  c.attributes = {{"plan", "pro"}};
  auto out = nlohmann::json::parse(tc->render({c, {{"code", "Z9"}}}));
  EXPECT_EQ(out["subject"], "Hi Ada");
  EXPECT_EQ(out["from"], "{{ not templated }}");
  EXPECT_EQ(out["headers"]["X-Plan"], "pro");
  EXPECT_EQ(out["headers"]["X-N"], 3);
  EXPECT_EQ(out["lines"][0], "a Z9");
  EXPECT_EQ(out["lines"][1], "b");

  store::Contact anon;
  out = nlohmann::json::parse(tc->render({anon, nlohmann::json::object()}));
  EXPECT_EQ(out["subject"], "Hi there");
}

TEST(TemplatedConfig, ConstantWhenNothingVaries) {
  nlohmann::json config = {{"subject", "Hello"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile({"/subject"}, config, {}, {}, "step 'x'", diags);
  ASSERT_TRUE(tc);
  EXPECT_TRUE(tc->isConstant());
  EXPECT_EQ(tc->constantJson(), config.dump());
}

TEST(TemplatedConfig, ErrorsPointAtTheField) {
  nlohmann::json config = {{"subject", "Hi {{ contact.nme }}"},
                           {"text", "line one\nline two {{ vars.x | nope }}"}};
  std::map<std::string, SourcePos> positions = {{"/subject", {"wf.yaml", 12, 16}},
                                                {"/text", {"wf.yaml", 13, 13}}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile({"/subject", "/text"}, config, positions, {"wf.yaml", 10, 7},
                                     "step 'welcome' (outbox.email)", diags);
  EXPECT_FALSE(tc);
  ASSERT_EQ(diags.errorCount(), 2u);
  const auto& first = diags.items()[0];
  EXPECT_EQ(first.pos.line, 12);
  EXPECT_EQ(first.pos.column, 16);
  EXPECT_NE(first.message.find("template error in step 'welcome' (outbox.email) at '/subject'"),
            std::string::npos)
      << first.message;
  EXPECT_NE(first.message.find("unknown contact field 'nme'"), std::string::npos);
  const auto& second = diags.items()[1];
  EXPECT_EQ(second.pos.line, 13);
  EXPECT_NE(second.message.find("(line 2 of the template)"), std::string::npos) << second.message;
  EXPECT_NE(second.message.find("unknown filter 'nope'"), std::string::npos);
}

TEST(TemplatedConfig, InvalidUtf8InContactDataDoesNotThrow) {
  nlohmann::json config = {{"subject", "Hi {{ contact.first_name }}"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile({"/subject"}, config, {}, {}, "step 'x'", diags);
  ASSERT_TRUE(tc);
  store::Contact c;
  c.first_name = std::string("Jos\xff");
  std::string out;
  EXPECT_NO_THROW(out = tc->render({c, nlohmann::json::object()}));
  EXPECT_EQ(nlohmann::json::parse(out)["subject"], "Hi Jos\xef\xbf\xbd");
}

}  // namespace
}  // namespace herald::tmpl
