#include "schema/schema.hpp"

namespace herald::schema {
namespace {

// Where a problem stands in the file: the key itself for problems with a
// key, else the value, falling back to the nearest parent with a place.
SourcePos placeOf(const config_schema::Problem& p,
                  const std::map<std::string, SourcePos>& positions, const SourcePos& fallback) {
  if (p.at_key) {
    if (auto it = positions.find(p.pointer + "#key"); it != positions.end()) return it->second;
  }
  std::string ptr = p.pointer;
  while (true) {
    if (auto it = positions.find(ptr); it != positions.end()) return it->second;
    if (ptr.empty()) return fallback;
    ptr = ptr.substr(0, ptr.rfind('/'));
  }
}

}  // namespace

void validate(const nlohmann::json& schema, const nlohmann::json& value,
              const std::map<std::string, SourcePos>& positions, const SourcePos& fallback,
              const std::string& context, Diagnostics& diags) {
  for (auto& p : config_schema::validate(schema, value, context))
    diags.error(placeOf(p, positions, fallback), std::move(p.message));
}

}  // namespace herald::schema
