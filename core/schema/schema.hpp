#pragma once
// The JSON-Schema subset in which step types describe their config
// (documented in docs/plugins.md): type, properties, required,
// additionalProperties, enum, minimum/maximum, minLength/maxLength, pattern,
// items, default, description, plus x-secret, x-templated, x-segment,
// x-message and x-locales.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/diagnostic.hpp"

namespace herald::schema {

// Problems with a schema itself (unknown keyword, wrong keyword type, bad
// regex, required naming no property...). Each entry names the JSON pointer
// into the schema and what is wrong. Empty when the schema is well formed.
std::vector<std::string> checkWellFormed(const nlohmann::json& schema);

// Validates `value` against `schema` and reports every problem into `diags`
// at the position of the offending node: `positions` maps JSON pointers
// (relative to `value`; keys also have "<pointer>#key" for the key itself)
// to places in the file; a missing entry falls back to the nearest parent.
// Messages say what would be valid, e.g.
//   unknown key 'subjet' in 'with' of outbox.email; known keys: from, subject, text
//   'batch' must be an integer from 1 to 1000, got "ten"
// `context` names what is validated ("'with' of outbox.email").
void validate(const nlohmann::json& schema, const nlohmann::json& value,
              const std::map<std::string, SourcePos>& positions, const SourcePos& fallback,
              const std::string& context, Diagnostics& diags);

// JSON pointers of every property marked x-templated / x-secret (paths into
// the config, e.g. "/subject", "/headers/*" for map values, "/items/*" arrays).
std::vector<std::string> templatedPaths(const nlohmann::json& schema);
std::vector<std::string> secretPaths(const nlohmann::json& schema);
// Every x-templated property with its mode: `"x-templated": true` is a text
// template (output as is), `"x-templated": "html"` an HTML one (output
// escaped). Sorted by pointer.
struct TemplatedField {
  std::string pointer;
  bool html = false;
};
std::vector<TemplatedField> templatedFields(const nlohmann::json& schema);
// The property marked x-message (a message file name, templates/NAME.yaml,
// whose parts fill the templated fields) and the one marked x-locales (locale
// tag -> the templated fields that locale overrides).
std::vector<std::string> messagePaths(const nlohmann::json& schema);
std::vector<std::string> localesPaths(const nlohmann::json& schema);
// JSON pointers (same patterns) of every property marked x-segment: the
// host parses those fields as segment rules when it creates the step.
std::vector<std::string> segmentPaths(const nlohmann::json& schema);

// Fills in `default` values of absent properties (recursively).
nlohmann::json withDefaults(const nlohmann::json& schema, const nlohmann::json& value);

}  // namespace herald::schema
