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

#include "herald/config_schema.hpp"
#include "util/diagnostic.hpp"

namespace herald::schema {

// The subset itself lives in the SDK (herald/config_schema.hpp), shared with
// the fake host of herald/testing.hpp: one validator, one set of messages.
using config_schema::checkWellFormed;
using config_schema::localesPaths;
using config_schema::messagePaths;
using config_schema::secretPaths;
using config_schema::segmentPaths;
using config_schema::TemplatedField;
using config_schema::templatedFields;
using config_schema::templatedPaths;
using config_schema::withDefaults;

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

}  // namespace herald::schema
