#include "experiment/assignment.hpp"

#include <string>

namespace herald::experiment {

uint32_t fnv1a32(std::string_view text) {
  uint32_t hash = 0x811c9dc5u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x01000193u;
  }
  return hash;
}

double bucketOf(std::string_view seed, std::string_view id) {
  std::string joined;
  joined.reserve(seed.size() + id.size());
  joined.append(seed).append(id);
  const uint32_t inner = fnv1a32(joined);
  return static_cast<double>(fnv1a32(std::to_string(inner)) % 10000u) / 10000.0;
}

Placement place(const Split& split, double bucket) {
  if (bucket < split.holdout) return {Placement::Kind::kHoldout, -1};
  const double u = (bucket - split.holdout) / (1.0 - split.holdout);
  if (u >= split.test_share) return {Placement::Kind::kWaiting, -1};
  const double x = u / split.test_share;
  double total = 0;
  for (double w : split.weights) total += w;
  // Cumulative upper bounds; the last variant takes whatever rounding leaves
  // at the top, so every x in [0, 1) lands somewhere.
  double upper = 0;
  const int last = static_cast<int>(split.weights.size()) - 1;
  for (int i = 0; i < last; ++i) {
    upper += split.weights[static_cast<size_t>(i)] / total;
    if (x < upper) return {Placement::Kind::kVariant, i};
  }
  return {Placement::Kind::kVariant, last};
}

}  // namespace herald::experiment
