#include "message/templated_config.hpp"

#include <algorithm>
#include <map>

#include "util/json_pointer.hpp"
#include "util/yaml_json.hpp"

namespace herald::tmpl {
namespace {

using nlohmann::json;

// "/html" -> "html", "/headers/X-Tag" -> "headers/X-Tag".
std::string labelOf(const std::string& pointer) {
  std::string out;
  for (size_t i = 1; i < pointer.size(); ++i) {
    if (pointer[i] == '~' && i + 1 < pointer.size()) {
      out += pointer[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += pointer[i];
    }
  }
  return out;
}

// Byte offset of a 1-based line and column in `text` (its end when beyond).
size_t offsetOf(std::string_view text, int line, int column) {
  size_t i = 0;
  for (int l = 1; l < line; ++l) {
    i = text.find('\n', i);
    if (i == std::string_view::npos) return text.size();
    ++i;
  }
  return std::min(text.size(), i + static_cast<size_t>(std::max(column, 1) - 1));
}

// "undefined variable x (line 3)" + "html" -> "undefined variable x in html (line 3)".
std::string withField(const std::string& error, const std::string& label) {
  const size_t at = error.rfind(" (line ");
  if (at != std::string::npos && error.back() == ')')
    return error.substr(0, at) + " in " + label + error.substr(at);
  return error + " (in " + label + ")";
}

constexpr std::string_view kMarker = "\x01herald-field-";

}  // namespace

std::optional<TemplatedConfig> TemplatedConfig::compile(const ConfigSpec& spec, const json& config,
                                                        Diagnostics& diags) {
  TemplatedConfig result;
  bool ok = true;
  json base = config;
  json locales = json::object();
  if (!spec.locales_key.empty() && base.is_object()) {
    if (auto it = base.find(spec.locales_key); it != base.end()) {
      if (it->is_object()) locales = *it;
      base.erase(it);  // the step sees the chosen parts, never the variants
    }
  }

  std::map<std::string, uint32_t> name_ids;
  auto compileOne = [&](const std::string& pointer, const std::string& text, Escape escape,
                        const std::string& label) -> std::unique_ptr<Field> {
    CompileOptions options;
    options.escape = escape;
    options.partials = spec.partials;
    options.roots = {"contact", "vars"};
    options.limits = spec.limits;
    CompileError err;
    auto tmpl = Template::compile(text, options, err);
    if (!tmpl) {
      // A place in the template (or in the partial err.path names) as a
      // place in its file.
      auto at = [&](size_t offset, int line, int column) {
        if (!err.path.empty()) return SourcePos{err.path, line, column};
        return spec.where ? spec.where(pointer, offset, line, column) : SourcePos{};
      };
      diags.error(at(err.offset, err.line, err.column),
                  spec.context + ", " + label + ": " + err.message);
      for (const auto& r : err.related) {
        const SourcePos pos = at(r.offset, r.line, r.column);
        const std::string msg = spec.context + ", " + label + ": " + r.message;
        if (r.note)
          diags.add({Severity::kNote, pos, msg});
        else
          diags.error(pos, msg);
      }
      ok = false;
      return nullptr;
    }
    auto field = std::make_unique<Field>(Field{pointer, label, std::move(*tmpl), {}});
    for (const auto& v : field->tmpl.variables()) {
      auto [it, inserted] = name_ids.emplace(v.name, static_cast<uint32_t>(result.names_.size()));
      if (inserted) result.names_.push_back(v.name);
      field->ids.push_back(it->second);
      // An output of a partial has its line and column in the partial's
      // file, which variables() does not name: such a variable (its name is
      // not at that place of this text) is placed at the template's start.
      const size_t offset = offsetOf(text, v.line, v.column);
      const std::string_view root = std::string_view(v.name).substr(0, v.name.find('.'));
      const bool here = text.compare(offset, root.size(), root) == 0;
      SourcePos pos;
      if (spec.where)
        pos = here ? spec.where(pointer, offset, v.line, v.column) : spec.where(pointer, 0, 1, 1);
      result.uses_.push_back({label, v.name, pos, v.has_default});
    }
    return field;
  };

  // The base fields.
  std::vector<std::pair<std::string, Escape>> pointers;  // concrete pointer, escape
  for (const auto& f : spec.fields) {
    for (auto& p : expandPointerPattern(f.pattern, base)) {
      if (base.at(json::json_pointer(p)).is_string()) pointers.emplace_back(std::move(p), f.escape);
    }
  }
  std::sort(pointers.begin(), pointers.end());
  pointers.erase(std::unique(pointers.begin(), pointers.end(),
                             [](const auto& a, const auto& b) { return a.first == b.first; }),
                 pointers.end());
  std::map<std::string, const Field*> base_fields;  // pointer -> field (dynamic only)
  std::map<std::string, Escape> escapes;
  for (const auto& [p, escape] : pointers) {
    escapes[p] = escape;
    const std::string& text = base.at(json::json_pointer(p)).get_ref<const std::string&>();
    auto field = compileOne(p, text, escape, labelOf(p));
    if (!field) continue;
    if (field->tmpl.isConstant()) continue;  // stays in the constant text
    base_fields[p] = field.get();
    result.storage_.push_back(std::move(field));
  }
  auto escapeOf = [&](const std::string& part_pointer) {
    if (auto it = escapes.find(part_pointer); it != escapes.end()) return it->second;
    for (const auto& f : spec.fields)
      if (f.pattern == part_pointer) return f.escape;
    return Escape::kNone;
  };

  // Each variant: the base with the parts it overrides.
  std::vector<std::pair<json, std::map<std::string, const Field*>>> variants;
  for (const auto& [tag, parts] : locales.items()) {
    if (!parts.is_object()) continue;  // validation reported it
    json cfg = base;
    std::map<std::string, const Field*> fields = base_fields;
    for (const auto& [part, text] : parts.items()) {
      if (!text.is_string()) continue;
      const std::string p = "/" + escapeJsonPointerToken(part);
      const std::string vp =
          "/" + escapeJsonPointerToken(spec.locales_key) + "/" + escapeJsonPointerToken(tag) + p;
      cfg[part] = text;
      fields.erase(p);
      auto field = compileOne(vp, text.get<std::string>(), escapeOf(p), part + " (" + tag + ")");
      if (!field) continue;
      if (field->tmpl.isConstant()) continue;
      field->pointer = p;  // where it goes in the rendered config
      fields[p] = field.get();
      result.storage_.push_back(std::move(field));
    }
    result.tags_.push_back(tag);
    variants.emplace_back(std::move(cfg), std::move(fields));
  }
  if (!ok) return std::nullopt;

  auto values = [](const std::map<std::string, const Field*>& m) {
    std::vector<const Field*> out;
    for (const auto& [p, f] : m) out.push_back(f);
    return out;
  };
  result.layouts_.resize(1 + variants.size());
  buildLayout(base, values(base_fields), result.layouts_[0]);
  for (size_t i = 0; i < variants.size(); ++i)
    buildLayout(variants[i].first, values(variants[i].second), result.layouts_[1 + i]);
  result.chooser_ = message::LocaleChooser(result.tags_, spec.default_locale);
  return result;
}

void TemplatedConfig::buildLayout(const json& config, std::vector<const Field*> fields,
                                  Layout& out) {
  json marked = config;
  for (size_t i = 0; i < fields.size(); ++i)
    marked[json::json_pointer(fields[i]->pointer)] = std::string(kMarker) + std::to_string(i);
  const std::string text = marked.dump(-1, ' ', false, json::error_handler_t::replace);
  out.constant_json = fields.empty() ? text : "";
  if (fields.empty()) return;
  // Each marker is a JSON string of its own: "\u0001herald-field-N".
  std::vector<std::pair<size_t, size_t>> found;  // position in text, field index
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string quoted = "\"\\u0001herald-field-" + std::to_string(i) + "\"";
    found.emplace_back(text.find(quoted), i);
  }
  std::sort(found.begin(), found.end());
  size_t at = 0;
  for (const auto& [pos, i] : found) {
    const std::string quoted = "\"\\u0001herald-field-" + std::to_string(i) + "\"";
    out.between.push_back(text.substr(at, pos - at));
    out.fields.push_back(fields[i]);
    at = pos + quoted.size();
  }
  out.between.push_back(text.substr(at));
}

bool TemplatedConfig::isConstant() const {
  return layouts_.size() == 1 && layouts_.front().fields.empty();
}

bool TemplatedConfig::render(const RenderContext& ctx, std::string& out, std::string& reason,
                             std::vector<uint32_t>& undefined) const {
  size_t index = 0;
  if (layouts_.size() > 1) {
    std::string_view locale;
    if (ctx.contact && ctx.contact->locale) locale = *ctx.contact->locale;
    index = static_cast<size_t>(chooser_.choose(locale) + 1);
  }
  const Layout& layout = layouts_[index];
  if (layout.fields.empty()) {
    out += layout.constant_json;
    return true;
  }
  std::string piece;
  RenderResult result;
  for (size_t i = 0; i < layout.fields.size(); ++i) {
    out += layout.between[i];
    const Field& f = *layout.fields[i];
    piece.clear();
    result.clear();
    if (!f.tmpl.render(ctx, piece, result)) {
      reason = "template: " + withField(result.error, f.label);
      return false;
    }
    for (uint32_t id : result.undefined) {
      if (id >= f.ids.size()) continue;
      const uint32_t global = f.ids[id];
      if (std::find(undefined.begin(), undefined.end(), global) == undefined.end())
        undefined.push_back(global);
    }
    appendJsonString(out, piece);
  }
  out += layout.between.back();
  return true;
}

std::vector<std::string> TemplatedConfig::fieldPointers() const {
  std::vector<std::string> out;
  for (const Field* f : layouts_.front().fields) out.push_back(f->pointer);
  return out;
}

}  // namespace herald::tmpl
