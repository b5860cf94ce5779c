#include "engine/handover.hpp"

#include <algorithm>

#include "engine/run_plan.hpp"
#include "workflow/loader.hpp"

namespace herald::engine {

store::Handover describeHandover(int64_t run_id, const StepRuntime& rt,
                                 const std::vector<store::DueJourney>& journeys,
                                 const std::vector<size_t>& called) {
  store::Handover h;
  h.run_id = run_id;
  h.step_id = rt.step->id;
  h.plugin = rt.type->plugin;
  h.step_type = rt.type->name;
  std::vector<int64_t> ids;
  ids.reserve(called.size());
  h.first_contact = called.empty() ? 0 : journeys[called.front()].contact.id;
  h.last_contact = h.first_contact;
  for (size_t i : called) {
    ids.push_back(journeys[i].journey_id);
    h.first_contact = std::min(h.first_contact, journeys[i].contact.id);
    h.last_contact = std::max(h.last_contact, journeys[i].contact.id);
  }
  h.contacts = static_cast<int64_t>(called.size());
  // The same journeys make the same batch whatever order the store returns
  // them in after a restart.
  std::sort(ids.begin(), ids.end());
  std::string text;
  for (int64_t id : ids) text += std::to_string(id) + ",";
  h.batch_hash = workflow::sha256Hex(text).substr(0, 16);
  return h;
}

std::string quarantineReason(const store::Handover& h) {
  return "plugin " + h.plugin + " crashed on this batch";
}

nlohmann::json quarantinedJson(store::Store& store, const std::string& workflow) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : store.quarantinedBatches(workflow)) {
    out.push_back({{"workflow", h.workflow},
                   {"run", h.run_id},
                   {"step", h.step_id},
                   {"plugin", h.plugin},
                   {"step_type", h.step_type},
                   {"contacts", h.contacts},
                   {"first_contact", h.first_contact},
                   {"last_contact", h.last_contact},
                   {"quarantined_ms", h.quarantined_ms.value_or(0)}});
  }
  return out;
}

}  // namespace herald::engine
