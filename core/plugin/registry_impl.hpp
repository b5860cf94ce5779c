#pragma once
// Internal to core/plugin: the Registry's state, shared by registry.cpp
// (catalogue, instantiation) and loader.cpp (loading and refusing plugins).
#include <map>
#include <memory>

#include "plugin/call.hpp"
#include "plugin/host_state.hpp"
#include "plugin/registry.hpp"

namespace herald::plugin {

struct Registry::Impl {
  std::shared_ptr<HostShared> host = std::make_shared<HostShared>();
  std::map<std::string, StepTypeInfo> types;
  std::map<std::string, std::shared_ptr<LoadedPlugin>> type_owner;  // plugin step types only
  std::vector<PluginInfo> plugins;
  std::vector<std::shared_ptr<LoadedPlugin>> loaded;  // in load order, as `plugins`
  std::vector<RefusedPlugin> refused;
  std::vector<std::filesystem::path> missing_dirs;
  // Canonical paths already tried, and whether they loaded: a directory
  // listed twice neither loads nor refuses anything twice.
  std::map<std::filesystem::path, bool> attempted;
};

// Calls a step type's create() for `config`, collecting its diagnostics.
// Its x-segment fields are parsed first (see segment_fields.hpp); the plugin
// is still asked so that all problems are reported at once.
// Returns the live core, or nullptr with at least one problem.
std::shared_ptr<InstanceCore> createInstance(const std::shared_ptr<HostShared>& host,
                                             const std::shared_ptr<LoadedPlugin>& plugin,
                                             const StepTypeInfo& type, const std::string& step_id,
                                             const nlohmann::json& config, const StepSetup& setup,
                                             std::vector<ConfigProblem>& problems);

// The engine-facing handle of a live instance.
std::unique_ptr<StepInstance> makeStepInstance(std::shared_ptr<InstanceCore> core);

}  // namespace herald::plugin
