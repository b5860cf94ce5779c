#include "workflow/secret_sources.hpp"

#include <cstdlib>
#include <functional>
#include <optional>
#include <regex>

#include "schema/schema.hpp"
#include "util/credential.hpp"
#include "util/json_pointer.hpp"
#include "util/log.hpp"
#include "util/yaml_json.hpp"

namespace herald::workflow {
namespace {

using nlohmann::json;

std::string unescapeToken(const std::string& token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

// The schema of the object a pattern's parent names ("" is the config).
const json* parentSchema(const json& schema, const std::string& parent) {
  const json* s = &schema;
  size_t at = 0;
  while (at < parent.size()) {
    const size_t next = parent.find('/', at + 1);
    const std::string token =
        parent.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    at = next == std::string::npos ? parent.size() : next;
    if (!s->is_object()) return nullptr;
    if (token == "*") {
      auto it = s->find("additionalProperties");
      if (it == s->end() || !it->is_object()) it = s->find("items");
      if (it == s->end() || !it->is_object()) return nullptr;
      s = &*it;
    } else {
      auto props = s->find("properties");
      if (props == s->end() || !props->is_object()) return nullptr;
      auto it = props->find(unescapeToken(token));
      if (it == props->end()) return nullptr;
      s = &*it;
    }
  }
  return s;
}

bool isRequired(const json* schema, const std::string& name) {
  if (!schema || !schema->is_object()) return false;
  auto req = schema->find("required");
  if (req == schema->end() || !req->is_array()) return false;
  for (const auto& r : *req)
    if (r == name) return true;
  return false;
}

class Resolver {
 public:
  Resolver(const SecretFieldsInput& in, json& config, std::map<std::string, SourcePos>& positions,
           Diagnostics& diags)
      : in_(in), config_(config), positions_(positions), diags_(diags) {}

  void resolve(const std::string& pattern) {
    const size_t slash = pattern.rfind('/');
    const std::string parent = pattern.substr(0, slash);
    const std::string last = pattern.substr(slash + 1);
    if (last == "*") {
      // Every value of a map or list is a secret: no sibling keys to name a
      // source with, so only herald.yaml can hold them.
      for (const auto& ptr : expandPointerPattern(pattern, config_)) {
        const json& v = config_.at(json::json_pointer(ptr));
        if (v.is_null()) continue;
        if (v.is_string()) log::registerSecret(v.get_ref<const std::string&>());
        diags_.error(posOf(ptr), in_.step_label + ": the values under '" + displayPath(parent) +
                                     "' are secrets (x-secret) and may not be written in a "
                                     "workflow file; set them in herald.yaml under plugins: " +
                                     in_.plugin);
      }
      return;
    }
    const std::string name = unescapeToken(last);
    const json* schema = parentSchema(in_.schema, parent);
    for (const auto& ptr : expandPointerPattern(parent, config_)) {
      json& node = config_.at(json::json_pointer(ptr));
      if (node.is_object()) resolveField(ptr, node, name, ptr.empty(), isRequired(schema, name));
    }
    // A top-level secret with no `with:` at all still comes from herald.yaml.
  }

 private:
  SourcePos posOf(std::string ptr) const {
    while (true) {
      if (auto it = positions_.find(ptr); it != positions_.end()) return it->second;
      if (ptr.empty()) return in_.fallback;
      ptr = ptr.substr(0, ptr.rfind('/'));
    }
  }

  static std::string displayPath(const std::string& ptr) {
    std::string out;
    size_t at = 0;
    while (at < ptr.size()) {
      const size_t next = ptr.find('/', at + 1);
      const std::string token =
          ptr.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
      out += (out.empty() ? "" : ".") + unescapeToken(token);
      at = next == std::string::npos ? ptr.size() : next;
    }
    return out;
  }

  std::string choices(const std::string& name, bool top_level) const {
    std::string out = "write '" + name + "_file: NAME' (a file holding it; under systemd, a " +
                      "LoadCredential= name) or '" + name + "_env: VARIABLE' instead";
    if (top_level)
      out += ", or set it in herald.yaml under plugins: " + in_.plugin + ": " + name + ":";
    return out;
  }

  // The value a `<name>_file` / `<name>_env` pair in `node` names; nullopt
  // when neither is there or it could not be read (reported). `where`
  // prefixes messages ("" in the workflow; "herald.yaml plugins: acme: " for
  // the plugin's section) and `at` places them.
  std::optional<std::string> fromSources(const json& node, const std::string& name,
                                         const std::string& where,
                                         const std::function<SourcePos(const std::string&)>& at,
                                         bool& found) {
    const std::string file_key = name + "_file";
    const std::string env_key = name + "_env";
    const auto file = node.find(file_key);
    const auto env = node.find(env_key);
    found = file != node.end() || env != node.end();
    if (!found) return std::nullopt;
    if (file != node.end() && env != node.end()) {
      diags_.error(at(env_key), in_.step_label + ": " + where + "give one of '" + file_key +
                                    "' and '" + env_key + "', not both");
      return std::nullopt;
    }
    if (file != node.end()) {
      if (!file->is_string() || file->get_ref<const std::string&>().empty()) {
        diags_.error(at(file_key), in_.step_label + ": " + where + "'" + file_key +
                                       "' must name a file holding the secret");
        return std::nullopt;
      }
      const std::string& fname = file->get_ref<const std::string&>();
      const auto text = readCredential(fname);
      if (!text) {
        diags_.error(at(file_key), in_.step_label + ": " + where + "cannot read '" + file_key +
                                       "' " + credentialPath(fname).string());
        return std::nullopt;
      }
      std::string value = trimmedCredential(*text);
      if (value.empty()) {
        diags_.error(at(file_key), in_.step_label + ": " + where + "'" + file_key + "' " +
                                       credentialPath(fname).string() + " is empty");
        return std::nullopt;
      }
      return value;
    }
    static const std::regex kEnvName("[A-Za-z_][A-Za-z0-9_]*");
    if (!env->is_string() || !std::regex_match(env->get<std::string>(), kEnvName)) {
      diags_.error(at(env_key), in_.step_label + ": " + where + "'" + env_key +
                                    "' must name an environment variable (letters, digits, '_')");
      return std::nullopt;
    }
    const std::string var = env->get<std::string>();
    const char* value = std::getenv(var.c_str());
    if (!value || !*value) {
      diags_.error(at(env_key), in_.step_label + ": " + where + "the environment variable " + var +
                                    " ('" + env_key + "') is not set");
      return std::nullopt;
    }
    return std::string(value);
  }

  void resolveField(const std::string& ptr, json& node, const std::string& name, bool top_level,
                    bool required) {
    const std::string field_ptr = ptr + "/" + escapeJsonPointerToken(name);
    if (auto it = node.find(name); it != node.end() && !it->is_null()) {
      if (it->is_string()) log::registerSecret(it->get_ref<const std::string&>());
      diags_.error(posOf(field_ptr), in_.step_label + ": '" + name +
                                         "' is a secret (x-secret) and may not be written in a "
                                         "workflow file; " +
                                         choices(name, top_level));
      return;
    }
    bool found = false;
    const auto inWith = [&](const std::string& key) {
      return posOf(ptr + "/" + escapeJsonPointerToken(key));
    };
    std::optional<std::string> value = fromSources(node, name, "", inWith, found);
    std::string source_key;
    if (found) {
      source_key = node.contains(name + "_file") ? name + "_file" : name + "_env";
      node.erase(name + "_file");
      node.erase(name + "_env");
    } else if (top_level && in_.plugin_settings.is_object()) {
      const std::string where = "herald.yaml plugins: " + in_.plugin + ": ";
      const auto atWith = [&](const std::string&) { return in_.fallback; };
      if (auto it = in_.plugin_settings.find(name);
          it != in_.plugin_settings.end() && it->is_string() && !it->get<std::string>().empty()) {
        value = it->get<std::string>();
        found = true;
      } else {
        value = fromSources(in_.plugin_settings, name, where, atWith, found);
      }
    }
    if (!found) {
      if (required)
        diags_.error(posOf(ptr), in_.step_label + ": needs the secret '" + name + "'; " +
                                     choices(name, top_level));
      return;
    }
    if (!value) return;  // reported
    log::registerSecret(*value);
    node[name] = std::move(*value);
    if (!source_key.empty()) {
      const SourcePos at = inWith(source_key);
      positions_[field_ptr] = at;
      positions_[field_ptr + "#key"] = at;
    }
  }

  const SecretFieldsInput& in_;
  json& config_;
  std::map<std::string, SourcePos>& positions_;
  Diagnostics& diags_;
};

}  // namespace

void resolveSecretFields(const SecretFieldsInput& in, nlohmann::json& config,
                         std::map<std::string, SourcePos>& positions, Diagnostics& diags) {
  if (!config.is_object()) return;
  Resolver resolver(in, config, positions, diags);
  for (const auto& pattern : schema::secretPaths(in.schema)) resolver.resolve(pattern);
}

}  // namespace herald::workflow
