#include "workflow/model.hpp"

namespace herald::workflow {

const Step* Workflow::find(const std::string& id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

std::optional<std::string> Workflow::nextOf(const Step& step) const {
  if (step.next) return step.next;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (&steps[i] == &step || steps[i].id == step.id)
      return i + 1 < steps.size() ? std::optional<std::string>(steps[i + 1].id) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace herald::workflow
