// Assignments are stored once and never recomputed: a new revision that
// adds a variant places new contacts by the new split, and nobody already
// assigned moves (issue 14).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "experiment/assignment.hpp"
#include "store/experiments.hpp"
#include "store_fixture.hpp"

namespace herald::experiment {
namespace {

using store::ExperimentAssignment;
using store::ExperimentPhase;

const std::vector<std::string> kNames{"control", "b", "c", "d"};

std::vector<ExperimentAssignment> wantedFor(const Split& split, int64_t first, int64_t last) {
  std::vector<ExperimentAssignment> out;
  for (int64_t id = first; id <= last; ++id) {
    const Placement p = place(split, bucketOf("subject-test", std::to_string(id)));
    ExperimentAssignment a;
    a.contact_id = id;
    a.variant = kNames.at(static_cast<size_t>(p.variant));
    a.assigned_ms = a.exposed_ms = 1000 + id;
    a.run_id = 1;
    out.push_back(a);
  }
  return out;
}

using StickyAssignmentTest = store::testing::StoreTest;

TEST_F(StickyAssignmentTest, AddingAVariantMovesNobodyAlreadyAssigned) {
  const Split three{0, 1, {50, 30, 20}};
  const Split four{0, 1, {40, 20, 20, 20}};
  auto& exp = store_->experiments();
  const auto first = exp.assign("subject-test", wantedFor(three, 1, 2000));

  // The next revision adds variant "d": contacts 1..2000 come again with
  // the new split (a rerun), 2001..4000 are new.
  reopen();
  const auto wanted = wantedFor(four, 1, 4000);
  const auto stored = store_->experiments().assign("subject-test", wanted);
  ASSERT_EQ(stored.size(), 4000u);
  int would_move = 0;
  for (size_t i = 0; i < 2000; ++i) {
    EXPECT_EQ(stored[i].variant, first[i].variant) << "contact " << stored[i].contact_id;
    EXPECT_EQ(stored[i].assigned_ms, first[i].assigned_ms);
    if (wanted[i].variant != first[i].variant) ++would_move;
  }
  // Without the stored rows a good share would have moved.
  EXPECT_GT(would_move, 200);
  int in_d = 0;
  for (size_t i = 2000; i < 4000; ++i) {
    EXPECT_EQ(stored[i].variant, wanted[i].variant);
    if (stored[i].variant == "d") ++in_d;
  }
  EXPECT_GT(in_d, 300);  // about 20% of 2000
  EXPECT_LT(in_d, 500);
  EXPECT_EQ(store_->experiments().assignments("subject-test").size(), 4000u);
}

}  // namespace
}  // namespace herald::experiment
