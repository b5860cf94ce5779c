#include "plugin/host_services/http_settings.hpp"

#include <fmt/format.h>

namespace herald::plugin {

std::optional<std::size_t> parseHttpSettings(const nlohmann::json& section,
                                             std::vector<std::string>& problems) {
  auto it = section.find("http");
  if (it == section.end()) return std::nullopt;
  if (!it->is_object()) {
    problems.push_back("http: must be a map (max_in_flight)");
    return std::nullopt;
  }
  std::optional<std::size_t> out;
  for (const auto& [key, v] : it->items()) {
    if (key != "max_in_flight") {
      problems.push_back(fmt::format("http: unknown key '{}'; known keys: max_in_flight", key));
      continue;
    }
    if (v.is_number_integer() && v.get<int64_t>() >= 1 && v.get<int64_t>() <= 256)
      out = static_cast<std::size_t>(v.get<int64_t>());
    else
      problems.push_back("http/max_in_flight: must be a whole number from 1 to 256");
  }
  return out;
}

}  // namespace herald::plugin
