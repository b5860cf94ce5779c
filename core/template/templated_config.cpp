#include "template/templated_config.hpp"

#include <algorithm>

#include "util/yaml_json.hpp"

namespace herald::tmpl {
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
    if (node.is_string()) out.push_back(prefix);
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

// Where a problem at `offset` of a template sits, relative to the field: the
// line within the template when it spans several lines.
std::string whereInTemplate(const std::string& text, size_t offset) {
  if (text.find('\n') == std::string::npos) return "";
  size_t line =
      1 + static_cast<size_t>(std::count(
              text.begin(),
              text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size())), '\n'));
  return " (line " + std::to_string(line) + " of the template)";
}

std::string excerpt(const std::string& text, size_t offset) {
  size_t start = offset;
  size_t end = std::min(text.size(), offset + 30);
  std::string s = text.substr(start, end - start);
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  if (end < text.size() && s.size() == 30) s += "...";
  return s;
}

}  // namespace

std::vector<std::string> expandPointerPattern(const std::string& pattern,
                                              const nlohmann::json& config) {
  std::vector<std::string> out;
  expand(config, splitPointer(pattern), 0, "", out);
  return out;
}

std::optional<TemplatedConfig> TemplatedConfig::compile(
    const std::vector<std::string>& templated_paths, const nlohmann::json& config,
    const std::map<std::string, SourcePos>& positions, const SourcePos& fallback,
    const std::string& context, Diagnostics& diags) {
  TemplatedConfig result;
  result.config_ = config;
  result.constant_json_ = config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  bool ok = true;
  std::vector<std::string> pointers;
  for (const auto& pattern : templated_paths) {
    for (auto& p : expandPointerPattern(pattern, config)) pointers.push_back(std::move(p));
  }
  std::sort(pointers.begin(), pointers.end());
  pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
  for (const auto& p : pointers) {
    nlohmann::json::json_pointer ptr(p);
    const std::string& text = config.at(ptr).get_ref<const std::string&>();
    CompileError err;
    auto tmpl = Template::compile(text, err);
    if (!tmpl) {
      auto pos_it = positions.find(p);
      SourcePos pos = pos_it != positions.end() ? pos_it->second : fallback;
      diags.error(pos, "template error in " + context + " at '" + p + "'" +
                           whereInTemplate(text, err.offset) + ": " + err.message + " (near '" +
                           excerpt(text, err.offset) + "')");
      ok = false;
      continue;
    }
    if (tmpl->isConstant()) continue;  // rendered once: stays in constant_json_
    result.fields_.push_back(Field{std::move(ptr), text, std::move(*tmpl)});
  }
  if (!ok) return std::nullopt;
  return result;
}

std::string TemplatedConfig::render(const RenderContext& ctx) const {
  if (fields_.empty()) return constant_json_;
  nlohmann::json rendered = config_;
  for (const auto& f : fields_) rendered[f.pointer] = f.tmpl.render(ctx);
  // A contact's invalid UTF-8 becomes U+FFFD rather than an exception.
  return rendered.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> TemplatedConfig::fieldPointers() const {
  std::vector<std::string> out;
  for (const auto& f : fields_) out.push_back(f.pointer.to_string());
  return out;
}

}  // namespace herald::tmpl
