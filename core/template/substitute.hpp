#pragma once
// Minimal `{{ ... }}` substitution for templated step fields, until the
// Liquid engine replaces it behind this same interface: compile a template
// string once (at load), render it per contact (hot path: no exceptions, no
// parsing).
//
// Supported: `{{ contact.FIELD }}` (id, external_id, email, phone,
// first_name, last_name, timezone, locale, tags), `{{ contact.attributes.A.B }}`,
// `{{ vars.NAME.SUB }}`, filters `default: "x"` (also a number, true/false or
// another variable), `upcase`, `downcase`, `capitalize`, `strip`, and the
// whitespace-trimming markers `{{-` / `-}}`. Rendering follows Liquid: a
// missing value renders as nothing; arrays render their items joined.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace herald::tmpl {

// What a template sees: the contact and the journey's variables.
struct RenderContext {
  const store::Contact& contact;
  const nlohmann::json& vars;
};

// A compile error: `offset` is the byte offset in the template text where
// the problem starts, so callers can turn it into a line and column.
struct CompileError {
  size_t offset = 0;
  std::string message;
};

class Template {
 public:
  // Parses `text`; nullopt and `error` when it is malformed.
  static std::optional<Template> compile(std::string_view text, CompileError& error);

  Template(const Template&);
  Template& operator=(const Template&);
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;
  ~Template();

  std::string render(const RenderContext& ctx) const;
  void renderTo(const RenderContext& ctx, std::string& out) const;
  // True when the text has no substitution at all (render returns it as is).
  bool isConstant() const;

  struct Impl;

 private:
  explicit Template(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::tmpl
