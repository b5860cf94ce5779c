#pragma once
// Plugin isolation, the engine's side: before a plugin step gets a batch,
// the store records it (run, step, the batch's journeys as a hash, the
// contacts' id range, the plugin); the record is cleared when the batch
// comes back. A record that is still there on the next attempt means the
// process died with the batch in the plugin's hands. After
// kCrashesBeforeQuarantine such deaths the batch is not handed over again:
// it is quarantined and its journeys fail with quarantineReason().
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/records.hpp"
#include "store/store.hpp"

namespace herald::engine {

struct StepRuntime;

constexpr int kCrashesBeforeQuarantine = 2;

// The record for the journeys at `called` (indexes into `journeys`) of `rt`.
store::Handover describeHandover(int64_t run_id, const StepRuntime& rt,
                                 const std::vector<store::DueJourney>& journeys,
                                 const std::vector<size_t>& called);

// "plugin PLUGIN crashed on this batch": the failure reason of a
// quarantined batch's journeys.
std::string quarantineReason(const store::Handover& h);

// The quarantined batches of `workflow` (all workflows when empty) as the
// daemon reports them (`herald workflows show`, Scheduler::describe()'s
// "quarantined" field): [{"run", "step", "plugin", "step_type", "contacts",
// "first_contact", "last_contact", "quarantined_ms"}], newest first.
nlohmann::json quarantinedJson(store::Store& store, const std::string& workflow);

}  // namespace herald::engine
