#pragma once
// Event triggers: which served workflows an event enrols its contact into
// (the event type, then the trigger's condition over `event` and the
// contact), and the long-lived run per revision their journeys join.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon/workflow_set.hpp"
#include "scheduler/services.hpp"

namespace herald::scheduler {

struct EventTarget {
  std::string workflow;
  int64_t run_id = 0;
  std::string first_step;
  store::Reentry reentry;
  std::shared_ptr<const workflow::Expr> condition;  // null: every event of the type
};

class EventTriggers {
 public:
  explicit EventTriggers(Services services) : s_(services) {}

  // Finds or creates the event run of each event-triggered workflow's
  // revision. Throws store::StoreError.
  void serve(const daemon::WorkflowSet& set, const std::set<std::string>& paused);
  void setPaused(const std::string& workflow, bool paused);

  // The journey context of an event: {"event": {type, at, at_ms, id, properties}}.
  static nlohmann::json contextOf(const store::Event& e);
  // The targets whose type and condition match (contact and event context).
  std::vector<const EventTarget*> match(const std::string& type, const store::Contact& contact,
                                        const nlohmann::json& context) const;

 private:
  Services s_;
  std::multimap<std::string, EventTarget> by_type_;
  std::set<std::string> paused_;
};

}  // namespace herald::scheduler
