#pragma once
// Internal to core/plugin: the host API entry recommend (ABI 1.2).
#include <cstdint>

#include "herald/abi.h"

namespace herald::plugin {

// The most products per contact a step may ask host->recommend() for.
inline constexpr uint32_t kMaxRecommendations = 50;

// Answers host->recommend() for the batch `call` belongs to from its run's
// Recommender (RunServices): a malloc'd JSON array, one array of up to
// `count` products per contact, in batch order. Never throws; see abi.h for
// the statuses.
herald_status hostRecommend(herald_call* call, uint32_t count, char** out_json) noexcept;

}  // namespace herald::plugin
