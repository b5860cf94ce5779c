// Loading one plugin file: every reason to refuse it, each with one message
// that names the file, the plugin (once known) and what to do.
#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <regex>

#include "plugin/abi_version.hpp"
#include "plugin/elf_check.hpp"
#include "plugin/registry_impl.hpp"
#include "schema/schema.hpp"
#include "util/log.hpp"

namespace herald::plugin {

std::optional<std::string> abiVersionRefusal(const std::string& subject, uint32_t plugin_major,
                                             uint32_t plugin_minor, uint32_t host_major,
                                             uint32_t host_minor) {
  if (plugin_major != host_major) {
    return fmt::format(
        "{} was built for Herald ABI {}.{} but this Herald speaks ABI {}.{}; rebuild it against "
        "this SDK",
        subject, plugin_major, plugin_minor, host_major, host_minor);
  }
  if (plugin_minor > host_minor) {
    return fmt::format(
        "{} was built for Herald ABI {}.{}, newer than this Herald's ABI {}.{}; upgrade Herald or "
        "rebuild the plugin against this SDK",
        subject, plugin_major, plugin_minor, host_major, host_minor);
  }
  return std::nullopt;
}

namespace {

// Sizes as ABI 1.0 defined the structs. The first four fields of
// herald_plugin (struct_size, abi_major, abi_minor, name) are where every
// major finds them, so a refusal can always name the plugin and versions.
constexpr size_t kVersionFieldsEnd = offsetof(herald_plugin, abi_minor) + sizeof(uint32_t);
constexpr size_t kNameFieldEnd = offsetof(herald_plugin, name) + sizeof(const char*);
constexpr size_t kPluginSizeAbi10 = offsetof(herald_plugin, step_types) + sizeof(void*);
constexpr size_t kStepTypeSizeAbi10 = offsetof(herald_step_type, run_batch) + sizeof(void*);
// herald_step_type.branches arrived with ABI 1.1; a smaller step type has none.
constexpr size_t kStepTypeBranchesEnd = offsetof(herald_step_type, branches) + sizeof(void*);
// The fields ABI 1.3 appended to herald_plugin.
constexpr size_t kPluginSizeAbi13 = offsetof(herald_plugin, webhooks) + sizeof(void*);
constexpr size_t kWebhookRouteSize = offsetof(herald_webhook_route, handle) + sizeof(void*);
constexpr size_t kMaxWebhooks = 64;
// More than this many branch labels is a damaged array, not a step type.
constexpr size_t kMaxBranches = 64;
// More than this many step types is a damaged descriptor, not a plugin.
constexpr size_t kMaxStepTypes = 1024;

// A string from plugin memory, when it reads as a sane one-line name.
std::string safeString(const char* s, size_t max = 200) {
  if (!s) return {};
  const size_t n = strnlen(s, max + 1);
  if (n > max) return {};
  std::string out(s, n);
  for (unsigned char c : out)
    if (c < 0x20 || c == 0x7f) return {};
  return out;
}

bool validPluginName(const std::string& n) {
  static const std::regex re("[a-z0-9_-]+");
  return std::regex_match(n, re);
}

bool validStepTypeName(const std::string& n) {
  static const std::regex re("[a-z0-9][a-z0-9_.-]*");
  return std::regex_match(n, re);
}

bool validBranchLabel(const std::string& n) {
  static const std::regex re("[a-z0-9_][a-z0-9_-]*");
  return std::regex_match(n, re);
}

// Why a step type's branch labels are unusable (empty when they are fine),
// and the labels. Reads `branches` only when the plugin's struct has it.
std::string branchProblem(const herald_step_type& t, std::vector<std::string>& labels) {
  if (t.struct_size < kStepTypeBranchesEnd || !t.branches) return {};
  for (size_t i = 0;; ++i) {
    if (i == kMaxBranches)
      return fmt::format("more than {} branch labels (is the branches array NULL-terminated?)",
                         kMaxBranches);
    const char* raw = t.branches[i];
    if (!raw) break;
    const std::string label = safeString(raw, 100);
    if (label.empty() || !validBranchLabel(label)) {
      return fmt::format(
          "an invalid branch label at index {}{} (use lowercase letters, digits, '-' and '_')", i,
          label.empty() ? "" : " ('" + label + "')");
    }
    if (std::find(labels.begin(), labels.end(), label) != labels.end())
      return fmt::format("the branch label '{}' twice", label);
    labels.push_back(label);
  }
  return {};
}

bool isSemver(const std::string& v) {
  // semver.org 2.0.0, without the leading "v".
  static const std::regex re(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
      R"((?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?)"
      R"((?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
  return std::regex_match(v, re);
}

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Why a step type's schema text is unusable, or empty.
std::string schemaProblem(const char* text, nlohmann::json& parsed) {
  if (!text) return "no config schema (config_schema is NULL)";
  try {
    parsed = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    return "a malformed config schema: invalid JSON: " + what;
  }
  auto problems = schema::checkWellFormed(parsed);
  if (problems.empty() && parsed.is_object()) {
    auto t = parsed.find("type");
    if (t == parsed.end() || *t != "object")
      problems.push_back("top level: a step's config schema must have \"type\": \"object\"");
  }
  if (!problems.empty()) return "a malformed config schema: " + joined(problems, "; ");
  return {};
}

class Refusal {
 public:
  Refusal(std::vector<RefusedPlugin>& out, std::filesystem::path path)
      : out_(out), path_(std::move(path)) {}
  void setPlugin(std::string name) { plugin_ = std::move(name); }
  const std::string& plugin() const { return plugin_; }
  // "plugin 'foo'" once the name is known, else "plugin".
  std::string subject() const { return plugin_.empty() ? "plugin" : "plugin '" + plugin_ + "'"; }

  bool operator()(const std::string& message) {
    RefusedPlugin r{path_, plugin_, path_.string() + ": " + message};
    log::warn("plugins", "refused " + r.reason);
    out_.push_back(std::move(r));
    return false;
  }

 private:
  std::vector<RefusedPlugin>& out_;
  std::filesystem::path path_;
  std::string plugin_;
};

}  // namespace

bool Registry::loadFile(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::weakly_canonical(file, ec);
  if (ec) path = std::filesystem::absolute(file);
  if (auto it = impl_->attempted.find(path); it != impl_->attempted.end()) return it->second;
  impl_->attempted[path] = false;
  Refusal refuse(impl_->refused, file);

  if (!std::filesystem::is_regular_file(path, ec)) {
    return refuse(std::filesystem::exists(path, ec) ? "not a regular file" : "no such file");
  }
  if (auto problem = elfProblem(path)) return refuse(*problem);

  auto loaded = std::make_shared<LoadedPlugin>();
  loaded->path = file;
  dlerror();  // clear any stale message
  boost::dll::fs::error_code dll_ec;
  loaded->library.load(boost::dll::fs::path(path.string()), dll_ec,
                       boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (dll_ec || !loaded->library.is_loaded()) {
    const char* why = dlerror();
    return refuse("cannot be loaded: " + std::string(why ? why : dll_ec.message()));
  }
  if (!loaded->library.has(HERALD_ENTRY_SYMBOL)) {
    return refuse(std::string("not a Herald plugin: it does not export the entry symbol '") +
                  HERALD_ENTRY_SYMBOL + "' (HERALD_PLUGIN(...) from herald/sdk.hpp defines it)");
  }
  auto& entry = loaded->library.get<const herald_plugin*()>(HERALD_ENTRY_SYMBOL);
  const herald_plugin* d = nullptr;
  try {
    d = entry();
  } catch (const std::exception& e) {
    return refuse(std::string(HERALD_ENTRY_SYMBOL) + "() threw an exception: " + e.what());
  } catch (...) {
    return refuse(std::string(HERALD_ENTRY_SYMBOL) + "() threw an exception");
  }
  if (!d) {
    return refuse(std::string(HERALD_ENTRY_SYMBOL) +
                  "() returned NULL (the plugin failed to initialise)");
  }
  if (d->struct_size < kVersionFieldsEnd) {
    return refuse(fmt::format(
        "plugin descriptor is too small (struct_size {}, need at least {}); is it a Herald plugin?",
        d->struct_size, kPluginSizeAbi10));
  }
  if (d->struct_size >= kNameFieldEnd) refuse.setPlugin(safeString(d->name));

  if (auto why = abiVersionRefusal(refuse.subject(), d->abi_major, d->abi_minor, HERALD_ABI_MAJOR,
                                   HERALD_ABI_MINOR))
    return refuse(*why);
  if (d->struct_size < kPluginSizeAbi10) {
    return refuse(fmt::format(
        "{} has a descriptor of {} bytes, smaller than the {} bytes of ABI {}.0 (struct_size too "
        "small); rebuild it against this SDK",
        refuse.subject(), d->struct_size, kPluginSizeAbi10, HERALD_ABI_MAJOR));
  }
  const std::string name = safeString(d->name);
  if (name.empty()) {
    return refuse(d->name ? "plugin name is not a readable one-line string"
                          : "plugin has no name (herald_plugin.name is NULL)");
  }
  if (!validPluginName(name)) {
    return refuse(fmt::format(
        "plugin name '{}' is invalid (use lowercase letters, digits, '-' and '_')", name));
  }
  const std::string version = safeString(d->version);
  if (version.empty()) return refuse(refuse.subject() + " has no version");
  if (!isSemver(version)) {
    return refuse(fmt::format(
        "{} has version '{}', which is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)",
        refuse.subject(), version));
  }
  for (const auto& p : impl_->plugins) {
    if (p.name == name)
      return refuse(fmt::format("{} is already loaded from {}", refuse.subject(), p.path.string()));
  }

  if (d->step_type_count > kMaxStepTypes) {
    return refuse(fmt::format("{} declares {} step types; the descriptor looks damaged",
                              refuse.subject(), d->step_type_count));
  }
  if (d->step_type_count > 0 && !d->step_types) {
    return refuse(fmt::format("{} declares {} step types but step_types is NULL", refuse.subject(),
                              d->step_type_count));
  }

  // Check every step type before registering any: a refused plugin leaves
  // nothing behind.
  std::vector<StepTypeInfo> accepted;
  for (size_t i = 0; i < d->step_type_count; ++i) {
    const herald_step_type* t = d->step_types[i];
    if (!t) return refuse(fmt::format("{} has a NULL step type at index {}", refuse.subject(), i));
    if (t->struct_size < kStepTypeSizeAbi10) {
      return refuse(fmt::format(
          "{} has a step type at index {} of {} bytes, smaller than the {} bytes of ABI {}.0 "
          "(struct_size too small); rebuild it against this SDK",
          refuse.subject(), i, t->struct_size, kStepTypeSizeAbi10, HERALD_ABI_MAJOR));
    }
    const std::string tname = safeString(t->name);
    if (tname.empty())
      return refuse(
          fmt::format("{} has a step type at index {} without a name", refuse.subject(), i));
    if (!validStepTypeName(tname)) {
      return refuse(fmt::format(
          "{} has a step type named '{}', which is invalid (use lowercase letters, digits, '.', "
          "'-' and '_')",
          refuse.subject(), tname));
    }
    const std::string step = fmt::format("{} declares step type '{}'", refuse.subject(), tname);
    if (!t->create || !t->destroy || !t->run_batch) {
      return refuse(fmt::format("{} without a {} function", step,
                                !t->create    ? "create"
                                : !t->destroy ? "destroy"
                                              : "run_batch"));
    }
    const std::string summary = safeString(t->summary, 500);
    if (summary.empty()) return refuse(step + " without a one-line summary");
    const std::string channel = safeString(t->channel);
    if ((t->flags & HERALD_STEP_DELIVERY) && channel.empty())
      return refuse(step + " as a delivery step (HERALD_STEP_DELIVERY) without a channel");

    if (std::any_of(accepted.begin(), accepted.end(),
                    [&](const StepTypeInfo& s) { return s.name == tname; }))
      return refuse(fmt::format("{} provides step type '{}' twice", refuse.subject(), tname));
    if (auto it = impl_->types.find(tname); it != impl_->types.end()) {
      if (it->second.builtin) {
        return refuse(fmt::format("{} provides step type '{}', which is already an engine built-in",
                                  refuse.subject(), tname));
      }
      return refuse(fmt::format(
          "{} provides step type '{}', which plugin '{}' ({}) already provides", refuse.subject(),
          tname, it->second.plugin, impl_->type_owner.at(tname)->path.string()));
    }
    StepTypeInfo info;
    if (auto why = schemaProblem(t->config_schema, info.schema); !why.empty())
      return refuse(step + " with " + why);
    if (auto why = branchProblem(*t, info.branches); !why.empty())
      return refuse(step + " with " + why);
    info.name = tname;
    info.summary = summary;
    info.plugin = name;
    info.channel = channel;
    info.flags = t->flags;
    info.abi = t;
    accepted.push_back(std::move(info));
  }

  // ABI 1.3: the plugin's own settings schema and its webhook routes.
  if (d->abi_minor >= 3 && d->struct_size >= kPluginSizeAbi13) {
    if (d->config_schema) {
      if (auto why = schemaProblem(d->config_schema, loaded->settings_schema); !why.empty())
        return refuse(refuse.subject() + " has " + why + " (herald_plugin.config_schema)");
    }
    if (d->webhook_count > kMaxWebhooks || (d->webhook_count > 0 && !d->webhooks)) {
      return refuse(fmt::format("{} declares {} webhook routes; the descriptor looks damaged",
                                refuse.subject(), d->webhook_count));
    }
    for (size_t i = 0; i < d->webhook_count; ++i) {
      const herald_webhook_route* r = d->webhooks[i];
      const std::string prefix =
          r && r->struct_size >= kWebhookRouteSize ? safeString(r->path_prefix) : std::string();
      if (!r || !r->handle || prefix.rfind("/hooks/", 0) != 0 || prefix.size() <= 7) {
        return refuse(fmt::format(
            "{} declares webhook route {}{} that is not served: a route needs a handle function "
            "and a path_prefix under /hooks/ (e.g. \"/hooks/{}/\")",
            refuse.subject(), i, prefix.empty() ? "" : " ('" + prefix + "')", name));
      }
      for (const auto& other : impl_->plugins) {
        for (const auto& theirs : other.webhooks) {
          if (theirs == prefix)
            return refuse(
                fmt::format("{} declares webhook route '{}', which plugin '{}' already "
                            "serves",
                            refuse.subject(), prefix, other.name));
        }
      }
      loaded->webhooks.emplace_back(prefix, r);
    }
  }

  loaded->descriptor = d;
  loaded->name = name;
  loaded->ctx = std::make_unique<herald_plugin_ctx>();
  loaded->ctx->host = impl_->host;
  loaded->ctx->plugin = loaded;
  loaded->ctx->name = name;
  PluginInfo pinfo;
  pinfo.name = name;
  pinfo.version = version;
  pinfo.description = safeString(d->description, 2000);
  pinfo.path = file;
  pinfo.abi_major = d->abi_major;
  pinfo.abi_minor = d->abi_minor;
  for (const auto& [prefix, route] : loaded->webhooks) pinfo.webhooks.push_back(prefix);
  for (auto& info : accepted) {
    pinfo.step_types.push_back(info.name);
    impl_->type_owner[info.name] = loaded;
    impl_->types[info.name] = std::move(info);
  }
  impl_->plugins.push_back(std::move(pinfo));
  impl_->loaded.push_back(loaded);
  impl_->attempted[path] = true;
  log::debug("plugins", fmt::format("loaded plugin '{}' {} from {}", name, version, file.string()));
  return true;
}

}  // namespace herald::plugin
