#pragma once
// Sticky assignment of contacts to the variants of an experiment.
//
// How a contact is placed (docs/workflows.md, "How contacts are assigned"):
//  1. Its bucket, a number in [0, 1) with four decimals, is GrowthBook's
//     hash version 2 of (experiment key, contact id in decimal):
//       bucket = fnv1a32(decimal(fnv1a32(key + id))) % 10000 / 10000
//     FNV-1a 32-bit is defined over the bytes of the text. The same key and
//     id give the same bucket on every run and every machine; hashing twice
//     spreads ids that differ in one digit (1, 2, 3 ...) evenly.
//  2. The first `holdout` share of the range is the holdout (nothing sent).
//  3. The rest is rescaled to u in [0, 1). With a test share below 1 (test
//     then winner) u >= test_share waits for the winner; otherwise
//     u / test_share falls into one variant's range, the ranges being the
//     weights' cumulative shares in declaration order (variant 0, control,
//     first).
// The placement is computed once and stored (store::ExperimentStore::assign);
// a stored assignment is never recomputed, so a new revision that adds a
// variant or changes the weights moves only contacts not yet assigned.
#include <cstdint>
#include <string_view>
#include <vector>

namespace herald::experiment {

// FNV-1a, 32 bits, of the bytes of `text`.
uint32_t fnv1a32(std::string_view text);

// GrowthBook's hash version 2 (see above): a bucket in [0, 1), multiple of 1e-4.
double bucketOf(std::string_view seed, std::string_view id);

struct Split {
  double holdout = 0;           // share of everybody held out, in [0, 1)
  double test_share = 1;        // share of the rest tested now, in (0, 1]; the rest waits
  std::vector<double> weights;  // per variant, any positive scale; variant 0 is control
};

struct Placement {
  enum class Kind { kHoldout, kVariant, kWaiting };
  Kind kind = Kind::kVariant;
  int variant = -1;  // kVariant only: index into Split::weights
};

// Where a contact with `bucket` (bucketOf) lands. `split.weights` must hold
// at least one positive weight.
Placement place(const Split& split, double bucket);

}  // namespace herald::experiment
