#pragma once
// Where the values of a step's secret fields (x-secret in its type's
// schema) come from. A workflow file is read by many people and kept in
// version control, so it may not hold a secret itself; it says where the
// secret is instead:
//   api_key_file: acme-api-key   a file (relative: in $CREDENTIALS_DIRECTORY,
//                                systemd's LoadCredential=, else the working dir)
//   api_key_env: ACME_API_KEY    an environment variable
//   (neither)                    herald.yaml: plugins: <plugin>: {api_key: ...}
//                                (or api_key_file / api_key_env there)
// The host reads the value before the schema and the plugin see the config,
// which then holds `api_key` as if it had been written inline; every value
// is registered as a secret (log::registerSecret), so it shows as "[secret]".
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "util/diagnostic.hpp"

namespace herald::workflow {

struct SecretFieldsInput {
  const nlohmann::json& schema;           // the step type's config schema
  const nlohmann::json& plugin_settings;  // herald.yaml's plugins: <plugin> (object or null)
  std::string plugin;                     // for messages: where herald.yaml's value goes
  std::string step_label;                 // "step 'send' (acme.send)"
  SourcePos fallback;                     // the `with:` key
};

// Replaces `<field>_file` / `<field>_env` keys of `config` by the secrets
// they name and fills absent top-level secret fields from the plugin's
// herald.yaml section. Reports, at FILE:LINE:COL: a literal secret in the
// file (saying what to write instead), both sources at once, a source that
// cannot be read, a required secret with no source. `positions` gains the
// place of each resolved field (its `_file`/`_env` key). No message ever
// contains a secret's value.
void resolveSecretFields(const SecretFieldsInput& in, nlohmann::json& config,
                         std::map<std::string, SourcePos>& positions, Diagnostics& diags);

}  // namespace herald::workflow
