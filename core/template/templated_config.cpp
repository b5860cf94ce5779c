#include "template/templated_config.hpp"

#include <algorithm>

#include "util/json_pointer.hpp"

namespace herald::tmpl {
namespace {

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
    for (auto& p : expandPointerPattern(pattern, config)) {
      if (config.at(nlohmann::json::json_pointer(p)).is_string()) pointers.push_back(std::move(p));
    }
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
