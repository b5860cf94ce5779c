#include "plugin/registry.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "plugin/log_secrets.hpp"
#include "plugin/registry_impl.hpp"
#include "schema/schema.hpp"
#include "util/log.hpp"

namespace herald::plugin {

Registry::Registry() : impl_(std::make_unique<Impl>()) {}

// Instances may outlive the registry: they hold their library and host state.
Registry::~Registry() = default;

void Registry::addBuiltin(StepTypeInfo info) {
  info.builtin = true;
  info.abi = nullptr;
  if (info.plugin.empty()) info.plugin = "builtin";
  const std::string name = info.name;
  impl_->types[name] = std::move(info);
}

void Registry::loadDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    // An error, not a warning: Herald without its plugins cannot run workflows.
    log::error(
        "plugins",
        fmt::format("plugin directory {} does not exist; no plugins loaded from it", dir.string()));
    impl_->missing_dirs.push_back(dir);
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".so") files.push_back(entry.path());
  }
  if (ec) {
    log::warn("plugins",
              fmt::format("cannot list plugin directory {}: {}", dir.string(), ec.message()));
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) loadFile(f);
}

const StepTypeInfo* Registry::find(const std::string& name) const {
  auto it = impl_->types.find(name);
  return it == impl_->types.end() ? nullptr : &it->second;
}

std::vector<const StepTypeInfo*> Registry::stepTypes() const {
  std::vector<const StepTypeInfo*> out;
  out.reserve(impl_->types.size());
  for (const auto& [name, info] : impl_->types) out.push_back(&info);
  return out;
}

const std::vector<PluginInfo>& Registry::plugins() const { return impl_->plugins; }

const std::vector<RefusedPlugin>& Registry::refused() const { return impl_->refused; }

const std::vector<std::filesystem::path>& Registry::missingDirectories() const {
  return impl_->missing_dirs;
}

void Registry::setStore(store::Store* store) {
  std::lock_guard lock(impl_->host->store_mu);
  impl_->host->store = store;
}

void Registry::setPluginSettings(const nlohmann::json& plugins_section,
                                 const std::filesystem::path& state_dir) {
  registerSettingSecrets(plugins_section);
  std::lock_guard lock(impl_->host->settings_mu);
  impl_->host->plugin_settings =
      plugins_section.is_object() ? plugins_section : nlohmann::json::object();
  impl_->host->state_dir = state_dir;
}

nlohmann::json Registry::pluginSettings(const std::string& name) const {
  std::lock_guard lock(impl_->host->settings_mu);
  const auto& all = impl_->host->plugin_settings;
  auto it = all.find(name);
  return it == all.end() ? nlohmann::json() : *it;
}

Metrics& Registry::metrics() { return impl_->host->metrics; }

std::vector<ConfigProblem> Registry::checkConfig(const std::string& type,
                                                 const std::string& step_id,
                                                 const nlohmann::json& config,
                                                 const StepSetup& setup) {
  std::vector<ConfigProblem> problems;
  const StepTypeInfo* info = find(type);
  if (!info) return {{"", fmt::format("unknown step type '{}'", type)}};
  if (info->builtin) return problems;
  auto core = createInstance(impl_->host, impl_->type_owner.at(type), *info, step_id,
                             schema::withDefaults(info->schema, config), setup, problems);
  return problems;  // `core` goes here: create() then destroy(), as the ABI promises validate
}

std::unique_ptr<StepInstance> Registry::instantiate(const std::string& type,
                                                    const std::string& step_id,
                                                    const nlohmann::json& config,
                                                    std::vector<ConfigProblem>& problems,
                                                    const StepSetup& setup) {
  const StepTypeInfo* info = find(type);
  if (!info) {
    problems.push_back({"", fmt::format("unknown step type '{}'", type)});
    return nullptr;
  }
  if (info->builtin) {
    problems.push_back({"", fmt::format("step type '{}' is an engine built-in; the engine runs "
                                        "it itself",
                                        type)});
    return nullptr;
  }
  auto core = createInstance(impl_->host, impl_->type_owner.at(type), *info, step_id,
                             schema::withDefaults(info->schema, config), setup, problems);
  if (!core) return nullptr;
  return makeStepInstance(std::move(core));
}

}  // namespace herald::plugin
