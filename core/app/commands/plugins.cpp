// `herald plugins [--json]`: what was loaded from where, at which ABI, with
// which step types; and every refused plugin with the reason.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "util/log.hpp"

namespace herald::app {
namespace {

std::vector<std::string> flagNames(uint32_t flags) {
  std::vector<std::string> out;
  if (flags & HERALD_STEP_DELIVERY) out.emplace_back("delivery");
  if (flags & HERALD_STEP_IDEMPOTENT) out.emplace_back("idempotent");
  return out;
}

std::string abiOf(const plugin::PluginInfo& p) {
  return std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor);
}

nlohmann::ordered_json toJson(const plugin::Registry& reg) {
  nlohmann::ordered_json out = {{"plugins", nlohmann::ordered_json::array()},
                                {"refused", nlohmann::ordered_json::array()},
                                {"builtins", nlohmann::ordered_json::array()}};
  for (const auto& p : reg.plugins()) {
    nlohmann::ordered_json types = nlohmann::ordered_json::array();
    for (const auto& name : p.step_types) {
      const plugin::StepTypeInfo* t = reg.find(name);
      if (!t) continue;
      types.push_back({{"name", t->name},
                       {"summary", t->summary},
                       {"channel", t->channel.empty() ? nlohmann::ordered_json()
                                                      : nlohmann::ordered_json(t->channel)},
                       {"flags", flagNames(t->flags)},
                       {"branches", t->branches}});
    }
    out["plugins"].push_back({{"name", p.name},
                              {"version", p.version},
                              {"description", p.description},
                              {"path", p.path.string()},
                              {"abi", abiOf(p)},
                              {"step_types", std::move(types)}});
  }
  for (const auto& r : reg.refused()) {
    out["refused"].push_back(
        {{"path", r.path.string()},
         {"plugin", r.plugin.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.plugin)},
         {"reason", r.reason}});
  }
  for (const auto* t : reg.stepTypes()) {
    if (t->builtin) out["builtins"].push_back({{"name", t->name}, {"summary", t->summary}});
  }
  return out;
}

void printTypes(std::ostream& out, const std::vector<const plugin::StepTypeInfo*>& types) {
  size_t width = 0;
  for (const auto* t : types) width = std::max(width, t->name.size());
  for (const auto* t : types) {
    out << "    " << t->name << std::string(width - t->name.size() + 2, ' ') << t->summary;
    std::vector<std::string> notes = flagNames(t->flags);
    if (!t->channel.empty()) notes.insert(notes.begin(), "channel: " + t->channel);
    if (!notes.empty()) {
      out << "  [";
      for (size_t i = 0; i < notes.size(); ++i) out << (i ? ", " : "") << notes[i];
      out << ']';
    }
    out << '\n';
  }
}

void printHuman(std::ostream& out, const plugin::Registry& reg) {
  const auto& plugins = reg.plugins();
  const auto& refused = reg.refused();
  out << plugins.size() << (plugins.size() == 1 ? " plugin" : " plugins") << " loaded";
  if (!refused.empty()) out << ", " << refused.size() << " refused";
  out << '\n';
  for (const auto& p : plugins) {
    out << '\n'
        << p.name << ' ' << p.version << "  (ABI " << abiOf(p) << ")  " << p.path.string() << '\n';
    if (!p.description.empty()) out << "  " << p.description << '\n';
    std::vector<const plugin::StepTypeInfo*> types;
    for (const auto& name : p.step_types)
      if (const auto* t = reg.find(name)) types.push_back(t);
    printTypes(out, types);
  }
  std::vector<const plugin::StepTypeInfo*> builtins;
  for (const auto* t : reg.stepTypes())
    if (t->builtin) builtins.push_back(t);
  if (!builtins.empty()) {
    out << "\nbuilt-in step types\n";
    printTypes(out, builtins);
  }
  if (!refused.empty()) {
    out << "\nrefused\n";
    for (const auto& r : refused) out << "  " << r.reason << '\n';
  }
}

}  // namespace

void addPluginsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "plugins", "List loaded plugins (path, version, ABI, step types) and refused ones with why");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print JSON: {plugins, refused, builtins}");
  cmd->callback([&ctx, &exit_code, json] {
    // Refusals are part of this command's output; the loader's warnings
    // about them on stderr would only repeat it. (The config sets the log
    // level when it loads, so load it first.)
    ctx.config();
    struct Quiet {
      log::Level before = log::level();
      Quiet() {
        if (before < log::Level::kError) log::setLevel(log::Level::kError);
      }
      ~Quiet() { log::setLevel(before); }
    };
    plugin::Registry* loaded = nullptr;
    {
      Quiet quiet;
      loaded = &ctx.plugins();
    }
    const plugin::Registry& reg = *loaded;
    if (*json) {
      std::cout << toJson(reg).dump(2) << '\n';
    } else {
      printHuman(std::cout, reg);
    }
    exit_code = 0;
  });
}

}  // namespace herald::app
