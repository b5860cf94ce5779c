// Compile errors: each message checked exactly, with its line and column.
#include <gtest/gtest.h>

#include "template_test_util.hpp"

namespace herald::tmpl {
namespace {

using testing::compileError;

void expectError(const std::string& text, int line, int column, const std::string& message,
                 const CompileOptions& options = {}) {
  const CompileError e = compileError(text, options);
  EXPECT_EQ(e.message, message) << text;
  EXPECT_EQ(e.line, line) << text;
  EXPECT_EQ(e.column, column) << text;
  EXPECT_EQ(e.path, "");
}

TEST(CompileErrors, Tags) {
  expectError("{% if x %}a{% endfi %}", 1, 12, "unknown tag 'endfi'; did you mean 'endif'?");
  expectError("a\nb\n  {% if x %}\nc", 3, 3, "'{% if %}' is never closed: add {% endif %}");
  expectError("x {% endfor %}", 1, 3, "'{% endfor %}' without an open {% for %}");
  expectError("{% for a in b %}{% if c %}{% endfor %}", 1, 27,
              "'{% endfor %}' cannot close {% if %}, which is still open: add {% endif %} first");
  expectError("{% else %}", 1, 1,
              "'{% else %}' outside of {% if %}, {% unless %}, {% case %} or {% for %}");
  expectError("{% break %}", 1, 1, "'{% break %}' outside of {% for %}");
  expectError("{% frobnicate %}", 1, 1,
              "unknown tag 'frobnicate' (tags: if, elsif, else, endif, unless, endunless, case, "
              "when, endcase, for, endfor, break, continue, assign, capture, endcapture, comment, "
              "endcomment, raw, endraw, render, increment, decrement, cycle, echo and liquid)");
  expectError("{% if %}x{% endif %}", 1, 1,
              "'{% if %}' needs a condition, e.g. {% if contact.first_name %}");
  expectError("{% comment %}never", 1, 1, "'{% comment %}' is never closed: add {% endcomment %}");
  expectError("\n{% raw %}x", 2, 1, "'{% raw %}' is never closed: add {% endraw %}");
  expectError("{% include 'x' %}", 1, 1,
              "'{% include %}' is not supported: use {% render 'NAME' %} (a partial sees only the "
              "arguments it is given)");
  expectError("{% for x of y %}{% endfor %}", 1, 10,
              "expected 'in' but found 'of' ({% for item in collection %})");
  expectError("{% assign = 3 %}", 1, 11,
              "expected a variable name ({% assign name = value %}) but found '='");
  expectError("{% assign contact = 3 %}", 1, 11,
              "'contact' cannot be assigned: choose another name");
}

TEST(CompileErrors, EveryBlockLeftOpenIsReportedAtItsOwnTag) {
  const CompileError e = testing::compileError(
      "{% if a %}\n  {% for x in y %}\n    {% unless b %}\n      {{ x }}\n", {});
  EXPECT_EQ(e.message, "'{% unless %}' is never closed: add {% endunless %}");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 5);
  ASSERT_EQ(e.related.size(), 2u);
  EXPECT_EQ(e.related[0].message, "'{% for %}' is never closed: add {% endfor %}");
  EXPECT_EQ(e.related[0].line, 2);
  EXPECT_EQ(e.related[0].column, 3);
  EXPECT_FALSE(e.related[0].note);
  EXPECT_EQ(e.related[1].message, "'{% if %}' is never closed: add {% endif %}");
  EXPECT_EQ(e.related[1].line, 1);
  EXPECT_EQ(e.related[1].column, 1);

  // A closer that meets another block: the opener's place is a note.
  const CompileError c = testing::compileError("{% for a in b %}\n{% if c %}{% endfor %}", {});
  ASSERT_EQ(c.related.size(), 1u);
  EXPECT_EQ(c.related[0].message, "'{% if %}' opened here");
  EXPECT_EQ(c.related[0].line, 2);
  EXPECT_EQ(c.related[0].column, 1);
  EXPECT_TRUE(c.related[0].note);
}

TEST(CompileErrors, Delimiters) {
  expectError("Hi {{ contact.first_name", 1, 4, "'{{' is never closed: add }}");
  expectError("line\n  {% if x", 2, 3, "'{%' is never closed: add %}");
  expectError("{{ 'abc }}", 1, 4, "unterminated string: add the closing '");
  expectError("{{ \"abc }}", 1, 4, "unterminated string: add the closing \"");
  expectError("{{ a b }}", 1, 6,
              "unexpected 'b' after the value: expected | and a filter, or the end of the output");
  expectError("{{ a | }}", 1, 8, "expected a filter name after '|' but found the end of the tag");
  expectError("{{ a ; }}", 1, 6, "unexpected character ';'");
  expectError("{% if a = 1 %}{% endif %}", 1, 9,
              "unexpected '=' in the condition: expected and, or, ==, !=, <, >, <=, >=, contains "
              "or the end of the tag");
}

TEST(CompileErrors, LimitsOfTheParser) {
  std::string deep = "{{ a";
  for (int i = 0; i < 40; ++i) deep += "[a";
  deep += std::string(40, ']') + " }}";
  expectError(deep, 1, 68, "the expression is nested more than 32 levels deep (limit)");
  expectError("{% liquid\n  raw\n %}", 2, 3, "'{% raw %}' cannot be used inside {% liquid %}");
  expectError("{% endraw %}", 1, 1, "'{% endraw %}' without an open {% raw %}");
  expectError("{% for x in l offset: continue %}{% endfor %}", 1, 23,
              "'offset: continue' is not supported: give the offset as a number");
}

TEST(CompileErrors, Filters) {
  expectError("{{ x | upcse }}", 1, 8, "unknown filter 'upcse'; did you mean 'upcase'?");
  expectError("\n {{ x | replace }}", 2, 9,
              "filter 'replace' takes 1 or 2 arguments (replace: SEARCH[, REPLACEMENT])");
  expectError("{{ x | append: 1, 2 }}", 1, 8, "filter 'append' takes 1 argument (append: TEXT)");
  expectError("{{ x | upcase: 1 }}", 1, 8, "filter 'upcase' takes no arguments (upcase)");
  expectError("{{ x | raw: 1 }}", 1, 8, "filter 'raw' takes no arguments");
  expectError("{{ x | upcase: 1, allow_false: true }}", 1, 19,
              "filter 'upcase' does not take named arguments ('allow_false:')");
}

TEST(CompileErrors, Roots) {
  CompileOptions o;
  o.roots = {"contact", "vars"};
  expectError("Hi {{ contcat.first_name }}", 1, 7,
              "unknown variable 'contcat'; did you mean 'contact'? (the variables are contact and "
              "vars)",
              o);
  expectError("{% assign total = 1 %}{{ totl }}", 1, 26,
              "unknown variable 'totl'; did you mean 'total'? (the variables are contact and "
              "vars, and what the template assigns: total)",
              o);
  expectError("{{ contact.frist_name }}", 1, 12,
              "unknown contact field 'frist_name'; did you mean 'first_name'? (contact fields: id, "
              "external_id, email, phone, first_name, last_name, timezone, locale, tags and "
              "attributes; custom fields are contact.attributes.frist_name)",
              o);
  expectError("{{ contact.city }}", 1, 12,
              "unknown contact field 'city' (contact fields: id, external_id, email, phone, "
              "first_name, last_name, timezone, locale, tags and attributes; custom fields are "
              "contact.attributes.city)",
              o);
  expectError("{{ contact }}", 1, 4,
              "'contact' needs a field: contact.FIELD (fields: id, external_id, email, phone, "
              "first_name, last_name, timezone, locale, tags and attributes; custom fields are "
              "contact.attributes.NAME)",
              o);
  expectError("{% for p in vars.picks %}{{ forloop.indx }}{% endfor %}", 1, 37,
              "unknown forloop property 'indx' (forloop has index, index0, rindex, rindex0, "
              "first, last, length and parentloop)",
              o);
  // Assigned later in the text is fine; loop variables are fine.
  CompileError err;
  EXPECT_TRUE(Template::compile(
      "{% for p in vars.picks %}{{ p.name }}{% endfor %}"
      "{% if x %}{{ y }}{% endif %}{% assign x = 1 %}{% capture y %}{% endcapture %}",
      o, err))
      << err.message;
}

TEST(CompileErrors, NestingDepth) {
  CompileOptions o;
  o.limits.max_depth = 3;
  expectError(
      "{% if a %}{% if b %}{% for c in d %}{% if e %}{% endif %}{% endfor %}{% endif %}{% endif %}",
      1, 37, "blocks are nested more than 3 levels deep (limit)", o);
}

}  // namespace
}  // namespace herald::tmpl
