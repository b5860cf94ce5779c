#pragma once
// Argument checks shared by the statistics functions, and the normal critical
// value. A failed check is a programming error (the workflow validator keeps
// users' numbers in range), so it throws std::invalid_argument naming the
// function, the argument and the value.
#include <cstdint>

#include "stats/arm.hpp"

namespace herald::stats {

// confidence in (0, 1); `where` names the calling function in the message.
void requireConfidence(const char* where, double confidence);
// alpha in (0, 1).
void requireAlpha(const char* where, double alpha);
// n >= 0 and 0 <= conversions <= n (sum and sum_sq both hold the conversions).
void requireConversionArm(const char* where, const char* which, const Arm& arm);
// n >= 0, sum_sq >= 0, all finite.
void requireValueArm(const char* where, const char* which, const Arm& arm);

// z such that P(|Z| <= z) = confidence for a standard normal Z.
double twoSidedZ(double confidence);

}  // namespace herald::stats
