#pragma once
// Survey scores: Net Promoter Score and CSAT, with intervals.
#include <cstdint>

#include "stats/arm.hpp"

namespace herald::stats {

// NPS = % promoters - % detractors, in [-100, 100]. Its standard error comes from
// the multinomial variance of that difference,
//   Var(p_P - p_D) = (p_P + p_D - (p_P - p_D)^2) / n,
// and the interval is score +- z x 100 x se, clipped to [-100, 100].
struct Nps {
  bool defined = true;  // false when n = 0 (score, ci and standard_error NaN)
  int64_t n = 0;
  double score = 0;
  Interval ci;
  double standard_error = 0;  // of score, in NPS points
};

// Throws std::invalid_argument for a negative count or a confidence outside (0, 1).
Nps nps(int64_t promoters, int64_t passives, int64_t detractors, double confidence);

// The difference to.score - from.score of two independent surveys (two campaigns,
// two periods), its standard error sqrt(se_from^2 + se_to^2) and interval,
// clipped to [-200, 200]; n is the two surveys' total. Undefined when either is.
Nps npsDifference(const Nps& from, const Nps& to, double confidence);

// CSAT = % of answers that are "satisfied", with the Wilson interval in percent.
struct Csat {
  bool defined = true;  // false when n = 0
  int64_t n = 0;
  double percent = 0;
  Interval ci;
};

// Throws std::invalid_argument for satisfied outside 0..n or a confidence outside (0, 1).
Csat csat(int64_t satisfied, int64_t n, double confidence);

}  // namespace herald::stats
