// Rendering: undefined variables (lenient/strict), limits, filter errors,
// variables(), the filter environment.
#include <gtest/gtest.h>

#include "template_test_util.hpp"

namespace herald::tmpl {
namespace {

Template compileOk(const std::string& text, const CompileOptions& o = {}) {
  CompileError err;
  auto t = Template::compile(text, o, err);
  EXPECT_TRUE(t) << err.message;
  return std::move(*t);
}

TEST(Variables, DistinctOutputsWithPositionsAndDefaults) {
  Template t = compileOk(
      "Hi {{ contact.first_name | default: 'there' }}\n"
      "{{ vars.picks.first.name }} {{ contact.first_name | default: 'you' }}\n"
      "  {{ contact.attributes.city | upcase }}{{ 'lit' }}{% if x %}{% endif %}\n"
      "{{ vars.code }}{{ vars.code | default: 1 }}");
  const auto& v = t.variables();
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].name, "contact.first_name");
  EXPECT_EQ(v[0].line, 1);
  EXPECT_EQ(v[0].column, 7);
  EXPECT_TRUE(v[0].has_default);
  EXPECT_EQ(v[1].name, "vars.picks.first.name");
  EXPECT_EQ(v[1].line, 2);
  EXPECT_EQ(v[1].column, 4);
  EXPECT_FALSE(v[1].has_default);
  EXPECT_EQ(v[2].name, "contact.attributes.city");
  EXPECT_EQ(v[2].line, 3);
  EXPECT_EQ(v[2].column, 6);
  EXPECT_EQ(v[3].name, "vars.code");
  EXPECT_FALSE(v[3].has_default);  // one of its outputs has none
}

TEST(Undefined, LenientRecordsStrictFails) {
  Template t = compileOk(
      "a\nb {{ contact.first_name }}{{ contact.attributes.city }}"
      "{{ contact.attributes.city }}{{ vars.x | default: 'd' }}");
  store::Contact c;
  c.first_name = "Ada";
  const nlohmann::json vars = nlohmann::json::object();
  RenderContext ctx;
  ctx.contact = &c;
  ctx.vars = &vars;
  std::string out;
  RenderResult r;
  EXPECT_TRUE(t.render(ctx, out, r));
  EXPECT_EQ(out, "a\nb Adad");
  EXPECT_EQ(r.undefined, std::vector<uint32_t>{1});
  EXPECT_EQ(t.variables()[1].name, "contact.attributes.city");

  ctx.undefined = Undefined::kStrict;
  out.clear();
  EXPECT_FALSE(t.render(ctx, out, r));
  EXPECT_EQ(r.status, RenderResult::Status::kUndefined);
  EXPECT_EQ(r.error, "undefined variable contact.attributes.city (line 2)");
  // Conditions on nil are not undefined.
  Template cond = compileOk("{% if contact.attributes.city %}x{% else %}y{% endif %}");
  EXPECT_TRUE(cond.render(ctx, out, r));
}

TEST(Limits, OutputSizeIterationsFilterErrors) {
  CompileOptions o;
  o.limits.max_output_bytes = 1024;
  Template big = compileOk("{% for i in (1..100) %}0123456789abcdef{% endfor %}", o);
  std::string out;
  RenderResult r;
  EXPECT_FALSE(big.render({}, out, r));
  EXPECT_EQ(r.status, RenderResult::Status::kLimit);
  EXPECT_EQ(r.error, "the output is larger than 1 KiB (limit)");
  EXPECT_EQ(compileOk(std::string(600 * 1024, 'x') + "{{ 1 }}").renderToString({}),
            "error: the output is larger than 512 KiB (limit)");

  Template loops =
      compileOk("{% for i in (1..200) %}{% for j in (1..60) %}{% endfor %}{% endfor %}");
  EXPECT_FALSE(loops.render({}, out, r));
  EXPECT_EQ(r.status, RenderResult::Status::kLimit);
  EXPECT_EQ(r.error, "more than 10000 loop iterations");

  Template div = compileOk("a\n{{ 10 | divided_by: 0 }}");
  EXPECT_FALSE(div.render({}, out, r));
  EXPECT_EQ(r.status, RenderResult::Status::kError);
  EXPECT_EQ(r.error.rfind("line 2: ", 0), 0u) << r.error;
}

TEST(Render, AppendsToTheCallersString) {
  Template t = compileOk("{{ a }}!");
  nlohmann::json g = {{"a", "x"}};
  RenderContext ctx;
  ctx.globals = &g;
  std::string out = "pre:";
  RenderResult r;
  EXPECT_TRUE(t.render(ctx, out, r));
  EXPECT_EQ(out, "pre:x!");
  Template copy = t;  // copies share the program
  EXPECT_EQ(copy.renderToString(ctx), "x!");
}

}  // namespace
}  // namespace herald::tmpl
