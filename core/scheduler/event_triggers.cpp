#include "scheduler/event_triggers.hpp"

#include "workflow/expression.hpp"

namespace herald::scheduler {

void EventTriggers::serve(const daemon::WorkflowSet& set, const std::set<std::string>& paused) {
  std::multimap<std::string, EventTarget> by_type;
  const int64_t now = s_.clock.nowMs();
  for (const auto& [name, wf] : set.by_name) {
    const workflow::Workflow& w = wf.plan->workflow();
    if (w.trigger.kind != workflow::Trigger::Kind::kEvent || w.steps.empty()) continue;
    s_.store.saveWorkflowRevision({w.name, w.revision, w.source, now});
    auto run = s_.store.findRunByTrigger(w.name, w.revision, "event");
    if (!run) run = s_.store.createRun(w.name, w.revision, "event", false, now);
    EventTarget t;
    t.workflow = w.name;
    t.run_id = run->id;
    t.first_step = w.steps.front().id;
    t.reentry = w.trigger.reentry;
    t.condition = w.trigger.condition;
    by_type.emplace(w.trigger.event_type, std::move(t));
  }
  by_type_ = std::move(by_type);
  paused_ = paused;
}

void EventTriggers::setPaused(const std::string& workflow, bool paused) {
  if (paused)
    paused_.insert(workflow);
  else
    paused_.erase(workflow);
}

nlohmann::json EventTriggers::contextOf(const store::Event& e) {
  nlohmann::json event = {
      {"type", e.type},
      {"at", formatIsoTime(e.at_ms)},
      {"at_ms", e.at_ms},
      {"properties", e.properties.is_object() ? e.properties : nlohmann::json::object()}};
  if (e.external_id) event["id"] = *e.external_id;
  return {{"event", std::move(event)}};
}

std::vector<const EventTarget*> EventTriggers::match(const std::string& type,
                                                     const store::Contact& contact,
                                                     const nlohmann::json& context) const {
  std::vector<const EventTarget*> out;
  static const nlohmann::json kNoVars = nlohmann::json::object();
  auto [first, last] = by_type_.equal_range(type);
  for (auto it = first; it != last; ++it) {
    const EventTarget& t = it->second;
    if (paused_.count(t.workflow)) continue;
    if (t.condition && !workflow::evaluate(*t.condition, contact, kNoVars, context)) continue;
    out.push_back(&t);
  }
  return out;
}

}  // namespace herald::scheduler
