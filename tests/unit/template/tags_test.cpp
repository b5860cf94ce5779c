// Tags: if/unless/case, for and forloop, assign/capture, comment/raw,
// counters, cycle, echo, liquid.
#include <gtest/gtest.h>

#include "template_test_util.hpp"

namespace herald::tmpl {
namespace {

using testing::render;

TEST(If, BranchesAndComparisons) {
  nlohmann::json g = {{"n", 5}, {"s", "hello"}, {"l", {1, 2}}, {"e", ""}, {"f", false}};
  EXPECT_EQ(render("{% if n > 3 %}big{% elsif n > 1 %}mid{% else %}small{% endif %}", g), "big");
  EXPECT_EQ(render("{% if n > 9 %}big{% elsif n > 1 %}mid{% else %}small{% endif %}", g), "mid");
  EXPECT_EQ(render("{% if n > 9 %}big{% elsif n > 7 %}mid{% else %}small{% endif %}", g), "small");
  EXPECT_EQ(
      render("{% if n == 5 %}a{% endif %}{% if n != 5 %}b{% endif %}{% if n <> 4 %}c{% endif %}"
             "{% if n <= 5 %}d{% endif %}{% if n >= 6 %}e{% endif %}{% if n < 5.5 %}f{% endif %}",
             g),
      "acdf");
  EXPECT_EQ(render("{% if s contains 'ell' %}y{% endif %}{% if l contains 2 %}z{% endif %}", g),
            "yz");
  EXPECT_EQ(
      render("{% if missing %}a{% else %}b{% endif %}{% if f %}c{% endif %}{% if e %}d{% endif %}",
             g),
      "bd");
  EXPECT_EQ(render("{% unless n > 9 %}u{% else %}v{% endunless %}", g), "u");
  EXPECT_EQ(render("{% if n == 'five' %}a{% endif %}{% if s > 3 %}b{% endif %}", g), "");
}

TEST(If, AndOrAreRightToLeft) {
  // Liquid: false and false or true == false and (false or true) == false.
  EXPECT_EQ(render("{% if false and false or true %}yes{% else %}no{% endif %}"), "no");
  EXPECT_EQ(render("{% if true or false and false %}yes{% else %}no{% endif %}"), "yes");
  EXPECT_EQ(render("{% if true and true and nil %}yes{% else %}no{% endif %}"), "no");
}

TEST(If, EmptyAndBlank) {
  nlohmann::json g = {{"e", ""}, {"sp", "  "}, {"l", nlohmann::json::array()}, {"s", "x"}};
  EXPECT_EQ(render("{% if e == empty %}1{% endif %}{% if l == empty %}2{% endif %}"
                   "{% if s == empty %}3{% endif %}{% if s != empty %}4{% endif %}"
                   "{% if missing == empty %}5{% endif %}",
                   g),
            "124");
  EXPECT_EQ(render("{% if sp == blank %}1{% endif %}{% if missing == blank %}2{% endif %}"
                   "{% if s == blank %}3{% endif %}",
                   g),
            "12");
}

TEST(Case, WhenValuesElse) {
  auto tpl =
      "{% case x %}{% when 1, 2 %}low{% when 3 or 4 %}mid{% when 'a' %}A{% else %}other"
      "{% endcase %}";
  EXPECT_EQ(render(tpl, {{"x", 2}}), "low");
  EXPECT_EQ(render(tpl, {{"x", 4}}), "mid");
  EXPECT_EQ(render(tpl, {{"x", "a"}}), "A");
  EXPECT_EQ(render(tpl, {{"x", 9}}), "other");
  EXPECT_EQ(render("{% case x %}  ignored {% when 1 %}one{% endcase %}", {{"x", 1}}), "one");
}

TEST(For, ItemsRangesLimitOffsetReversedElse) {
  nlohmann::json g = {{"l", {"a", "b", "c", "d"}}, {"n", 3}, {"none", nlohmann::json::array()}};
  EXPECT_EQ(render("{% for x in l %}{{ x }}{% endfor %}", g), "abcd");
  EXPECT_EQ(render("{% for i in (1..n) %}{{ i }}{% endfor %}", g), "123");
  EXPECT_EQ(render("{% for x in l limit: 2 %}{{ x }}{% endfor %}", g), "ab");
  EXPECT_EQ(render("{% for x in l offset: 1 limit: 2 %}{{ x }}{% endfor %}", g), "bc");
  EXPECT_EQ(render("{% for x in l reversed %}{{ x }}{% endfor %}", g), "dcba");
  EXPECT_EQ(render("{% for x in l limit: 2 reversed %}{{ x }}{% endfor %}", g), "ba");
  EXPECT_EQ(render("{% for x in none %}{{ x }}{% else %}empty{% endfor %}", g), "empty");
  EXPECT_EQ(render("{% for x in missing %}{{ x }}{% else %}empty{% endfor %}", g), "empty");
  EXPECT_EQ(
      render("{% for p in h %}{{ p[0] }}={{ p[1] }};{% endfor %}", {{"h", {{"a", 1}, {"b", 2}}}}),
      "a=1;b=2;");
}

TEST(For, ForloopVariables) {
  nlohmann::json g = {{"l", {"a", "b", "c"}}};
  EXPECT_EQ(render("{% for x in l %}{{ forloop.index }}{{ forloop.index0 }}{{ forloop.rindex }}"
                   "{{ forloop.rindex0 }}{{ forloop.length }}{% if forloop.first %}F{% endif %}"
                   "{% if forloop.last %}L{% endif %} {% endfor %}",
                   g),
            "10323F 21213 32103L ");
  EXPECT_EQ(render("{% for x in l limit: 2 %}{% for y in (1..2) %}{{ forloop.parentloop.index }}."
                   "{{ forloop.index }} {% endfor %}{% endfor %}",
                   g),
            "1.1 1.2 2.1 2.2 ");
  EXPECT_EQ(
      render("{% for x in l %}{{ x }}{% unless forloop.last %}, {% endunless %}{% endfor %}", g),
      "a, b, c");
}

TEST(For, BreakContinueAndScope) {
  nlohmann::json g = {{"l", {1, 2, 3, 4, 5}}, {"x", "outer"}};
  EXPECT_EQ(render("{% for i in l %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}"
                   "{% break %}{% endif %}{{ i }}{% endfor %}",
                   g),
            "13");
  EXPECT_EQ(render("{% for x in l limit: 1 %}{{ x }}{% endfor %} {{ x }}", g), "1 outer");
}

TEST(Assign, WithFiltersAndCapture) {
  nlohmann::json g = {{"name", "ada"}};
  EXPECT_EQ(render("{% assign greeting = 'Hi ' | append: name %}{{ greeting }}", g), "Hi ada");
  EXPECT_EQ(render("{% capture c %}[{{ name }}]{% endcapture %}<{{ c }}>", g), "<[ada]>");
  EXPECT_EQ(
      render(
          "{% assign n = 1 %}{% for i in (1..3) %}{% assign n = n | plus: i %}{% endfor %}{{ n }}",
          g),
      "7");
}

TEST(Tags, CommentRawInlineComment) {
  EXPECT_EQ(
      render("a{% comment %}{{ x }} {% if %} {% comment %}in{% endcomment %}{% endcomment %}b"),
      "ab");
  EXPECT_EQ(render("{% raw %}{{ x }}{% if %}{% endraw %}"), "{{ x }}{% if %}");
  EXPECT_EQ(render("a{% # a note %}b"), "ab");
}

TEST(Tags, IncrementDecrementCycleEcho) {
  EXPECT_EQ(render("{% increment c %}{% increment c %}{% decrement d %}{% decrement d %}"),
            "01-1-2");
  EXPECT_EQ(render("{% for i in (1..4) %}{% cycle 'odd', 'even' %} {% endfor %}"),
            "odd even odd even ");
  EXPECT_EQ(
      render("{% for i in (1..3) %}{% cycle 'g': 'a', 'b' %}{% cycle 'h': 'x', 'y' %}{% endfor %}"),
      "axbyax");
  EXPECT_EQ(render("{% echo name | append: '!' %}", {{"name", "hi"}}), "hi!");
}

TEST(Tags, BlankBlocksRenderNoWhitespace) {
  EXPECT_EQ(render("{% if true %}  \n  {% endif %}"), "");
  EXPECT_EQ(render("{% if x %}\n  {% assign y = 1 %}\n{% endif %}[{{ y }}]", {{"x", true}}), "[1]");
  EXPECT_EQ(
      render(
          "{% for j in (1..2) %}{% case 'a' %}{% when 'a' %}  \n  {% endcase -%}x y{% endfor %}"),
      "x yx y");
  EXPECT_EQ(render("{% if true %} {{ 1 }} {% endif %}"), " 1 ");
  EXPECT_EQ(render("[ {%- raw %} {{ x }} {% endraw -%} ]"), "[ {{ x }}  ]");
  EXPECT_EQ(render("{{ f | default: 'd', allow_false: true }}", {{"f", false}}), "false");
}

TEST(Tags, LiquidTag) {
  EXPECT_EQ(render("{% liquid\n  assign x = 3\n  if x > 2\n    echo 'big'\n  endif\n %}"), "big");
}

}  // namespace
}  // namespace herald::tmpl
