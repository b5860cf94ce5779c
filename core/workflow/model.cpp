#include "workflow/model.hpp"

namespace herald::workflow {

SourcePos configPosition(const Step& step, std::string pointer) {
  while (true) {
    auto it = step.config_positions.find(pointer);
    if (it != step.config_positions.end()) return it->second;
    if (pointer.empty()) return step.with_pos;
    const size_t slash = pointer.rfind('/');
    pointer = slash == std::string::npos ? "" : pointer.substr(0, slash);
  }
}

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

namespace herald::workflow {

const char* toString(Trigger::Kind kind) {
  switch (kind) {
    case Trigger::Kind::kManual:
      return "manual";
    case Trigger::Kind::kSchedule:
      return "schedule";
    case Trigger::Kind::kEvent:
      return "event";
    case Trigger::Kind::kApi:
      return "api";
  }
  return "manual";
}

const char* toString(Trigger::CatchUp catch_up) {
  switch (catch_up) {
    case Trigger::CatchUp::kSkip:
      return "skip";
    case Trigger::CatchUp::kOnce:
      return "once";
    case Trigger::CatchUp::kAll:
      return "all";
  }
  return "once";
}

}  // namespace herald::workflow
