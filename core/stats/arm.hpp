#pragma once
// What every statistic of an experiment starts from: one arm's counts.
#include <cstdint>

namespace herald::stats {

struct Interval {
  double low = 0, high = 0;
};

// One arm of an experiment, for both goal kinds: n recipients; the sum of the
// per-recipient values and the sum of their squares. A conversion goal has values
// 0/1, so sum == sum_sq == conversions.
struct Arm {
  int64_t n = 0;
  double sum = 0;
  double sum_sq = 0;
};

}  // namespace herald::stats
