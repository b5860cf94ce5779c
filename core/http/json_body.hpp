#pragma once
// Reads a request body as JSON, refusing what the API never accepts before a
// tree is built: not JSON, nested deeper than kMaxJsonNesting
// (util/json_nesting.hpp, the one limit shared with the importers).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace herald::http {

struct JsonBody {
  std::optional<nlohmann::json> value;
  std::string error;  // why not, when !value: "not valid JSON at byte 12: ..."
};

JsonBody parseJsonBody(std::string_view body);

}  // namespace herald::http
