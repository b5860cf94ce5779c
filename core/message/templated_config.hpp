#pragma once
// The one place the host compiles and renders a step's templated config:
// every x-templated field (message parts, whether written inline or in a
// message file, and every locale variant of them) is compiled once when a
// run (or `validate`) loads the workflow, and rendered per contact into the
// config JSON the step sees (herald_contact.config_json), with the locale
// variant chosen for that contact and the `locales` block left out.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "message/locale.hpp"
#include "template/template.hpp"
#include "util/diagnostic.hpp"
#include "util/json_text.hpp"

namespace herald::tmpl {

struct ConfigField {
  std::string pattern;  // JSON pointer pattern ("/subject", "/headers/*")
  Escape escape = Escape::kNone;
};

struct ConfigSpec {
  std::vector<ConfigField> fields;  // the schema's x-templated properties
  std::string locales_key;          // the x-locales property ("" when none)
  const PartialLoader* partials = nullptr;
  Limits limits;
  std::string default_locale;  // settings.locale: the variant for unmatched contacts
  // Where byte `offset` (line and column within the template) of the
  // template at `pointer` stands in its file.
  std::function<SourcePos(const std::string& pointer, size_t offset, int line, int column)> where;
  std::string context;  // "step 'welcome' (outbox.email)"
  // Variables besides contact and vars that the workflow's trigger gives
  // every journey ("event" for event triggers, "input" for API runs); a
  // template naming one the trigger does not give fails to compile.
  std::vector<std::string> trigger_roots;
};

class TemplatedConfig {
 public:
  // Compiles every templated string of `config` (the step's `with` with its
  // defaults). Errors go to `diags` at FILE:LINE:COL of the template in the
  // workflow, the message file, the part's file or the partial. nullopt when
  // any template is malformed.
  static std::optional<TemplatedConfig> compile(const ConfigSpec& spec,
                                                const nlohmann::json& config, Diagnostics& diags);

  // True when no field varies per contact and there are no locale variants.
  bool isConstant() const;
  // The config every contact gets when isConstant().
  const std::string& constantJson() const { return layouts_.front().constant_json; }

  // Appends the config JSON for one contact to `out`. False when a template
  // fails (strict undefined variable, a limit, a filter error): `reason`
  // then says which and where, e.g. "template: undefined variable
  // contact.attributes.city in html (line 12)". `undefined` gets the ids
  // (into undefinedNames()) of variables that rendered empty with no
  // default in lenient mode, each once.
  bool render(const RenderContext& ctx, std::string& out, std::string& reason,
              std::vector<uint32_t>& undefined) const;
  // The variables any template outputs, by the id render() reports.
  const std::vector<std::string>& undefinedNames() const { return names_; }

  // Every variable output, where it is written, for `validate`'s warnings.
  struct VariableUse {
    std::string field;  // "html", "subject (ko)"
    std::string name;   // "contact.first_name"
    SourcePos pos;
    bool has_default = false;
  };
  const std::vector<VariableUse>& variables() const { return uses_; }

  // JSON pointers of the base fields that vary per contact.
  std::vector<std::string> fieldPointers() const;
  // The locale tags of the variants, in their order.
  const std::vector<std::string>& locales() const { return tags_; }

 private:
  struct Field {
    std::string pointer;
    std::string label;  // "html", "subject (ko)"
    Template tmpl;
    std::vector<uint32_t> ids;  // Template::variables() index -> names_ index
  };
  // The config one variant (or the base) renders: constant text between
  // the per-contact fields.
  struct Layout {
    std::string constant_json;         // when fields is empty
    std::vector<std::string> between;  // fields.size() + 1 pieces of JSON text
    std::vector<const Field*> fields;  // in the order they appear in the text
  };
  static void buildLayout(const nlohmann::json& config, std::vector<const Field*> fields,
                          Layout& out);

  std::vector<std::unique_ptr<Field>> storage_;
  std::vector<Layout> layouts_;  // [0] the base, [1 + i] variant i
  message::LocaleChooser chooser_;
  std::vector<std::string> tags_;
  std::vector<std::string> names_;
  std::vector<VariableUse> uses_;
};

}  // namespace herald::tmpl
