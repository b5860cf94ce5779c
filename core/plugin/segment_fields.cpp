#include "plugin/segment_fields.hpp"

#include <algorithm>

#include "schema/schema.hpp"
#include "segment/parse.hpp"
#include "util/json_pointer.hpp"

namespace herald::plugin {

bool parseSegmentFields(const nlohmann::json& schema, const nlohmann::json& config,
                        const StepSetup& setup, SegmentRules& out,
                        std::vector<ConfigProblem>& problems) {
  std::vector<std::string> pointers;
  for (const auto& pattern : schema::segmentPaths(schema))
    for (auto& p : expandPointerPattern(pattern, config)) pointers.push_back(std::move(p));
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
