#pragma once
// validate's warning for an experiment too small to detect what it is
// meant to detect (its `power:`) at 80% power, with the numbers.
#include <cstdint>
#include <optional>
#include <string>

#include "experiment/spec.hpp"

namespace herald::experiment {

inline constexpr double kPower = 0.8;

// nullopt when the smallest variant of `audience` contacts is big enough,
// or the spec declares no power; else the warning's text.
std::optional<std::string> powerWarning(const Spec& spec, int64_t audience);

}  // namespace herald::experiment
