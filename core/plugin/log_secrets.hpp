#pragma once
// What of a plugin's configuration must never reach the log: registered
// with log::registerSecret() when the configuration is read, so a line that
// carries one (a plugin's own message, an error echoing a request) shows
// "[secret]" instead.
#include <nlohmann/json.hpp>

namespace herald::plugin {

// The string values of a step config at the schema's x-secret fields.
void registerStepSecrets(const nlohmann::json& schema, const nlohmann::json& config);

// The string values in the config's `plugins:` section whose key names a
// secret: it contains "password", "passwd", "secret" or "token", or ends in
// "key" (api_key, signing_key). Plugin settings have no schema, so the name
// decides; docs/plugins.md asks plugin authors to name them so.
void registerSettingSecrets(const nlohmann::json& plugin_settings);

}  // namespace herald::plugin
