#include "util/yaml_json.hpp"

#include <charconv>
#include <cstdlib>

namespace herald {
namespace {

nlohmann::json scalarToJson(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  // A quoted scalar has tag "!"; a plain one has "?" and may be typed.
  if (node.Tag() == "!") return s;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (!s.empty()) {
    const char* b = s.data();
    const char* e = s.data() + s.size();
    const char* start = (*b == '+') ? b + 1 : b;
    int64_t i = 0;
    auto [p, ec] = std::from_chars(start, e, i);
    if (ec == std::errc() && p == e) return i;
    double d = 0;
    auto [p2, ec2] = std::from_chars(start, e, d);
    if (ec2 == std::errc() && p2 == e && s.find_first_of("0123456789") != std::string::npos &&
        s != "inf" && s != "nan")
      return d;
  }
  return s;
}

nlohmann::json convert(const YAML::Node& node, const std::string& file, const std::string& ptr,
                       std::map<std::string, SourcePos>* positions) {
  if (positions) (*positions)[ptr] = positionOf(node, file);
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalarToJson(node);
    case YAML::NodeType::Sequence: {
      auto arr = nlohmann::json::array();
      size_t i = 0;
      for (const auto& item : node) {
        arr.push_back(convert(item, file, ptr + "/" + std::to_string(i), positions));
        ++i;
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      auto obj = nlohmann::json::object();
      for (const auto& kv : node) {
        const std::string key = kv.first.Scalar();
        const std::string child = ptr + "/" + escapeJsonPointerToken(key);
        obj[key] = convert(kv.second, file, child, positions);
        // Keys point at themselves with a trailing marker so "unknown key"
        // errors can point at the key rather than its value.
        if (positions) (*positions)[child + "#key"] = positionOf(kv.first, file);
      }
      return obj;
    }
    case YAML::NodeType::Undefined:
      break;
  }
  return nullptr;
}

}  // namespace

SourcePos positionOf(const YAML::Node& node, const std::string& file) {
  const auto m = node.Mark();
  if (m.line < 0) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

std::string escapeJsonPointerToken(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

nlohmann::json yamlToJson(const YAML::Node& node) { return convert(node, "", "", nullptr); }

nlohmann::json yamlToJson(const YAML::Node& node, const std::string& file,
                          std::map<std::string, SourcePos>& positions) {
  return convert(node, file, "", &positions);
}

}  // namespace herald
