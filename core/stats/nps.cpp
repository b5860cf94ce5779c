#include "stats/nps.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "stats/checks.hpp"
#include "stats/proportion.hpp"

namespace herald::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Interval clippedInterval(double center, double half, double bound) {
  return {std::max(-bound, center - half), std::min(bound, center + half)};
}

}  // namespace

Nps nps(int64_t promoters, int64_t passives, int64_t detractors, double confidence) {
  requireConfidence("nps", confidence);
  if (promoters < 0 || passives < 0 || detractors < 0) {
    throw std::invalid_argument(
        fmt::format("nps: counts must be >= 0 (promoters {}, passives {}, detractors {})",
                    promoters, passives, detractors));
  }
  Nps out;
  out.n = promoters + passives + detractors;
  if (out.n == 0) {
    out.defined = false;
    out.score = out.standard_error = kNaN;
    out.ci = {kNaN, kNaN};
    return out;
  }
  const double n = static_cast<double>(out.n);
  const double share_promoters = static_cast<double>(promoters) / n;
  const double share_detractors = static_cast<double>(detractors) / n;
  const double difference = share_promoters - share_detractors;
  const double variance =
      std::max(0.0, (share_promoters + share_detractors - difference * difference) / n);
  out.score = 100 * difference;
  out.standard_error = 100 * std::sqrt(variance);
  out.ci = clippedInterval(out.score, twoSidedZ(confidence) * out.standard_error, 100);
  return out;
}

Nps npsDifference(const Nps& from, const Nps& to, double confidence) {
  requireConfidence("npsDifference", confidence);
  Nps out;
  out.n = from.n + to.n;
  if (!from.defined || !to.defined) {
    out.defined = false;
    out.score = out.standard_error = kNaN;
    out.ci = {kNaN, kNaN};
    return out;
  }
  out.score = to.score - from.score;
  out.standard_error = std::hypot(from.standard_error, to.standard_error);
  out.ci = clippedInterval(out.score, twoSidedZ(confidence) * out.standard_error, 200);
  return out;
}

Csat csat(int64_t satisfied, int64_t n, double confidence) {
  const Interval share = wilsonInterval(satisfied, n, confidence);  // checks the arguments
  Csat out;
  out.n = n;
  if (n == 0) {
    out.defined = false;
    out.percent = kNaN;
    out.ci = {kNaN, kNaN};
    return out;
  }
  out.percent = 100 * static_cast<double>(satisfied) / static_cast<double>(n);
  out.ci = {100 * share.low, 100 * share.high};
  return out;
}

}  // namespace herald::stats
