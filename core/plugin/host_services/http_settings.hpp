#pragma once
// Internal to core/plugin: the `http:` block of a plugin's settings in
// herald.yaml, how the host's HTTP service (ABI 1.3 `http_request`) treats
// that plugin:
//   plugins:
//     sendgrid:
//       http: {max_in_flight: 32}
// max_in_flight: requests on the wire at once for the plugin (1-256,
// default 16); the rest wait in order. It is the ceiling of the plugin's
// pace: 429/503 answers narrow it for a while (net/aimd_pace.hpp).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace herald::plugin {

// nullopt (and no problem) when the section sets no max_in_flight;
// problems as "http/KEY: ..." lines.
std::optional<std::size_t> parseHttpSettings(const nlohmann::json& section,
                                             std::vector<std::string>& problems);

}  // namespace herald::plugin
