#include "plugin/log_secrets.hpp"

#include <algorithm>
#include <cctype>

#include "schema/schema.hpp"
#include "util/json_pointer.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

bool namesSecret(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* word : {"password", "passwd", "secret", "token"})
    if (key.find(word) != std::string::npos) return true;
  return key.size() >= 3 && key.compare(key.size() - 3, 3, "key") == 0;
}

void walkSettings(const nlohmann::json& node, bool secret) {
  if (node.is_string()) {
    if (secret) log::registerSecret(node.get_ref<const std::string&>());
  } else if (node.is_object()) {
    for (const auto& [key, value] : node.items()) walkSettings(value, secret || namesSecret(key));
  } else if (node.is_array()) {
    for (const auto& value : node) walkSettings(value, secret);
  }
}

}  // namespace

void registerStepSecrets(const nlohmann::json& schema, const nlohmann::json& config) {
  for (const auto& pattern : schema::secretPaths(schema)) {
    for (const auto& ptr : expandPointerPattern(pattern, config)) {
      const auto& value = config.at(nlohmann::json::json_pointer(ptr));
      if (value.is_string()) log::registerSecret(value.get_ref<const std::string&>());
    }
  }
}

void registerSettingSecrets(const nlohmann::json& plugin_settings) {
  walkSettings(plugin_settings, false);
}

}  // namespace herald::plugin
