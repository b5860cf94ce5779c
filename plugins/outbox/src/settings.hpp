#pragma once
// Where the outbox writes, from the plugin's settings in herald.yaml:
//   plugins:
//     outbox:
//       dir: /var/lib/herald/outbox   # default: <state_dir>/outbox; relative
//                                     # paths are relative to the working
//                                     # directory, as everywhere in herald.yaml
//       fsync: true                   # default: true
#include <filesystem>
#include <nlohmann/json.hpp>

namespace herald::outbox {

struct Settings {
  std::filesystem::path dir;  // absolute
  bool fsync = true;
};

// Throws herald::ConfigError naming the offending setting.
Settings readSettings(const nlohmann::json& settings);

}  // namespace herald::outbox
