#include "plugin/segment_fields.hpp"

#include <algorithm>

#include "schema/schema.hpp"
#include "segment/parse.hpp"
#include "util/yaml_json.hpp"

namespace herald::plugin {
namespace {

std::vector<std::string> splitPointer(const std::string& pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  size_t start = 1;  // skip the leading '/'
  while (true) {
    const size_t slash = pointer.find('/', start);
    tokens.push_back(pointer.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return tokens;
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
      for (const auto& [key, child] : node.items())
        expand(child, tokens, i + 1, prefix + "/" + escapeJsonPointerToken(key), out);
    } else if (node.is_array()) {
      for (size_t k = 0; k < node.size(); ++k)
        expand(node[k], tokens, i + 1, prefix + "/" + std::to_string(k), out);
    }
    return;
  }
  // Schema property names are escaped the same way as config keys.
  const nlohmann::json::json_pointer ptr("/" + token);
  if (node.is_object() && node.contains(ptr))
    expand(node.at(ptr), tokens, i + 1, prefix + "/" + token, out);
}

}  // namespace

std::vector<std::string> expandSegmentPattern(const std::string& pattern,
                                              const nlohmann::json& config) {
  std::vector<std::string> out;
  expand(config, splitPointer(pattern), 0, "", out);
  return out;
}

bool parseSegmentFields(const nlohmann::json& schema, const nlohmann::json& config,
                        const StepSetup& setup, SegmentRules& out,
                        std::vector<ConfigProblem>& problems) {
  std::vector<std::string> pointers;
  for (const auto& pattern : schema::segmentPaths(schema))
    for (auto& p : expandSegmentPattern(pattern, config)) pointers.push_back(std::move(p));
  std::sort(pointers.begin(), pointers.end());
  pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());

  static const segment::Positions kNoPositions;
  const segment::Positions& positions = setup.positions ? *setup.positions : kNoPositions;
  bool ok = true;
  for (const auto& p : pointers) {
    Diagnostics diags;
    segment::RulePtr rule = segment::parseRule(config, p, positions, setup.segments.get(), diags);
    for (const auto& d : diags.items()) {
      if (d.severity != Severity::kError) continue;
      ConfigProblem problem{p, d.message, std::nullopt};
      if (!d.pos.file.empty() || d.pos.line > 0) problem.pos = d.pos;
      problems.push_back(std::move(problem));
    }
    if (!rule || diags.hasErrors()) {
      if (!diags.hasErrors())
        problems.push_back({p, "this segment rule could not be read", std::nullopt});
      ok = false;
      continue;
    }
    out[p] = std::move(rule);
  }
  return ok;
}

}  // namespace herald::plugin
