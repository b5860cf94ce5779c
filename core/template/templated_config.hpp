#pragma once
// The x-templated fields of one step's config, compiled once when a run (or
// `validate`) loads the workflow and rendered per contact into the config
// JSON the step sees (herald_contact.config_json).
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "template/substitute.hpp"
#include "util/diagnostic.hpp"

namespace herald::tmpl {

class TemplatedConfig {
 public:
  // Compiles every string under an x-templated path of `schema` in `config`
  // (patterns such as "/headers/*" are matched against the config). Problems
  // go to `diags` at the field's position (`positions`: JSON pointer ->
  // place, as the workflow loader records them; `fallback` otherwise).
  // Returns nullopt when any template is malformed.
  static std::optional<TemplatedConfig> compile(const std::vector<std::string>& templated_paths,
                                                const nlohmann::json& config,
                                                const std::map<std::string, SourcePos>& positions,
                                                const SourcePos& fallback,
                                                const std::string& context, Diagnostics& diags);

  // No substitution anywhere: every contact gets constantJson().
  bool isConstant() const { return fields_.empty(); }
  const std::string& constantJson() const { return constant_json_; }
  // The config as JSON text with every templated field rendered for `ctx`.
  std::string render(const RenderContext& ctx) const;
  // JSON pointers of the fields that vary per contact.
  std::vector<std::string> fieldPointers() const;

 private:
  struct Field {
    nlohmann::json::json_pointer pointer;
    std::string text;
    Template tmpl;
  };
  nlohmann::json config_;
  std::string constant_json_;
  std::vector<Field> fields_;
};

}  // namespace herald::tmpl
