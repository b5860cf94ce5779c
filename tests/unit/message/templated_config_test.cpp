#include "message/templated_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "message/partials.hpp"

namespace herald::tmpl {
namespace {

using nlohmann::json;

RenderContext ctxFor(const store::Contact& c, const json& vars,
                     Undefined undefined = Undefined::kLenient) {
  RenderContext ctx;
  ctx.contact = &c;
  ctx.vars = &vars;
  ctx.undefined = undefined;
  return ctx;
}

// Where each template starts: "/subject" at wf.yaml:10:(column of the
// pointer's length), offsets added to the column (single-line scalars).
SourcePos where(const std::string& pointer, size_t offset, int, int) {
  return {"wf.yaml", 10, static_cast<int>(pointer.size() + offset)};
}

ConfigSpec emailSpec(const PartialLoader* partials = nullptr) {
  ConfigSpec spec;
  spec.fields = {{"/subject", Escape::kNone},
                 {"/text", Escape::kNone},
                 {"/html", Escape::kHtml},
                 {"/headers/*", Escape::kNone},
                 {"/lines/*", Escape::kNone}};
  spec.locales_key = "locales";
  spec.partials = partials;
  spec.where = where;
  spec.context = "step 'x' (outbox.email)";
  return spec;
}

struct Rendered {
  bool ok = false;
  json config;
  std::string reason;
  std::vector<std::string> undefined;
};

Rendered render(const TemplatedConfig& tc, const RenderContext& ctx) {
  Rendered r;
  std::string out;
  std::vector<uint32_t> ids;
  r.ok = tc.render(ctx, out, r.reason, ids);
  if (r.ok) r.config = json::parse(out);
  for (uint32_t id : ids) r.undefined.push_back(tc.undefinedNames().at(id));
  return r;
}

TEST(TemplatedConfig, RendersOnlyTemplatedFieldsPerContact) {
  json config = {{"from", "{{ not templated }}"},
                 {"subject", "Hi {{ contact.first_name | default: 'there' }}"},
                 {"headers", {{"X-Plan", "{{ contact.attributes.plan }}"}, {"X-N", 3}}},
                 {"lines", {"a {{ vars.code }}", "b"}}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile(emailSpec(), config, diags);
  ASSERT_TRUE(tc);
  EXPECT_FALSE(diags.hasErrors());
  EXPECT_FALSE(tc->isConstant());
  EXPECT_EQ(tc->fieldPointers(),
            (std::vector<std::string>{"/headers/X-Plan", "/lines/0", "/subject"}));

  store::Contact c;
  c.first_name = "Ada";
  c.attributes = {{"plan", "pro"}};
  const json vars = {{"code", "Z9"}};
  auto r = render(*tc, ctxFor(c, vars));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.config["subject"], "Hi Ada");
  EXPECT_EQ(r.config["from"], "{{ not templated }}");
  EXPECT_EQ(r.config["headers"]["X-Plan"], "pro");
  EXPECT_EQ(r.config["headers"]["X-N"], 3);
  EXPECT_EQ(r.config["lines"][0], "a Z9");
  EXPECT_EQ(r.config["lines"][1], "b");
}

TEST(TemplatedConfig, HtmlPartsEscapeTextPartsDoNot) {
  json config = {{"text", "Hi {{ contact.first_name }}"},
                 {"html", "<p>{{ contact.first_name }}</p>"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile(emailSpec(), config, diags);
  ASSERT_TRUE(tc);
  store::Contact c;
  c.first_name = "<script>alert(\"x\")</script>";
  auto r = render(*tc, ctxFor(c, json::object()));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.config["text"], "Hi <script>alert(\"x\")</script>");
  EXPECT_EQ(r.config["html"], "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>");
}

TEST(TemplatedConfig, ConstantWhenNothingVaries) {
  json config = {{"subject", "Plain"}, {"from", "a@b.c"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile(emailSpec(), config, diags);
  ASSERT_TRUE(tc);
  EXPECT_TRUE(tc->isConstant());
  EXPECT_EQ(json::parse(tc->constantJson()), config);
}

TEST(TemplatedConfig, ErrorsPointIntoTheTemplate) {
  json config = {{"subject", "Hi {{ contact.first_name | nosuchfilter }}"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile(emailSpec(), config, diags);
  EXPECT_FALSE(tc);
  ASSERT_EQ(diags.items().size(), 1u);
  const auto& d = diags.items()[0];
  EXPECT_EQ(d.pos.file, "wf.yaml");
  EXPECT_GT(d.pos.column, static_cast<int>(std::string("/subject").size() + 3));
  EXPECT_EQ(d.message.rfind("step 'x' (outbox.email), subject: ", 0), 0u) << d.message;
  EXPECT_NE(d.message.find("nosuchfilter"), std::string::npos) << d.message;
}

TEST(TemplatedConfig, LocaleVariantsOverrideTheirPartsOnly) {
  json config = {{"from", "a@b.c"},
                 {"subject", "Hello {{ contact.first_name }}"},
                 {"text", "Base text"},
                 {"locales",
                  {{"ko", {{"subject", "{{ contact.first_name }}님 안녕하세요"}}},
                   {"de", {{"subject", "Hallo"}, {"text", "Text {{ contact.first_name }}"}}}}}};
  Diagnostics diags;
  auto spec = emailSpec();
  spec.default_locale = "de-CH";
  auto tc = TemplatedConfig::compile(spec, config, diags);
  ASSERT_TRUE(tc) << diags.items().at(0).message;
  EXPECT_EQ(tc->locales(), (std::vector<std::string>{"de", "ko"}));
  store::Contact c;
  c.first_name = "Min";
  c.locale = "ko_KR";
  auto r = render(*tc, ctxFor(c, json::object()));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.config, json::parse(R"({"from": "a@b.c", "subject": "Min님 안녕하세요",
                                       "text": "Base text"})"));
  c.locale = "fr";  // no variant: settings.locale (de-CH) by its language
  r = render(*tc, ctxFor(c, json::object()));
  EXPECT_EQ(r.config["subject"], "Hallo");
  EXPECT_EQ(r.config["text"], "Text Min");
  spec.default_locale = "";
  auto base = TemplatedConfig::compile(spec, config, diags);
  r = render(*base, ctxFor(c, json::object()));
  EXPECT_EQ(r.config["subject"], "Hello Min");
  EXPECT_FALSE(r.config.contains("locales"));
}

TEST(TemplatedConfig, StrictUndefinedFailsWithTheVariableAndPart) {
  json config = {
      {"text",
       "Dear {{ contact.first_name | default: 'you' }},\nfrom {{ contact.attributes.city }}"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile(emailSpec(), config, diags);
  ASSERT_TRUE(tc);
  store::Contact c;
  auto r = render(*tc, ctxFor(c, json::object(), Undefined::kStrict));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "template: undefined variable contact.attributes.city in text (line 2)");
  r = render(*tc, ctxFor(c, json::object(), Undefined::kLenient));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.config["text"], "Dear you,\nfrom ");
  EXPECT_EQ(r.undefined, (std::vector<std::string>{"contact.attributes.city"}));
}

TEST(TemplatedConfig, VariablesWithoutDefaultAreListedWithTheirPlace) {
  json config = {{"subject", "{{ contact.first_name }} {{ contact.last_name | default: 'x' }}"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile(emailSpec(), config, diags);
  ASSERT_TRUE(tc);
  ASSERT_EQ(tc->variables().size(), 2u);
  EXPECT_EQ(tc->variables()[0].name, "contact.first_name");
  EXPECT_FALSE(tc->variables()[0].has_default);
  EXPECT_EQ(tc->variables()[0].field, "subject");
  EXPECT_EQ(tc->variables()[0].pos.column, static_cast<int>(std::string("/subject").size()) + 3);
  EXPECT_TRUE(tc->variables()[1].has_default);
}

TEST(TemplatedConfig, PartialsComeFromTheTemplatesFolder) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("herald-tc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "footer.html.liquid") << "<i>{{ contact.first_name }}</i>";
  std::ofstream(dir / "footer.liquid") << "-- {{ contact.first_name }}";
  message::FolderPartials partials(dir.string());
  json config = {{"text", "T {% render 'footer' %}"}, {"html", "H {% render 'footer' %}"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile(emailSpec(&partials), config, diags);
  ASSERT_TRUE(tc) << diags.items().at(0).message;
  store::Contact c;
  c.first_name = "A&B";
  auto r = render(*tc, ctxFor(c, json::object()));
  EXPECT_EQ(r.config["text"], "T -- A&B");
  EXPECT_EQ(r.config["html"], "H <i>A&amp;B</i>");
  std::ofstream(dir / "broken.liquid") << "line\n{% if %}";
  json bad = {{"text", "{% render 'broken' %}"}};
  message::FolderPartials fresh(dir.string());
  Diagnostics bad_diags;
  EXPECT_FALSE(TemplatedConfig::compile(emailSpec(&fresh), bad, bad_diags));
  ASSERT_FALSE(bad_diags.items().empty());
  EXPECT_EQ(bad_diags.items()[0].pos.file, (dir / "broken.liquid").string());
  EXPECT_EQ(bad_diags.items()[0].pos.line, 2);
  std::filesystem::remove_all(dir);
}

TEST(TemplatedConfig, InvalidUtf8InContactDataDoesNotThrow) {
  json config = {{"subject", "Hi {{ contact.first_name }}"}};
  Diagnostics diags;
  auto tc = TemplatedConfig::compile(emailSpec(), config, diags);
  ASSERT_TRUE(tc);
  store::Contact c;
  c.first_name = std::string("Bad\xff\xfe") + "\x01";
  auto r = render(*tc, ctxFor(c, json::object()));
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.config["subject"], "Hi Bad\xEF\xBF\xBD\xEF\xBF\xBD\x01");
}

}  // namespace
}  // namespace herald::tmpl
