// The filter library called directly through findFilter: every filter, its
// Liquid (liquid gem 5.4) semantics and every error message.
#include "template/filters.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace herald::tmpl {
namespace {

using nlohmann::json;

Value S(const char* s) { return Value::borrowed(s); }
Value I(int64_t i) { return Value::integer(i); }
Value D(double d) { return Value::number(d); }

struct Env {
  FilterEnv env;
  Env(std::string_view locale = "en-US", std::string_view tz = "UTC",
      std::string_view currency = "USD") {
    env.locale = locale;
    env.timezone = tz;
    env.currency = currency;
    env.now_ms = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
  }
};

// Calls `name`; the output as Liquid prints it, or "error: REASON".
std::string run(std::string_view name, const Value& in, std::initializer_list<Value> args = {},
                FilterEnv* env = nullptr) {
  Env local;
  FilterEnv& e = env ? *env : local.env;
  const FilterSpec* spec = findFilter(name);
  EXPECT_NE(spec, nullptr) << name;
  if (!spec) return "no such filter";
  EXPECT_GE(args.size(), spec->min_args) << name;
  EXPECT_LE(args.size(), spec->max_args) << name;
  e.error.clear();
  std::vector<Value> a(args);
  Value out = spec->fn(in, a, e);
  if (!e.error.empty()) {
    EXPECT_TRUE(out.isNil()) << name << " failed but returned a value";
    return "error: " + e.error;
  }
  return out.toString();
}

Value call(std::string_view name, const Value& in, std::initializer_list<Value> args = {}) {
  Env local;
  std::vector<Value> a(args);
  return findFilter(name)->fn(in, a, local.env);
}

TEST(Filters, RegistryFindsEveryFilterAndNothingElse) {
  std::set<std::string_view> names;
  for (const auto& f : allFilters()) {
    EXPECT_EQ(findFilter(f.name), &f);
    EXPECT_LE(f.min_args, f.max_args) << f.name;
    EXPECT_FALSE(f.usage.empty()) << f.name;
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate " << f.name;
  }
  for (const char* required :
       {"default", "upcase",   "downcase",      "capitalize", "strip",  "lstrip",
        "rstrip",  "truncate", "truncatewords", "replace",    "remove", "append",
        "prepend", "split",    "join",          "first",      "last",   "size",
        "plus",    "minus",    "times",         "divided_by", "round",  "date",
        "money",   "number",   "url_encode",    "escape",     "json",   "raw"})
    EXPECT_NE(findFilter(required), nullptr) << required;
  EXPECT_EQ(findFilter("nope"), nullptr);
  EXPECT_EQ(findFilter(""), nullptr);
  EXPECT_EQ(findFilter("Upcase"), nullptr);
}

TEST(Filters, Default) {
  EXPECT_EQ(run("default", Value(), {S("there")}), "there");
  EXPECT_EQ(run("default", S(""), {S("there")}), "there");
  EXPECT_EQ(run("default", Value::boolean(false), {S("d")}), "d");
  EXPECT_EQ(run("default", Value::array({}), {S("d")}), "d");
  EXPECT_EQ(run("default", I(0), {S("d")}), "0");
  EXPECT_EQ(run("default", S(" "), {S("d")}), " ");
  EXPECT_EQ(run("default", S("Ann"), {S("there")}), "Ann");
  EXPECT_EQ(run("default", Value()), "");
  // allow_false (the gem's named argument), passed as the second argument
  EXPECT_EQ(run("default", Value::boolean(false), {S("d"), Value::boolean(true)}), "false");
  EXPECT_EQ(run("default", Value(), {S("d"), Value::boolean(true)}), "d");
}

TEST(Filters, Case) {
  EXPECT_EQ(run("upcase", S("héllo wörld")), "HÉLLO WÖRLD");
  EXPECT_EQ(run("upcase", S("straße")), "STRASSE");
  EXPECT_EQ(run("downcase", S("HÉLLO Ünd")), "héllo ünd");
  EXPECT_EQ(run("upcase", I(5)), "5");
  EXPECT_EQ(run("upcase", Value()), "");
  EXPECT_EQ(run("capitalize", S("hello WORLD")), "Hello world");
  EXPECT_EQ(run("capitalize", S("élan VITAL")), "Élan vital");
  EXPECT_EQ(run("capitalize", S("")), "");
  EXPECT_EQ(run("capitalize", S("1st")), "1st");
}

TEST(Filters, Whitespace) {
  EXPECT_EQ(run("strip", S(" \t x y \n")), "x y");
  EXPECT_EQ(run("lstrip", S("  x ")), "x ");
  EXPECT_EQ(run("rstrip", S("  x \r\n")), "  x");
  EXPECT_EQ(run("strip", Value()), "");
  EXPECT_EQ(run("strip_newlines", S("a\nb\r\nc\rd")), "abc\rd");
}

TEST(Filters, Truncate) {
  EXPECT_EQ(run("truncate", S("Hello World"), {I(5)}), "He...");
  EXPECT_EQ(run("truncate", S("Hello World"), {I(2)}), "...");
  EXPECT_EQ(run("truncate", S("Hello World"), {I(0)}), "...");
  EXPECT_EQ(run("truncate", S("Hello World"), {I(-1)}), "...");
  EXPECT_EQ(run("truncate", S("Hello World"), {I(11)}), "Hello World");
  EXPECT_EQ(run("truncate", S("Hello World"), {I(10)}), "Hello W...");
  EXPECT_EQ(run("truncate", S("Hello World"), {I(5), S("")}), "Hello");
  EXPECT_EQ(run("truncate", S("Hello World"), {I(7), S("…")}), "Hello …");
  EXPECT_EQ(run("truncate", S("Hello World"), {S("5")}), "He...");
  EXPECT_EQ(run("truncate", S("héllo wörld"), {I(4)}), "h...");
  EXPECT_EQ(run("truncate", S("x")), "x");  // default length 50
  EXPECT_TRUE(call("truncate", Value(), {I(3)}).isNil());
  EXPECT_EQ(run("truncate", S("Hello"), {S("five")}),
            "error: truncate: the length must be an integer, got \"five\"");
  EXPECT_EQ(run("truncate", S("Hello"), {D(2.5)}),
            "error: truncate: the length must be an integer, got \"2.5\"");
}

TEST(Filters, Truncatewords) {
  EXPECT_EQ(run("truncatewords", S("one two three"), {I(2)}), "one two...");
  EXPECT_EQ(run("truncatewords", S("one two three"), {I(3)}), "one two three");
  EXPECT_EQ(run("truncatewords", S("one two three"), {I(0)}), "one...");
  EXPECT_EQ(run("truncatewords", S("one  two\tthree four"), {I(2), S("--")}), "one two--");
  EXPECT_EQ(run("truncatewords", S("  one two three"), {I(3)}), "  one two three");
  EXPECT_EQ(run("truncatewords", S("  one two three  "), {I(2)}), "one two...");
  EXPECT_EQ(run("truncatewords", S("")), "");
  // Ruby's split(" ", n + 1) keeps a trailing empty item: whitespace after the
  // last allowed word counts as more text
  EXPECT_EQ(run("truncatewords", S("one two "), {I(2)}), "one two...");
  EXPECT_EQ(run("truncatewords", S("  a,b  c "), {I(2)}), "a,b c...");
  EXPECT_EQ(run("truncatewords", S("one two"), {I(2)}), "one two");
  EXPECT_EQ(run("truncatewords", S("a"), {S("x")}),
            "error: truncatewords: the word count must be an integer, got \"x\"");
}

TEST(Filters, ReplaceAndRemove) {
  EXPECT_EQ(run("replace", S("a.b.a"), {S("a"), S("x")}), "x.b.x");
  EXPECT_EQ(run("replace", S("a.b.a"), {S("a")}), ".b.");
  EXPECT_EQ(run("replace", S("abc"), {S(""), S("-")}), "-a-b-c-");
  EXPECT_EQ(run("replace", S("héé"), {S(""), S("-")}), "-h-é-é-");
  EXPECT_EQ(run("replace", I(1212), {I(1), I(3)}), "3232");
  EXPECT_EQ(run("replace_first", S("a.b.a"), {S("a"), S("x")}), "x.b.a");
  EXPECT_EQ(run("replace_first", S("abc"), {S(""), S("-")}), "-abc");
  EXPECT_EQ(run("replace_last", S("a.b.a"), {S("a"), S("x")}), "a.b.x");
  EXPECT_EQ(run("replace_last", S("abc"), {S("z"), S("x")}), "abc");
  EXPECT_EQ(run("remove", S("a.b.a"), {S("a")}), ".b.");
  EXPECT_EQ(run("remove_first", S("a.b.a"), {S("a")}), ".b.a");
  EXPECT_EQ(run("remove_last", S("a.b.a"), {S("a")}), "a.b.");
}

TEST(Filters, AppendPrepend) {
  EXPECT_EQ(run("append", S("x"), {I(1)}), "x1");
  EXPECT_EQ(run("append", Value(), {S("y")}), "y");
  EXPECT_EQ(run("append", D(1.0), {S("")}), "1.0");
  EXPECT_EQ(run("prepend", S("x"), {Value()}), "x");
  EXPECT_EQ(run("prepend", S("world"), {S("hello ")}), "hello world");
}

TEST(Filters, Split) {
  auto joined = [](const Value& in, const char* sep) {
    Env e;
    Value parts = call("split", in, {S(sep)});
    EXPECT_TRUE(parts.isArray());
    std::vector<Value> a{S("|")};
    return findFilter("join")->fn(parts, a, e.env).toString() + "#" + std::to_string(parts.size());
  };
  EXPECT_EQ(joined(S("a,b,,c,,"), ","), "a|b||c#4");
  EXPECT_EQ(joined(S("abc"), ""), "a|b|c#3");
  EXPECT_EQ(joined(S("héllo"), ""), "h|é|l|l|o#5");
  EXPECT_EQ(joined(S(" a b  c "), " "), "a|b|c#3");
  EXPECT_EQ(joined(S(""), ","), "#0");
  EXPECT_EQ(joined(S("abc"), "x"), "abc#1");
  EXPECT_EQ(joined(S(",a"), ","), "|a#2");
  EXPECT_EQ(joined(S(",,,"), ","), "#0");
  EXPECT_EQ(joined(S("a::b"), "::"), "a|b#2");
}

TEST(Filters, Slice) {
  EXPECT_EQ(run("slice", S("abc"), {I(1)}), "b");
  EXPECT_EQ(run("slice", S("abc"), {I(-2), I(5)}), "bc");
  EXPECT_EQ(run("slice", S("abc"), {I(5)}), "");
  EXPECT_EQ(run("slice", S("abc"), {I(3)}), "");
  EXPECT_EQ(run("slice", S("hello"), {I(1), I(3)}), "ell");
  EXPECT_EQ(run("slice", S("héllo"), {I(1), I(2)}), "él");
  EXPECT_EQ(run("slice", S("abc"), {I(0), I(-1)}), "");
  json arr = {1, 2, 3};
  EXPECT_EQ(run("slice", Value::json(arr), {I(1), I(2)}), "23");
  EXPECT_EQ(run("slice", Value::json(arr), {I(-1)}), "3");
  EXPECT_EQ(call("slice", Value::json(arr), {I(9)}).size(), 0u);
  EXPECT_EQ(run("slice", S("abc"), {S("x")}),
            "error: slice: the offset must be an integer, got \"x\"");
  EXPECT_EQ(run("slice", S("abc"), {I(0), S("1.5")}),
            "error: slice: the length must be an integer, got \"1.5\"");
}

TEST(Filters, IntegerAndFloatMath) {
  EXPECT_EQ(run("plus", I(1), {I(2)}), "3");
  EXPECT_EQ(run("plus", I(1), {D(2.0)}), "3.0");
  EXPECT_EQ(run("plus", D(0.1), {D(0.2)}), "0.3");  // decimal, as BigDecimal
  EXPECT_EQ(run("plus", S("12abc"), {I(1)}), "13");
  EXPECT_EQ(run("plus", S("abc"), {I(1)}), "1");
  EXPECT_EQ(run("plus", S(" 3.5 "), {I(1)}), "4.5");
  EXPECT_EQ(run("plus", S("1e3"), {I(1)}), "2");
  EXPECT_EQ(run("plus", S("+5"), {I(1)}), "6");
  EXPECT_EQ(run("plus", S("1_000"), {I(1)}), "1001");
  EXPECT_EQ(run("plus", Value(), {I(1)}), "1");
  EXPECT_EQ(run("plus", Value::boolean(true), {I(1)}), "1");
  EXPECT_EQ(run("minus", I(10), {D(2.5)}), "7.5");
  EXPECT_EQ(run("times", D(3.0), {I(2)}), "6.0");
  EXPECT_EQ(run("times", D(1.1), {I(3)}), "3.3");
  EXPECT_EQ(run("times", I(100), {D(1.1)}), "110.0");
  EXPECT_EQ(run("times", D(0.1), {I(3)}), "0.3");
  EXPECT_EQ(run("divided_by", I(10), {I(4)}), "2");
  EXPECT_EQ(run("divided_by", I(-7), {I(2)}), "-4");  // floored
  EXPECT_EQ(run("divided_by", I(10), {D(4.0)}), "2.5");
  EXPECT_EQ(run("divided_by", D(0.3), {D(0.1)}), "3.0");
  EXPECT_EQ(run("divided_by", I(10), {D(3.0)}), "3.3333333333333335");
  EXPECT_EQ(run("divided_by", I(2), {D(3.0)}), "0.6666666666666666");
  EXPECT_EQ(run("divided_by", I(1), {D(7.0)}), "0.14285714285714285");
  EXPECT_EQ(run("divided_by", I(7), {D(-2.0)}), "-3.5");
  EXPECT_EQ(run("times", S("abc"), {D(-1.5)}), "-0.0");  // BigDecimal's signed zero
  EXPECT_EQ(run("divided_by", D(-0.0), {D(0.5)}), "-0.0");
  EXPECT_EQ(run("times", I(0), {D(1.5)}), "0.0");
  EXPECT_EQ(run("modulo", I(-7), {I(3)}), "2");
  EXPECT_EQ(run("modulo", I(5), {I(-3)}), "-1");
  EXPECT_EQ(run("modulo", D(7.5), {I(2)}), "1.5");
  EXPECT_EQ(run("modulo", D(-7.5), {I(2)}), "0.5");
  EXPECT_EQ(run("plus", I(INT64_MAX), {I(1)}),
            "error: plus: the result does not fit in a 64-bit integer");
}

TEST(Filters, DivisionByZeroFails) {
  EXPECT_EQ(run("divided_by", I(10), {I(0)}), "error: divided_by: divided by 0");
  EXPECT_EQ(run("divided_by", D(1.0), {I(0)}), "error: divided_by: divided by 0");
  EXPECT_EQ(run("divided_by", I(1), {S("abc")}), "error: divided_by: divided by 0");
  EXPECT_EQ(run("modulo", I(1), {I(0)}), "error: modulo: divided by 0");
  EXPECT_EQ(run("modulo", I(5), {D(0.0)}), "error: modulo: divided by 0");
}

TEST(Filters, Rounding) {
  EXPECT_EQ(run("round", D(2.5)), "3");
  EXPECT_EQ(run("round", D(-2.5)), "-3");
  EXPECT_EQ(run("round", D(0.125), {I(2)}), "0.13");
  EXPECT_EQ(run("round", D(2.675), {I(2)}), "2.68");
  EXPECT_EQ(run("round", D(1.555), {I(2)}), "1.56");
  EXPECT_EQ(run("round", D(1.23456), {I(2)}), "1.23");
  EXPECT_EQ(run("round", D(1.5), {I(0)}), "2");
  EXPECT_EQ(run("round", I(1234), {I(-2)}), "1200");
  EXPECT_EQ(run("round", I(1250), {I(-2)}), "1300");
  EXPECT_EQ(run("round", I(5), {I(2)}), "5");
  EXPECT_EQ(run("round", S("3.7")), "4");
  EXPECT_EQ(run("round", I(1), {S("2")}), "1");
  EXPECT_EQ(run("round", D(1.5), {D(1.5)}), "1.5");
  EXPECT_EQ(run("ceil", D(4.5)), "5");
  EXPECT_EQ(run("ceil", S("4.2")), "5");
  EXPECT_EQ(run("ceil", D(-4.5)), "-4");
  EXPECT_EQ(run("floor", D(-4.5)), "-5");
  EXPECT_EQ(run("floor", I(7)), "7");
  EXPECT_EQ(run("abs", I(-3)), "3");
  EXPECT_EQ(run("abs", D(-3.5)), "3.5");
  EXPECT_EQ(run("abs", S("-3")), "3");
  EXPECT_EQ(run("at_least", I(5), {D(7.5)}), "7.5");
  EXPECT_EQ(run("at_least", I(5), {I(3)}), "5");
  EXPECT_EQ(run("at_most", I(5), {I(3)}), "3");
  EXPECT_EQ(run("at_most", D(5.0), {I(7)}), "5.0");
  EXPECT_EQ(run("round", D(std::numeric_limits<double>::infinity())),
            "error: round: cannot round Infinity");
  EXPECT_EQ(run("ceil", D(std::numeric_limits<double>::quiet_NaN())),
            "error: ceil: cannot round NaN");
  EXPECT_EQ(run("floor", D(1e30)), "error: floor: the result does not fit in a 64-bit integer");
  EXPECT_EQ(run("round", D(1e300), {I(0)}),
            "error: round: the result does not fit in a 64-bit integer");
  EXPECT_EQ(run("abs", I(INT64_MIN)), "error: abs: the result does not fit in a 64-bit integer");
}

TEST(Filters, SizeFirstLastJoin) {
  json arr = {1, 2, 3};
  json obj = {{"x", 1}, {"y", "s"}};
  EXPECT_EQ(run("size", S("héllo")), "5");
  EXPECT_EQ(run("size", Value::json(arr)), "3");
  EXPECT_EQ(run("size", Value::json(obj)), "2");
  EXPECT_EQ(run("size", I(5)), "8");  // Ruby's Integer#size
  EXPECT_EQ(run("size", D(5.5)), "0");
  EXPECT_EQ(run("size", Value()), "0");
  EXPECT_EQ(run("first", Value::json(arr)), "1");
  EXPECT_EQ(run("last", Value::json(arr)), "3");
  EXPECT_EQ(run("first", S("abc")), "");
  EXPECT_EQ(run("first", Value::json(obj)), "x1");
  EXPECT_EQ(run("last", Value::json(obj)), "");
  EXPECT_TRUE(call("first", Value::array({})).isNil());
  EXPECT_EQ(run("join", Value::json(arr)), "1 2 3");
  EXPECT_EQ(run("join", Value::json(arr), {S(", ")}), "1, 2, 3");
  json nested = {1, {2, {3, nullptr}}, "x"};
  EXPECT_EQ(run("join", Value::json(nested), {S("-")}), "1-2-3--x");
  EXPECT_EQ(run("join", S("abc"), {S("-")}), "abc");
  EXPECT_EQ(run("join", Value(), {S("-")}), "");
}

TEST(Filters, SortUniqReverseCompact) {
  json strs = {"b", "A", "c", nullptr};
  EXPECT_EQ(run("join", call("sort", Value::json(strs)), {S(",")}), "A,b,c,");
  EXPECT_EQ(run("join", call("sort_natural", Value::json(strs)), {S(",")}), "A,b,c,");
  json nums = {3, 1.5, 2, -1};
  EXPECT_EQ(run("join", call("sort", Value::json(nums)), {S(",")}), "-1,1.5,2,3");
  json mixed = {1, "a"};
  EXPECT_EQ(run("sort", Value::json(mixed)),
            "error: sort: cannot sort values of incompatible types");
  json people = {{{"n", "b"}, {"age", 30}}, {{"n", "a"}, {"age", 20}}, {{"n", "C"}}};
  EXPECT_EQ(run("join", call("map", call("sort", Value::json(people), {S("age")}), {S("n")})),
            "a b C");
  EXPECT_EQ(run("join", call("map", call("sort_natural", Value::json(people), {S("n")}), {S("n")})),
            "a b C");
  json dup = {1, 1.0, "1", 1, "a", "a"};
  EXPECT_EQ(run("join", call("uniq", Value::json(dup)), {S(",")}), "1,1.0,1,a");
  EXPECT_EQ(run("size", call("uniq", Value::json(people), {S("age")})), "3");
  EXPECT_EQ(run("join", call("reverse", Value::json(nums)), {S(",")}), "-1,2,1.5,3");
  EXPECT_EQ(run("join", call("reverse", S("abc"))), "abc");
  json holes = {1, nullptr, 2, nullptr};
  EXPECT_EQ(run("join", call("compact", Value::json(holes)), {S(",")}), "1,2");
  EXPECT_EQ(run("size", call("compact", Value::json(people), {S("age")})), "2");
  json ints = {1, 2};
  EXPECT_EQ(run("sort", Value::json(ints), {S("x")}),
            "error: sort: cannot select the property 'x'");
  EXPECT_EQ(run("sort_natural", Value::json(ints), {S("x")}),
            "error: sort_natural: cannot select the property 'x'");
  EXPECT_EQ(run("uniq", Value::json(ints), {S("x")}),
            "error: uniq: cannot select the property 'x'");
  EXPECT_EQ(run("compact", Value::json(ints), {S("x")}),
            "error: compact: cannot select the property 'x'");
  json arrays = {{1, 2}};
  EXPECT_EQ(run("join", call("sort", Value::json(arrays))), "1 2");  // flattened first
}

TEST(Filters, MapWhereConcat) {
  json products = {{{"name", "Mug"}, {"price", 9.5}, {"sale", true}},
                   {{"name", "Tee"}, {"price", 20}, {"sale", false}},
                   {{"name", "Cap"}, {"price", 15}}};
  EXPECT_EQ(run("join", call("map", Value::json(products), {S("name")}), {S(", ")}),
            "Mug, Tee, Cap");
  EXPECT_EQ(
      run("join", call("map", call("where", Value::json(products), {S("sale")}), {S("name")})),
      "Mug");
  EXPECT_EQ(run("join", call("map", call("where", Value::json(products), {S("price"), I(20)}),
                             {S("name")})),
            "Tee");
  json ints = {1, 2};
  EXPECT_EQ(run("map", Value::json(ints), {S("x")}), "error: map: cannot select the property 'x'");
  EXPECT_EQ(run("where", Value::json(ints), {S("x")}),
            "error: where: cannot select the property 'x'");
  json floats = {1.5};
  EXPECT_TRUE(call("where", Value::json(floats), {S("x")}).isNil());
  EXPECT_EQ(run("join", call("concat", Value::json(ints), {Value::json(ints)})), "1 2 1 2");
  EXPECT_EQ(run("concat", Value::json(ints), {S("x")}),
            "error: concat: the argument must be an array, got \"x\"");
  EXPECT_EQ(run("join", call("concat", Value(), {Value::json(ints)})), "1 2");
}

TEST(Filters, Web) {
  EXPECT_EQ(run("escape", S("<a href='x'>&amp;\"</a>")),
            "&lt;a href=&#39;x&#39;&gt;&amp;amp;&quot;&lt;/a&gt;");
  EXPECT_TRUE(call("escape", Value()).isNil());
  EXPECT_EQ(run("escape_once", S("<b>&amp; &copy; &#169; & &x</b>")),
            "&lt;b&gt;&amp; &copy; &#169; &amp; &amp;x&lt;/b&gt;");
  EXPECT_EQ(run("url_encode", S("a b&c/d?é~*'()")), "a+b%26c%2Fd%3F%C3%A9~%2A%27%28%29");
  EXPECT_TRUE(call("url_encode", Value()).isNil());
  EXPECT_EQ(run("url_decode", S("a+b%20c%zz%C3%A9")), "a b c%zzé");
  EXPECT_EQ(run("url_decode", S("%FF")),
            "error: url_decode: the result is not valid UTF-8: \"%FF\"");
  EXPECT_EQ(run("strip_html",
                S("<p class=\"x\">hi<script>x</script><!-- c --><style>p{}</style> there</p>")),
            "hi there");
  EXPECT_EQ(run("newline_to_br", S("a\nb\r\nc")), "a<br />\nb<br />\nc");
  json obj = {{"a", {1, 2.5, "x\"</"}}, {"b", nullptr}};
  EXPECT_EQ(run("json", Value::json(obj)), R"({"a":[1,2.5,"x\"</"],"b":null})");
  EXPECT_EQ(run("json", S("hé")), "\"hé\"");
  EXPECT_EQ(run("json", Value()), "null");
  EXPECT_EQ(run("json", D(1.0)), "1.0");
  EXPECT_EQ(run("raw", S("<b>")), "<b>");
}

TEST(Filters, Date) {
  const Value ts = I(1700000000);  // 2023-11-14 22:13:20 UTC, a Tuesday
  EXPECT_EQ(run("date", ts, {S("%Y-%m-%d %H:%M:%S %Z %z")}), "2023-11-14 22:13:20 UTC +0000");
  EXPECT_EQ(run("date", S("1700000000"),
                {S("%a %A %b %B %d %e %j %m %y %I %l %p %P %M %S %s %u %w %U %W %V %G %%")}),
            "Tue Tuesday Nov November 14 14 318 11 23 10 10 PM pm 13 20 1700000000 2 2 46 46 46 "
            "2023 %");
  EXPECT_EQ(run("date", S("2024-03-05"), {S("%Y-%m-%d %H:%M %Z")}), "2024-03-05 00:00 UTC");
  EXPECT_EQ(run("date", S("2024-03-05T10:20:30Z"), {S("%F %T %z")}), "2024-03-05 10:20:30 +0000");
  EXPECT_EQ(run("date", S("2024-03-05 10:20:30"), {S("%c")}), "Tue Mar  5 10:20:30 2024");
  EXPECT_EQ(run("date", S("2024-03-05 10:20:30"), {S("%x %X %D %F %T %R %r %h|")}),
            "03/05/24 10:20:30 03/05/24 2024-03-05 10:20:30 10:20 10:20:30 AM Mar|");
  EXPECT_EQ(run("date", S("2024-03-05 10:20:30"), {S("%-d %-m %-H %_m %^a %^B %010Y %C %k")}),
            "5 3 10  3 TUE MARCH 0000002024 20 10");
  EXPECT_EQ(run("date", S("2024-03-05T10:20:30.123Z"), {S("%L %3N %N")}), "123 123 123000000");
  EXPECT_EQ(run("date", S("2024-03-05"), {S("%Q %:z %::z %v %+")}),
            "%Q +00:00 +00:00:00  5-MAR-2024 %+");
  EXPECT_EQ(run("date", S("now"), {S("%F %T")}), "2023-11-14 22:13:20");
  EXPECT_EQ(run("date", S("Today"), {S("%F")}), "2023-11-14");
  EXPECT_EQ(run("date", ts, {S("")}), "1700000000");
  EXPECT_EQ(run("date", S(""), {S("%Y")}), "");
  EXPECT_TRUE(call("date", Value(), {S("%Y")}).isNil());
}

TEST(Filters, DateInTheRenderTimeZone) {
  Env berlin("de-DE", "Europe/Berlin");
  EXPECT_EQ(run("date", I(1700000000), {S("%F %H:%M %Z %z")}, &berlin.env),
            "2023-11-14 23:13 CET +0100");
  // an instant with an offset is shown in the render's zone
  EXPECT_EQ(run("date", S("2024-07-01T10:00:00Z"), {S("%H:%M %Z")}, &berlin.env), "12:00 CEST");
  EXPECT_EQ(run("date", S("2024-07-01T10:00:00+02:00"), {S("%H:%M")}, &berlin.env), "10:00");
  // a wall time without an offset is in the render's zone
  EXPECT_EQ(run("date", S("2024-07-01 10:00"), {S("%H:%M %s")}, &berlin.env), "10:00 1719820800");
  Env ny("en-US", "America/New_York");
  EXPECT_EQ(run("date", S("now"), {S("%F %I:%M %p %Z")}, &ny.env), "2023-11-14 05:13 PM EST");
}

TEST(Filters, DateNamesInTheRenderLocale) {
  const Value tue = S("2024-03-05 09:30");  // a Tuesday morning
  Env ko("ko-KR", "UTC");
  EXPECT_EQ(run("date", tue, {S("%Y년 %B %-d일 %A, %p %-I시")}, &ko.env),
            "2024년 3월 5일 화요일, 오전 9시");
  EXPECT_EQ(run("date", tue, {S("%b %a")}, &ko.env), "3월 화");
  Env ja("ja-JP", "UTC");
  EXPECT_EQ(run("date", tue, {S("%Y年%B%-d日(%a) %A %p")}, &ja.env),
            "2024年3月5日(火) 火曜日 午前");
  Env de("de-DE", "UTC");
  EXPECT_EQ(run("date", tue, {S("%A, %-d. %B %Y")}, &de.env), "Dienstag, 5. März 2024");
  // English locales keep Shopify's names exactly, case flags included.
  Env gb("en-GB", "UTC");
  EXPECT_EQ(run("date", tue, {S("%a %b %A %B %p %P %^a %#p")}, &gb.env),
            "Tue Mar Tuesday March AM am TUE am");
  // A language ICU has no names for falls back to English.
  Env unknown("zz", "UTC");
  EXPECT_EQ(run("date", tue, {S("%A %B")}, &unknown.env), "Tuesday March");
}

TEST(Filters, DateErrors) {
  EXPECT_EQ(run("date", S("not a date"), {S("%Y")}),
            "error: date: cannot read \"not a date\" as a date; valid: \"now\", \"today\", Unix "
            "seconds, or an ISO 8601 date such as 2024-03-05 or 2024-03-05T10:20:30Z");
  EXPECT_EQ(run("date", S("2024-02-30"), {S("%Y")}).substr(0, 45),
            "error: date: cannot read \"2024-02-30\" as a da");
  EXPECT_EQ(run("date", D(1.5), {S("%Y")}).substr(0, 38), "error: date: cannot read 1.5 as a date");
  EXPECT_EQ(run("date", I(INT64_MAX), {S("%Y")}),
            "error: date: 9223372036854775807 seconds is out of range (at most 100000000000)");
  EXPECT_EQ(run("date", I(-86400), {S("%F")}), "1969-12-31");
  Env bad("en-US", "Mars/Olympus");
  EXPECT_EQ(run("date", I(0), {S("%Y")}, &bad.env),
            "error: date: unknown time zone \"Mars/Olympus\"");
}

TEST(Filters, MoneyByLocale) {
  Env us("en-US");
  EXPECT_EQ(run("money", D(1234.5), {}, &us.env), "$1,234.50");
  EXPECT_EQ(run("money", I(0), {}, &us.env), "$0.00");
  EXPECT_EQ(run("money", D(-3.456), {}, &us.env), "-$3.46");
  EXPECT_EQ(run("money", D(0.125), {}, &us.env), "$0.13");  // half up
  EXPECT_EQ(run("money", S("19.99"), {S("EUR")}, &us.env), "€19.99");
  Env de("de-DE", "UTC", "EUR");
  EXPECT_EQ(run("money", D(1234.5), {S("EUR")}, &de.env), "1.234,50\u00a0€");
  EXPECT_EQ(run("money", D(1234.5), {}, &de.env), "1.234,50\u00a0€");  // the render's currency
  EXPECT_EQ(run("money", D(1234.5), {S("usd")}, &de.env), "1.234,50\u00a0$");
  Env ko("ko-KR", "UTC", "KRW");
  EXPECT_EQ(run("money", D(1234.5), {S("KRW")}, &ko.env), "₩1,235");
  Env jp("ja-JP");
  EXPECT_EQ(run("money", I(1500), {S("JPY")}, &jp.env), "￥1,500");
  EXPECT_TRUE(call("money", Value()).isNil());
  Env bad("no_such!");
  EXPECT_EQ(run("money", I(1), {}, &bad.env), "error: money: unknown locale \"no_such!\"");
  EXPECT_EQ(run("number", I(1), {}, &bad.env), "error: number: unknown locale \"no_such!\"");
  Env none("", "UTC", "");  // nothing resolved: en-US and USD
  EXPECT_EQ(run("money", I(2), {}, &none.env), "$2.00");
  EXPECT_EQ(run("money", S("abc")), "error: money: \"abc\" is not a number");
  EXPECT_EQ(run("money", I(1), {S("EURO")}),
            "error: money: \"EURO\" is not an ISO 4217 currency code (such as USD, EUR, GBP, JPY)");
  EXPECT_EQ(run("money", I(1), {S("ZZZ")}),
            "error: money: \"ZZZ\" is not an ISO 4217 currency code (such as USD, EUR, GBP, JPY)");
}

TEST(Filters, NumberByLocale) {
  Env us("en-US");
  EXPECT_EQ(run("number", D(1234567.891), {}, &us.env), "1,234,567.891");
  EXPECT_EQ(run("number", D(1234.5), {I(2)}, &us.env), "1,234.50");
  EXPECT_EQ(run("number", D(2.5), {I(0)}, &us.env), "3");
  EXPECT_EQ(run("number", I(1000000), {}, &us.env), "1,000,000");
  EXPECT_EQ(run("number", D(0.12345), {}, &us.env), "0.123");
  Env de("de-DE");
  EXPECT_EQ(run("number", D(1234.5), {I(2)}, &de.env), "1.234,50");
  Env fr("fr-FR");
  EXPECT_EQ(run("number", I(1234567), {}, &fr.env), "1\u202f234\u202f567");
  EXPECT_TRUE(call("number", Value()).isNil());
  EXPECT_EQ(run("number", S("x1")), "error: number: \"x1\" is not a number");
  EXPECT_EQ(run("number", I(1), {S("two")}),
            "error: number: the decimals must be an integer from 0 to 20, got \"two\"");
  EXPECT_EQ(run("number", I(1), {I(-1)}),
            "error: number: the decimals must be an integer from 0 to 20, got \"-1\"");
}

// The Value model as the gem's conditions and outputs see it (value.cpp).
TEST(ValueSemantics, PrintsLikeRuby) {
  EXPECT_EQ(D(2.0).toString(), "2.0");
  EXPECT_EQ(D(0.1).toString(), "0.1");
  EXPECT_EQ(D(1e14).toString(), "100000000000000.0");
  EXPECT_EQ(D(1e15).toString(), "1.0e+15");
  EXPECT_EQ(D(1.5e15).toString(), "1.5e+15");
  EXPECT_EQ(D(123456789012345.6).toString(), "123456789012345.6");
  EXPECT_EQ(D(0.0001).toString(), "0.0001");
  EXPECT_EQ(D(0.00001).toString(), "1.0e-05");
  EXPECT_EQ(D(-0.0).toString(), "-0.0");
  EXPECT_EQ(Value().toString(), "");
  EXPECT_EQ(Value::boolean(false).toString(), "false");
  json nested = {1, {2, nullptr}, "x"};
  EXPECT_EQ(Value::json(nested).toString(), "12x");
}

TEST(ValueSemantics, TruthinessAndEmptiness) {
  EXPECT_FALSE(Value().truthy());
  EXPECT_FALSE(Value::boolean(false).truthy());
  EXPECT_TRUE(I(0).truthy());
  EXPECT_TRUE(S("").truthy());
  EXPECT_TRUE(Value::array({}).truthy());
  EXPECT_TRUE(S("").empty());
  EXPECT_TRUE(Value::array({}).empty());
  EXPECT_FALSE(I(0).empty());
  EXPECT_TRUE(Value().blank());
}

TEST(ValueSemantics, EqualityAndComparison) {
  EXPECT_TRUE(I(1).equals(D(1.0)));
  EXPECT_FALSE(S("1").equals(I(1)));
  EXPECT_TRUE(Value().equals(Value()));
  EXPECT_FALSE(Value().equals(Value::boolean(false)));
  json a = {1, 2};
  EXPECT_TRUE(Value::json(a).equals(Value::array({I(1), D(2.0)})));
  EXPECT_EQ(I(2).compare(D(2.5)), -1);
  EXPECT_EQ(S("B").compare(S("a")), -1);
  EXPECT_FALSE(S("1").compare(I(1)).has_value());
  EXPECT_FALSE(Value().compare(I(1)).has_value());
}

TEST(ValueSemantics, Contains) {
  json tags = {"vip", 3};
  json obj = {{"age", 1}};
  EXPECT_TRUE(S("Hello World").contains(S("World")));
  EXPECT_FALSE(S("Hello World").contains(S("world")));
  EXPECT_TRUE(S("a1b").contains(I(1)));
  EXPECT_FALSE(S("abc").contains(Value()));  // nil never matches (the gem: `left && right`)
  EXPECT_FALSE(S("false").contains(Value::boolean(false)));
  EXPECT_TRUE(Value::json(tags).contains(S("vip")));
  EXPECT_TRUE(Value::json(tags).contains(D(3.0)));
  EXPECT_FALSE(Value::json(tags).contains(S("3")));
  EXPECT_TRUE(Value::json(obj).contains(S("age")));
  EXPECT_FALSE(Value().contains(S("a")));
}

TEST(ValueSemantics, MembersAsLiquidLooksThemUp) {
  EXPECT_EQ(S("héllo").member("size").asInt(), 5);  // characters, not bytes
  EXPECT_EQ(I(5).member("size").asInt(), 8);        // Ruby's Integer#size
  json list = {1, 2, 3};
  EXPECT_EQ(Value::json(list).member("last").asInt(), 3);
  EXPECT_TRUE(S("abc").member("first").isNil());
}

}  // namespace
}  // namespace herald::tmpl
