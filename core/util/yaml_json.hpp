#pragma once
// YAML <-> JSON conversion that keeps where each node stood in the file.
#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "util/diagnostic.hpp"

namespace herald {

// Converts a YAML node to JSON. Plain scalars become numbers, booleans
// (true/false/yes/no as YAML 1.2 core: true/false only) or null ("~", "null",
// empty) when they read as such; quoted scalars always stay strings.
nlohmann::json yamlToJson(const YAML::Node& node);

// Same, and records the position of every node under its JSON pointer
// ("" for `node` itself, "/a/0/b" below it) into `positions`.
nlohmann::json yamlToJson(const YAML::Node& node, const std::string& file,
                          std::map<std::string, SourcePos>& positions);

// The position of a YAML node (1-based line and column).
SourcePos positionOf(const YAML::Node& node, const std::string& file);

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string escapeJsonPointerToken(const std::string& token);

}  // namespace herald
