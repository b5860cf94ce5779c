// `herald plugins [--json] [--allow-refused]`: what was loaded from where, at
// which ABI, with which step types; and every refused plugin with the reason.
// Exits 1 when a plugin was refused or a plugin directory is missing (a
// deployment check), unless --allow-refused.
// `herald plugins --check FILE.so`: loads that one file as the daemon would
// (beside the built-ins) and exits 1 with the refusal when it would be refused.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "util/log.hpp"
#include "workflow/builtins.hpp"

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

// `builtins`: list the engine's own step types too (not for --check).
nlohmann::ordered_json toJson(const plugin::Registry& reg, bool builtins) {
  nlohmann::ordered_json out = {{"plugins", nlohmann::ordered_json::array()},
                                {"refused", nlohmann::ordered_json::array()}};
  if (builtins) {
    out["missing_dirs"] = nlohmann::ordered_json::array();
    for (const auto& d : reg.missingDirectories()) out["missing_dirs"].push_back(d.string());
    out["builtins"] = nlohmann::ordered_json::array();
  }
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
  if (!builtins) return out;
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

void printHuman(std::ostream& out, const plugin::Registry& reg, bool builtins) {
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
  std::vector<const plugin::StepTypeInfo*> own;
  for (const auto* t : reg.stepTypes())
    if (builtins && t->builtin) own.push_back(t);
  if (!own.empty()) {
    out << "\nbuilt-in step types\n";
    printTypes(out, own);
  }
  if (!refused.empty()) {
    out << "\nrefused\n";
    for (const auto& r : refused) out << "  " << r.reason << '\n';
  }
  if (!reg.missingDirectories().empty()) {
    out << "\nmissing plugin directories\n";
    for (const auto& d : reg.missingDirectories()) out << "  " << d.string() << '\n';
  }
}

// Refusals are part of these commands' output; the loader's warnings about
// them on stderr would only repeat it.
struct QuietLoader {
  log::Level before = log::level();
  QuietLoader() {
    if (before < log::Level::kError) log::setLevel(log::Level::kError);
  }
  ~QuietLoader() { log::setLevel(before); }
  QuietLoader(const QuietLoader&) = delete;
  QuietLoader& operator=(const QuietLoader&) = delete;
};

// --check FILE: the file alone beside the built-ins (a clash with another
// installed plugin shows in `herald plugins`).
int checkOne(const std::string& file, bool json) {
  plugin::Registry reg;
  workflow::registerBuiltins(reg);
  bool loaded = false;
  {
    QuietLoader quiet;
    loaded = reg.loadFile(file);
  }
  if (json) {
    std::cout << toJson(reg, false).dump(2) << '\n';
  } else if (loaded) {
    printHuman(std::cout, reg, false);
  } else {
    for (const auto& r : reg.refused()) std::cout << "refused " << r.reason << '\n';
  }
  return loaded ? 0 : 1;
}

}  // namespace

void addPluginsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "plugins", "List loaded plugins (path, version, ABI, step types) and refused ones with why");
  struct Flags {
    bool json = false;
    bool allow_refused = false;
    std::string check;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_flag("--json", flags->json,
                "Print JSON: {plugins, refused, missing_dirs, builtins} ({plugins, refused} "
                "with --check)");
  cmd->add_flag("--allow-refused", flags->allow_refused,
                "Exit 0 even when a plugin was refused or a plugin directory is missing");
  cmd->add_option("--check", flags->check,
                  "Load only this plugin file, as the daemon would; exit 1 with the reasons "
                  "when it would be refused")
      ->type_name("FILE.so");
  cmd->callback([&ctx, &exit_code, flags] {
    // The config sets the log level when it loads, so load it first.
    ctx.config();
    if (!flags->check.empty()) {
      exit_code = checkOne(flags->check, flags->json);
      return;
    }
    plugin::Registry* loaded = nullptr;
    {
      QuietLoader quiet;
      loaded = &ctx.plugins();
    }
    const plugin::Registry& reg = *loaded;
    if (flags->json) {
      std::cout << toJson(reg, true).dump(2) << '\n';
    } else {
      printHuman(std::cout, reg, true);
    }
    const bool healthy = reg.refused().empty() && reg.missingDirectories().empty();
    exit_code = healthy || flags->allow_refused ? 0 : 1;
  });
}

}  // namespace herald::app
