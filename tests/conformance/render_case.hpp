#pragma once
// How the conformance suite, the differential tool and the oracle render a
// case: Escape::kNone (kHtml for a case marked "escape": "html"), any root
// variable, lenient undefined variables, UTC, en-US, USD and "now" fixed at
// 2023-11-14T22:13:20Z (oracle.rb stubs Time.now to the same instant).
// `data.contact` becomes the render's contact and `data.vars` its journey
// variables, so templates written for workflows (contact.first_name,
// vars.picks) run unchanged.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "store/records.hpp"
#include "template/template.hpp"

namespace herald::conformance {

inline constexpr int64_t kNowMs = 1'700'000'000'000;

struct Rendered {
  bool ok = false;
  std::string text;  // the output, or the compile/render error
};

inline std::optional<std::string> optionalString(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// `escape`: kHtml for the cases that show an HTML part's auto-escaping.
inline Rendered renderCase(const std::string& text, const nlohmann::json& data,
                           tmpl::Escape escape = tmpl::Escape::kNone) {
  tmpl::CompileOptions options;
  options.escape = escape;
  tmpl::CompileError error;
  auto t = tmpl::Template::compile(text, options, error);
  if (!t)
    return {false, "compile error at " + std::to_string(error.line) + ":" +
                       std::to_string(error.column) + ": " + error.message};
  store::Contact contact;
  const nlohmann::json* vars = nullptr;
  bool has_contact = false;
  if (data.is_object()) {
    if (auto it = data.find("contact"); it != data.end() && it->is_object()) {
      has_contact = true;
      contact.id = 1;
      contact.external_id = optionalString(*it, "external_id");
      contact.email = optionalString(*it, "email");
      contact.phone = optionalString(*it, "phone");
      contact.first_name = optionalString(*it, "first_name");
      contact.last_name = optionalString(*it, "last_name");
      contact.timezone = optionalString(*it, "timezone");
      contact.locale = optionalString(*it, "locale");
      if (auto a = it->find("attributes"); a != it->end() && a->is_object())
        contact.attributes = *a;
    }
    if (auto it = data.find("vars"); it != data.end() && it->is_object()) vars = &*it;
  }
  tmpl::RenderContext ctx{.contact = has_contact ? &contact : nullptr,
                          .vars = vars,
                          .globals = &data,
                          .locale = "en-US",
                          .timezone = "UTC",
                          .currency = "USD",
                          .now_ms = kNowMs,
                          .undefined = tmpl::Undefined::kLenient};
  std::string out;
  tmpl::RenderResult result;
  if (!t->render(ctx, out, result)) return {false, result.error};
  return {true, std::move(out)};
}

}  // namespace herald::conformance
