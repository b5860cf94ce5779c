#include "settings.hpp"

#include <herald/sdk.hpp>

namespace herald::outbox {

Settings readSettings(const nlohmann::json& settings) {
  Settings result;
  std::filesystem::path state_dir;
  if (const auto it = settings.find("state_dir"); it != settings.end() && it->is_string()) {
    state_dir = it->get<std::string>();
  }
  if (const auto it = settings.find("dir"); it != settings.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      throw ConfigError("", "plugins.outbox.dir in the daemon config must be a directory path");
    }
    // Relative to the working directory, like every relative path in
    // herald.yaml (the host hands plugin settings over verbatim).
    std::error_code ec;
    result.dir = std::filesystem::absolute(it->get<std::string>(), ec);
    if (ec) result.dir = it->get<std::string>();
  } else {
    if (state_dir.empty()) {
      throw ConfigError("",
                        "the host gave the outbox no state_dir and plugins.outbox.dir is not set");
    }
    result.dir = state_dir / "outbox";
  }
  if (const auto it = settings.find("fsync"); it != settings.end()) {
    if (!it->is_boolean()) {
      throw ConfigError("", "plugins.outbox.fsync in the daemon config must be true or false");
    }
    result.fsync = it->get<bool>();
  }
  result.dir = result.dir.lexically_normal();
  return result;
}

}  // namespace herald::outbox
