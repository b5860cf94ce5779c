// libFuzzer target for Herald's Liquid compiler and renderer (issue #5).
//
// The first byte of the input chooses the options, the rest is the template
// text: it is compiled (Escape none or html, roots restricted or not, a
// PartialLoader with two fixed partials or none, small or default limits),
// and when it compiles it is rendered with a fixed contact (attributes,
// tags), journey variables (an array of products) and globals, lenient and
// then strict. Besides the sanitizers, the target checks the API's promises:
// a compile error has a message and a position inside the text it names; a
// failed render has a status and a reason; a successful one stays within
// max_output_bytes.
//
// `cmake --workflow --preset test-fuzz` builds it with clang and
// -fsanitize=fuzzer,address,undefined and runs it over tests/fuzz/corpus;
// other builds link it with replay_main.cpp and run the corpus once.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"
#include "template/template.hpp"

namespace {

using namespace herald::tmpl;

[[noreturn]] void broken(const char* promise, const std::string& detail) {
  std::fprintf(stderr, "template_fuzz: broken promise: %s: %s\n", promise, detail.c_str());
  std::abort();
}

class FixedPartials final : public PartialLoader {
 public:
  std::optional<Source> load(std::string_view name, Escape escape) const override {
    if (name == "footer") {
      return Source{"templates/footer.liquid",
                    "<p>{{ contact.first_name | default: \"friend\" | capitalize }}, "
                    "{% if contact.attributes.plan == \"pro\" %}Pro{% else %}Free{% endif %} "
                    "&middot; <a href=\"https://x.example/u?e={{ contact.email | url_encode }}\">"
                    "unsubscribe</a></p>\n"};
    }
    if (name == "card") {
      return Source{
          escape == Escape::kHtml ? "templates/card.html.liquid" : "templates/card.liquid",
          "{%- for p in vars.picks limit: 2 -%}\n"
          "<b>{{ p.name | upcase }}</b> {{ p.price | money }}{% unless forloop.last %}, "
          "{% endunless %}\n{%- endfor -%}{% render 'footer' %}"};
    }
    return std::nullopt;
  }
  std::vector<std::string> names() const override { return {"card", "footer"}; }
};

struct Fixture {
  herald::store::Contact contact;
  nlohmann::json vars;
  nlohmann::json globals;
  FixedPartials partials;

  Fixture() {
    contact.id = 42;
    contact.email = "anna.smith+news@example.com";
    contact.phone = "+14155550123";
    contact.first_name = "anna";
    contact.last_name = "O'Brien";
    contact.timezone = "Europe/Berlin";
    contact.locale = "de-DE";
    contact.attributes = {{"city", "Berlin"},
                          {"plan", "pro"},
                          {"orders", 12},
                          {"credit", 25.5},
                          {"interests", {"travel", "arts & crafts", "coffee"}},
                          {"birth_date", "1990-04-01"},
                          {"vip", true},
                          {"score", nullptr},
                          {"nested", {{"a", {{"b", {1, 2, {{"c", "deep"}}}}}}}}};
    contact.tags = {"newsletter", "vip", "<script>"};
    vars = {{"discount", 0.15},
            {"headline", "The summer sale: up to 40% off everything you love"},
            {"sale_ends", "2025-06-30T12:00:00Z"},
            {"empty", nlohmann::json::array()},
            {"picks",
             {{{"name", "Trail Shoes"},
               {"url", "https://shop.example/p/1?a=1&b=2"},
               {"image", "https://cdn.example/1.jpg"},
               {"price", 89.9}},
              {{"name", "Salt & Pepper Mill"},
               {"url", "https://shop.example/p/2"},
               {"image", "https://cdn.example/2.jpg"},
               {"price", 24}},
              {{"name", "Kid's \"Rain\" Boots"},
               {"url", "https://shop.example/p/3"},
               {"image", "https://cdn.example/3.jpg"},
               {"price", 1234567.891}}}}};
    globals = {{"shop", {{"name", "Northwind"}, {"url", "https://shop.example"}}},
               {"numbers", {3, 1, 2, -7, 0.5}},
               {"text", "  Hello, World!  "}};
  }
};

void checkCompileError(const CompileError& e, std::string_view text, const PartialLoader* loader) {
  if (e.message.empty()) broken("a compile error has a message", "empty message");
  if (e.line < 1 || e.column < 1) {
    broken("compile error positions are 1-based",
           std::to_string(e.line) + ":" + std::to_string(e.column) + " " + e.message);
  }
  size_t size = text.size();
  if (!e.path.empty()) {
    const auto source = loader ? loader->load(e.path, Escape::kNone) : std::nullopt;
    if (!source) {
      // The path is a file name such as templates/footer.liquid: check the
      // offset against the longest partial instead.
      size = 4096;
    } else {
      size = source->text.size();
    }
  }
  if (e.offset > size) {
    broken("a compile error's offset is inside its text",
           std::to_string(e.offset) + " > " + std::to_string(size) + ": " + e.message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  if (size == 0) return 0;
  const uint8_t bits = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  CompileOptions options;
  options.escape = bits & 1 ? Escape::kHtml : Escape::kNone;
  if (bits & 2) options.roots = {"contact", "vars"};
  options.partials = bits & 4 ? &fixture.partials : nullptr;
  if (bits & 8) {  // small limits, so the fuzzer reaches them
    options.limits.max_output_bytes = 4096;
    options.limits.max_iterations = 200;
    options.limits.max_depth = 6;
  } else {
    options.limits.max_output_bytes = 256 * 1024;
    options.limits.max_iterations = 5000;
    options.limits.max_depth = 16;
  }

  CompileError error;
  const std::optional<Template> t = Template::compile(text, options, error);
  if (!t) {
    checkCompileError(error, text, options.partials);
    return 0;
  }
  for (const auto& v : t->variables()) {
    if (v.name.empty()) broken("a template variable has a name", "empty name");
  }

  RenderContext ctx;
  ctx.contact = bits & 16 ? nullptr : &fixture.contact;
  ctx.vars = &fixture.vars;
  ctx.globals = &fixture.globals;
  ctx.now_ms = 1748736000000;
  if (bits & 32) {
    ctx.locale = "fr-FR";
    ctx.timezone = "America/New_York";
    ctx.currency = "EUR";
  }
  std::string out;
  RenderResult result;
  for (const Undefined mode : {Undefined::kLenient, Undefined::kStrict}) {
    ctx.undefined = mode;
    out.clear();
    result.clear();
    const bool ok = t->render(ctx, out, result);
    if (ok != (result.status == RenderResult::Status::kOk)) {
      broken("render() returns true exactly when the status is kOk", result.error);
    }
    if (ok && out.size() > options.limits.max_output_bytes) {
      broken("a successful render stays within max_output_bytes", std::to_string(out.size()));
    }
    if (!ok && result.error.empty()) broken("a failed render says why", "empty error");
    if (ok && t->isConstant() && out != text) {
      broken("a constant template renders as its text", out.substr(0, 200));
    }
    for (const uint32_t id : result.undefined) {
      if (id >= t->variables().size()) {
        broken("undefined ids index variables()", std::to_string(id));
      }
    }
  }
  (void)t->renderToString(ctx);
  return 0;
}
