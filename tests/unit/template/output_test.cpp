// Outputs, variables, literals, whitespace control, escaping.
#include <gtest/gtest.h>

#include "template_test_util.hpp"

namespace herald::tmpl {
namespace {

using testing::render;

TEST(Output, PlainTextIsConstant) {
  CompileError err;
  auto t = Template::compile("Hello, world", {}, err);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->isConstant());
  EXPECT_EQ(t->renderToString({}), "Hello, world");
  auto raw = Template::compile("{% raw %}{{ x }}{% endraw %}", {}, err);
  ASSERT_TRUE(raw);
  EXPECT_FALSE(raw->isConstant());
  EXPECT_EQ(raw->renderToString({}), "{{ x }}");
}

TEST(Output, VariablesAndPaths) {
  nlohmann::json g = {{"a", {{"b", {{"c", "deep"}}}}},
                      {"list", {10, 20, 30}},
                      {"h", {{"key", "v"}, {"k2", "w"}}},
                      {"name", "k2"},
                      {"i", 1}};
  EXPECT_EQ(render("{{ a.b.c }}", g), "deep");
  EXPECT_EQ(render("{{ list[0] }}/{{ list[-1] }}/{{ list[i] }}", g), "10/30/20");
  EXPECT_EQ(render("{{ h[\"key\"] }}{{ h['key'] }}{{ h[name] }}", g), "vvw");
  EXPECT_EQ(render("{{ list.size }} {{ list.first }} {{ list.last }} {{ h.size }}", g),
            "3 10 30 2");
  EXPECT_EQ(render("{{ missing }}{{ missing.x.y }}{{ list[9] }}", g), "");
}

TEST(Output, Literals) {
  EXPECT_EQ(render("{{ 'single' }} {{ \"double\" }} {{ 42 }} {{ -3 }} {{ 2.5 }}"),
            "single double 42 -3 2.5");
  EXPECT_EQ(render("{{ true }} {{ false }} [{{ nil }}] [{{ null }}]"), "true false [] []");
  EXPECT_EQ(render("{{ (1..4) }}"), "1234");
  EXPECT_EQ(render("{{ }}x"), "x");
}

TEST(Output, WhitespaceControl) {
  nlohmann::json g = {{"x", "X"}};
  EXPECT_EQ(render("a  \n {{- x -}} \n  b", g), "aXb");
  EXPECT_EQ(render("a  {{ x -}}  b", g), "a  Xb");
  EXPECT_EQ(render("a  {%- if true -%}  b  {%- endif -%}  c", g), "abc");
  EXPECT_EQ(render("<p>\n  {%- assign y = 1 %}\n</p>", g), "<p>\n</p>");
}

TEST(Output, ContactRootReadsTheContactsFields) {
  store::Contact c;
  c.id = 7;
  c.first_name = "Ada";
  c.email = "ada@example.com";
  c.tags = {"vip", "beta"};
  c.attributes = {{"city", "Paris"}, {"plan", {{"name", "pro"}}}};
  CompileOptions o;
  o.roots = {"contact", "vars"};
  const nlohmann::json vars = {{"code", "Z9"}};
  EXPECT_EQ(render("{{ contact.id }} {{ contact.first_name }} {{ contact.email }} "
                   "{{ contact.tags.first }}{{ contact.tags.size }} {{ contact.attributes.city }} "
                   "{{ contact.attributes.plan.name }} {{ contact.last_name }}|{{ vars.code }}",
                   {}, o, &c, &vars),
            "7 Ada ada@example.com vip2 Paris pro |Z9");
}

TEST(Output, GlobalsAndAssignsShareNames) {
  nlohmann::json g = {{"x", "global"}};
  EXPECT_EQ(render("{{ x }} {% assign x = 'local' %}{{ x }}", g), "global local");
}

TEST(Escape, HtmlEscapesOutputUnlessRaw) {
  CompileOptions html;
  html.escape = Escape::kHtml;
  nlohmann::json g = {{"x", "<b>\"Tom\" & 'Jerry'</b>"}, {"n", 5}, {"l", {"<a>", "b"}}};
  EXPECT_EQ(render("<p>{{ x }}</p>", g, html),
            "<p>&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;</p>");
  EXPECT_EQ(render("{{ x | raw }}", g, html), "<b>\"Tom\" & 'Jerry'</b>");
  EXPECT_EQ(render("{{ n }} {{ l }}", g, html), "5 &lt;a&gt;b");
  EXPECT_EQ(render("{{ x }}", g), "<b>\"Tom\" & 'Jerry'</b>");
}

}  // namespace
}  // namespace herald::tmpl
