#pragma once
// The writes an experiment's rule leads to: the decision of a
// test-then-winner experiment and the variants its guardrails stop. Both
// read the same Report the people see, and both are stored once (the first
// decision stands; a stop is idempotent), so a crash or a second daemon
// never makes a different one.
#include <vector>

#include "experiment/spec.hpp"
#include "store/experiments.hpp"

namespace herald::experiment {

// Decides now, by the rule (after enforcing the guardrails, so that a
// stopped variant cannot win), and stores the decision with the report's
// figures. Returns the decision as stored: an earlier one if there is one.
store::ExperimentDecision decideNow(store::ExperimentStore& store, const Spec& spec,
                                    const store::ExperimentRecord& record, int64_t now_ms);

// Stops each treatment whose guardrail is significantly worse than the
// control's; returns the stops made now.
std::vector<store::VariantStop> enforceGuardrails(store::ExperimentStore& store, const Spec& spec,
                                                  const store::ExperimentRecord& record,
                                                  int64_t now_ms);

}  // namespace herald::experiment
