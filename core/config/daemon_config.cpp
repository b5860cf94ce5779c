#include "config/daemon_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "util/yaml_error.hpp"
#include "util/yaml_json.hpp"
#include "util/yaml_load.hpp"

namespace herald::config {
namespace {

SourcePos posOf(const std::filesystem::path& file, const YAML::Node& n) {
  const auto m = n.Mark();
  return {file.string(), m.line + 1, m.column + 1};
}

}  // namespace

std::string formatDuration(int64_t ms) {
  if (ms <= 0) return "0s";
  static constexpr std::pair<int64_t, const char*> kUnits[] = {
      {7 * 86'400'000LL, "w"}, {86'400'000, "d"}, {3'600'000, "h"},
      {60'000, "m"},           {1000, "s"},       {1, "ms"}};
  std::string out;
  for (const auto& [size, unit] : kUnits) {
    // Weeks only when the whole length is weeks: "10d" reads better than "1w3d".
    if (size == kUnits[0].first && ms % size != 0) continue;
    if (ms >= size) {
      out += std::to_string(ms / size) + unit;
      ms %= size;
    }
  }
  return out;
}

std::optional<std::chrono::milliseconds> parseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000) return std::nullopt;
      ++i;
    }
    std::string unit;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) unit += text[i++];
    int64_t ms;
    if (unit == "ms")
      ms = 1;
    else if (unit == "s")
      ms = 1000;
    else if (unit == "m")
      ms = 60'000;
    else if (unit == "h")
      ms = 3'600'000;
    else if (unit == "d")
      ms = 86'400'000;
    else if (unit == "w")
      ms = 7 * 86'400'000LL;
    else
      return std::nullopt;
    total += n * ms;
  }
  return std::chrono::milliseconds(total);
}

std::filesystem::path defaultRuntimeDir(const std::filesystem::path& state_dir) {
  const char* systemd = std::getenv("RUNTIME_DIRECTORY");
  if (systemd && *systemd) {
    // RuntimeDirectory=a b gives "/run/a:/run/b": the first is ours.
    std::string first = systemd;
    return first.substr(0, first.find(':'));
  }
  return state_dir;
}

std::optional<std::filesystem::path> defaultConfigPath() {
  std::error_code ec;
  for (const char* p : {"/etc/herald/herald.yaml", "config/herald.yaml"}) {
    if (std::filesystem::exists(p, ec)) return std::filesystem::path(p);
  }
  return std::nullopt;
}

std::optional<DaemonConfig> loadDaemonConfig(const std::filesystem::path& file,
                                             Diagnostics& diags) {
  YAML::Node root;
  try {
    root = loadYamlFile(file.string());
  } catch (const YAML::BadFile&) {
    diags.error({file.string(), 0, 0}, "cannot read the config file");
    return std::nullopt;
  } catch (const YamlAliasError& e) {
    diags.error({file.string(), e.mark.line + 1, e.mark.column + 1}, e.msg);
    return std::nullopt;
  } catch (const YAML::ParserException& e) {
    std::ifstream in(file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto problem = explainYamlError(file.string(), text, e);
    diags.error(problem.pos, "YAML syntax error: " + problem.explanation);
    return std::nullopt;
  }
  DaemonConfig cfg;
  cfg.source = file;
  if (root.IsNull()) return cfg;
  if (!root.IsMap()) {
    diags.error(posOf(file, root), "the config must be a mapping of settings");
    return std::nullopt;
  }
  const size_t before = diags.errorCount();
  static const std::set<std::string> kKnown = {
      "state_dir",        "database", "plugin_dirs", "engine",    "log_level",     "plugins",
      "privacy",          "http",     "links",       "scheduler", "workflows_dir", "runtime_dir",
      "shutdown_timeout", "bounces",  "delivery"};
  auto known_list = [](const std::set<std::string>& s) {
    std::string out;
    for (const auto& k : s) out += (out.empty() ? "" : ", ") + k;
    return out;
  };
  auto scalar = [&](const YAML::Node& n, const std::string& what) -> std::optional<std::string> {
    if (!n.IsScalar()) {
      diags.error(posOf(file, n), what + " must be a single value");
      return std::nullopt;
    }
    return n.Scalar();
  };
  for (const auto& kv : root) {
    const auto key = kv.first.Scalar();
    const auto& v = kv.second;
    if (!kKnown.count(key)) {
      diags.error(posOf(file, kv.first),
                  "unknown setting '" + key + "'; known settings: " + known_list(kKnown));
    } else if (key == "state_dir") {
      if (auto s = scalar(v, "state_dir")) cfg.state_dir = *s;
    } else if (key == "database") {
      if (auto s = scalar(v, "database")) cfg.database = *s;
    } else if (key == "workflows_dir") {
      if (auto s = scalar(v, "workflows_dir")) cfg.workflows_dir = *s;
    } else if (key == "runtime_dir") {
      if (auto s = scalar(v, "runtime_dir")) cfg.runtime_dir = *s;
    } else if (key == "shutdown_timeout") {
      auto s = scalar(v, "shutdown_timeout");
      auto d = s ? parseDuration(*s) : std::nullopt;
      if (!d || d->count() <= 0)
        diags.error(posOf(file, v), "shutdown_timeout must be a duration such as 30s or 2m");
      else
        cfg.shutdown_timeout = *d;
    } else if (key == "log_level") {
      if (auto s = scalar(v, "log_level")) {
        if (*s != "debug" && *s != "info" && *s != "warn" && *s != "error")
          diags.error(posOf(file, v), "log_level must be one of debug, info, warn, error");
        else
          cfg.log_level = *s;
      }
    } else if (key == "plugin_dirs") {
      if (!v.IsSequence()) {
        diags.error(posOf(file, v), "plugin_dirs must be a list of directories");
      } else {
        for (const auto& d : v)
          if (auto s = scalar(d, "each plugin_dirs entry")) cfg.plugin_dirs.emplace_back(*s);
      }
    } else if (key == "engine") {
      if (!v.IsMap()) {
        diags.error(posOf(file, v), "engine must be a mapping (batch_size, step_deadline)");
        continue;
      }
      static const std::set<std::string> kEngine = {"batch_size", "step_deadline"};
      for (const auto& e : v) {
        const auto ek = e.first.Scalar();
        if (!kEngine.count(ek)) {
          diags.error(posOf(file, e.first),
                      "unknown engine setting '" + ek + "'; known: " + known_list(kEngine));
        } else if (ek == "batch_size") {
          auto s = scalar(e.second, "batch_size");
          int n = 0;
          try {
            n = s ? std::stoi(*s) : 0;
          } catch (const std::exception&) {
          }
          if (n < 1 || n > 100000)
            diags.error(posOf(file, e.second),
                        "batch_size must be a whole number from 1 to 100000");
          else
            cfg.batch_size = n;
        } else {
          auto s = scalar(e.second, "step_deadline");
          auto d = s ? parseDuration(*s) : std::nullopt;
          if (!d || d->count() <= 0)
            diags.error(posOf(file, e.second),
                        "step_deadline must be a duration such as 30s, 5m or 1h");
          else
            cfg.step_deadline = *d;
        }
      }
    } else if (key == "scheduler") {
      if (!v.IsMap()) {
        diags.error(posOf(file, v), "scheduler must be a mapping (poll)");
        continue;
      }
      for (const auto& e : v) {
        const auto sk = e.first.Scalar();
        if (sk != "poll") {
          diags.error(posOf(file, e.first), "unknown scheduler setting '" + sk + "'; known: poll");
          continue;
        }
        auto s = scalar(e.second, "poll");
        auto d = s ? parseDuration(*s) : std::nullopt;
        if (!d || d->count() < 100 || d->count() > 3'600'000)
          diags.error(posOf(file, e.second),
                      "poll must be a duration from 100ms to 1h, such as 5s (how late the daemon "
                      "may notice work another process changed)");
        else
          cfg.scheduler_poll = *d;
      }
    } else if (key == "privacy") {
      if (!v.IsMap()) {
        diags.error(posOf(file, v), "privacy must be a mapping (keep_event_properties)");
        continue;
      }
      for (const auto& p : v) {
        const auto pk = p.first.Scalar();
        if (pk != "keep_event_properties") {
          diags.error(posOf(file, p.first),
                      "unknown privacy setting '" + pk + "'; known: keep_event_properties");
        } else if (p.second.IsNull()) {
          cfg.keep_event_properties.clear();  // keep nothing
        } else if (!p.second.IsSequence()) {
          diags.error(posOf(file, p.second),
                      "keep_event_properties must be a list of event property names, e.g. "
                      "[amount, currency]");
        } else {
          cfg.keep_event_properties.clear();
          for (const auto& name : p.second) {
            if (auto s = scalar(name, "each keep_event_properties entry")) {
              cfg.keep_event_properties.push_back(*s);
            }
          }
        }
      }
    } else if (key == "http") {
      parseHttpSection(v, file, cfg.http, diags);
    } else if (key == "links") {
      parseLinksSection(v, file, cfg.links, diags);
    } else if (key == "bounces") {
      parseBouncesSection(v, file, cfg.bounces, diags);
    } else if (key == "delivery") {
      parseDeliverySection(v, file, cfg.delivery, diags);
    } else if (key == "plugins") {
      if (!v.IsMap()) {
        diags.error(posOf(file, v), "plugins must map plugin names to their settings");
      } else {
        cfg.plugin_settings = yamlToJson(v);
      }
    }
  }
  if (diags.errorCount() > before) return std::nullopt;
  if (cfg.database.empty()) cfg.database = cfg.state_dir / "herald.db";
  if (cfg.runtime_dir.empty()) cfg.runtime_dir = defaultRuntimeDir(cfg.state_dir);
  return cfg;
}

}  // namespace herald::config
