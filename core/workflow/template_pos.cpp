#include "workflow/template_pos.hpp"

#include "workflow/scalar_pos.hpp"

namespace herald::workflow {

SourcePos templatePosition(const Workflow& wf, const Step& step, const std::string& pointer,
                           size_t offset, int line, int column) {
  auto pos = step.config_positions.find(pointer);
  auto src = step.template_sources.find(pointer);
  if (src != step.template_sources.end() && !src->second.yaml)
    return {src->second.path, line, column};
  if (pos == step.config_positions.end()) return step.with_pos;  // a default of the step type
  if (src != step.template_sources.end())
    return positionInScalar(*src->second.yaml, pos->second, offset);
  return positionInScalar(wf.source, pos->second, offset);
}

}  // namespace herald::workflow
