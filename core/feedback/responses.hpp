#pragma once
// The survey answers a report counts: one per contact per send, the latest
// (a changed answer replaces the earlier one; the events keep the history),
// with scores checked against their scale.
#include <cstdint>
#include <vector>

#include "store/store.hpp"

namespace herald::feedback {

struct KeptResponses {
  std::vector<store::SurveyResponse> responses;  // oldest first
  int64_t replaced = 0;                          // answers a later answer to the same send replaced
  int64_t invalid = 0;  // no integer score, an unknown scale, or a score off its scale
};

// "nps" scores 0..10, "csat" 1..5.
bool validScore(const store::SurveyResponse& r);

// An answer without a `send` counts on its own (nothing to replace it).
KeptResponses keptResponses(store::Store& store, const store::SurveyResponseFilter& filter);

}  // namespace herald::feedback
