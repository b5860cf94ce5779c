#pragma once
// Internal to core/plugin: the host API entry segment_match (ABI 1.1).
#include <cstdint>

#include "herald/abi.h"

namespace herald::plugin {

// Evaluates the calling step's x-segment rule at `json_pointer` for every
// contact of the batch `call` belongs to (as of its now_ms, in the
// workflow's time zone) and writes 1/0 per contact into out_match. Never
// throws; see abi.h for the statuses.
herald_status hostSegmentMatch(herald_call* call, const char* json_pointer,
                               uint8_t* out_match) noexcept;

}  // namespace herald::plugin
