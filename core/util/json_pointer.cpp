#include "util/json_pointer.hpp"

#include "util/yaml_json.hpp"

namespace herald {
namespace {

std::vector<std::string> splitPointer(const std::string& pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  size_t start = 1;  // skip the leading '/'
  while (true) {
    size_t slash = pointer.find('/', start);
    tokens.push_back(pointer.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return tokens;
}

std::string unescapeToken(const std::string& token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

void expand(const nlohmann::json& node, const std::vector<std::string>& tokens, size_t i,
            const std::string& prefix, std::vector<std::string>& out) {
  if (i == tokens.size()) {
    out.push_back(prefix);
    return;
  }
  const std::string& token = tokens[i];
  if (token == "*") {
    if (node.is_object()) {
      for (const auto& [key, child] : node.items()) {
        expand(child, tokens, i + 1, prefix + "/" + escapeJsonPointerToken(key), out);
      }
    } else if (node.is_array()) {
      for (size_t k = 0; k < node.size(); ++k) {
        expand(node[k], tokens, i + 1, prefix + "/" + std::to_string(k), out);
      }
    }
    return;
  }
  std::string key = unescapeToken(token);
  if (node.is_object()) {
    auto it = node.find(key);
    if (it != node.end()) expand(*it, tokens, i + 1, prefix + "/" + token, out);
  } else if (node.is_array()) {
    size_t index = 0;
    try {
      index = std::stoul(key);
    } catch (const std::exception&) {
      return;
    }
    if (index < node.size()) expand(node[index], tokens, i + 1, prefix + "/" + token, out);
  }
}

}  // namespace

std::vector<std::string> expandPointerPattern(const std::string& pattern,
                                              const nlohmann::json& doc) {
  std::vector<std::string> out;
  expand(doc, splitPointer(pattern), 0, "", out);
  return out;
}

bool isJsonPointer(std::string_view pointer) {
  if (pointer.empty()) return true;
  if (pointer.front() != '/') return false;
  for (size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] != '~') continue;
    if (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) return false;
  }
  return true;
}

}  // namespace herald
