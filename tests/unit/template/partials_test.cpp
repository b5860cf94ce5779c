// {% render %}: partials from a real templates/ folder, isolated scope,
// arguments, with/for, escaping, errors inside partials, recursion.
#include <gtest/gtest.h>

#include "template_test_util.hpp"

namespace herald::tmpl {
namespace {

using testing::FolderPartials;
using testing::render;

class Partials : public ::testing::Test {
 protected:
  CompileOptions opts() const {
    CompileOptions o;
    o.partials = &partials;
    return o;
  }
  FolderPartials partials;
};

TEST_F(Partials, RenderWithArgumentsWithAndFor) {
  partials.write("footer", "-- {{ brand }} --");
  partials.write("product", "[{{ product.name }}:{{ size }}]");
  partials.write("item",
                 "{{ forloop.index }}.{{ p.name }}{% unless forloop.last %},{% endunless %}");
  nlohmann::json g = {{"brand", "Northwind"},
                      {"p", {{"name", "Hat"}}},
                      {"list", {{{"name", "A"}}, {{"name", "B"}}}}};
  EXPECT_EQ(render("{% render 'footer' %}", g, opts()), "-- Northwind --");
  EXPECT_EQ(render("{% render 'product', product: p, size: 2 %}", g, opts()), "[Hat:2]");
  EXPECT_EQ(render("{% render 'product' with p, size: 3 %}", g, opts()), "[Hat:3]");
  EXPECT_EQ(render("{% render 'product' with p as product %}", g, opts()), "[Hat:]");
  EXPECT_EQ(render("{% render 'item' for list as p %}", g, opts()), "1.A,2.B");
}

TEST_F(Partials, IsolatedScope) {
  partials.write("scope",
                 "[{{ secret }}|{{ shown }}|{{ vars.code }}|{{ contact.first_name }}]"
                 "{% assign inner = 'x' %}");
  store::Contact c;
  c.first_name = "Ada";
  const nlohmann::json vars = {{"code", "Z9"}};
  EXPECT_EQ(render("{% assign secret = 's' %}{% render 'scope', shown: secret %}{{ inner }}", {},
                   opts(), &c, &vars),
            "[|s|Z9|Ada]");
}

TEST_F(Partials, InheritEscaping) {
  partials.write("bold", "<b>{{ text }}</b>{{ text | raw }}");
  CompileOptions o = opts();
  o.escape = Escape::kHtml;
  EXPECT_EQ(render("{% render 'bold', text: t %}", {{"t", "a&b"}}, o), "<b>a&amp;b</b>a&b");
}

TEST_F(Partials, Errors) {
  partials.write("footer", "ok");
  partials.write("broken", "line 1\n  {% if x %}");
  partials.write("a", "{% render 'b' %}");
  partials.write("b", "{% render 'c' %}");
  partials.write("c", "{% render 'a' %}");
  partials.write("self", "{% render 'self' %}");
  CompileError e = testing::compileError("x\n {% render 'footr' %}", opts());
  EXPECT_EQ(e.message, "no partial 'footr' in templates/; did you mean 'footer'?");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 12);
  EXPECT_EQ(e.path, "");

  e = testing::compileError("{% render 'broken' %}", opts());
  EXPECT_EQ(e.message, "'{% if %}' is never closed: add {% endif %}");
  EXPECT_EQ(e.path, "templates/broken.liquid");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 3);

  e = testing::compileError("{% render 'a' %}", opts());
  EXPECT_EQ(e.message, "partial 'a' renders itself: a -> b -> c -> a");
  EXPECT_EQ(e.path, "templates/c.liquid");
  e = testing::compileError("{% render 'self' %}", opts());
  EXPECT_EQ(e.message, "partial 'self' renders itself: self -> self");

  e = testing::compileError("{% render 'footer' %}", {});
  EXPECT_EQ(e.message, "'{% render %}' needs a templates/ folder: partials are not available here");
  e = testing::compileError("{% render footer %}", opts());
  EXPECT_EQ(e.message,
            "expected the partial's name as a quoted string ({% render 'footer' %}) but found "
            "'footer'");
}

TEST_F(Partials, NestingCountsPartials) {
  partials.write("deep", "{% if a %}{% if b %}x{% endif %}{% endif %}");
  CompileOptions o = opts();
  o.limits.max_depth = 3;
  CompileError err;
  EXPECT_TRUE(Template::compile("{% render 'deep' %}", o, err)) << err.message;
  const CompileError e = testing::compileError("{% if z %}{% render 'deep' %}{% endif %}", o);
  EXPECT_EQ(e.message,
            "blocks and partials are nested more than 3 levels deep (limit) through 'deep'");
}

TEST_F(Partials, RootsAllowArguments) {
  partials.write("card", "{{ product.name }}{{ unknwn }}");
  CompileOptions o = opts();
  o.roots = {"contact", "vars"};
  const CompileError e = testing::compileError("{% render 'card', product: vars.p %}", o);
  EXPECT_EQ(e.path, "templates/card.liquid");
  EXPECT_EQ(e.message,
            "unknown variable 'unknwn' (the variables are contact and vars, and what the template "
            "assigns: product)");
}

}  // namespace
}  // namespace herald::tmpl
