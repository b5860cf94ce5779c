// The pure outcome -> journey move rules, without a store.
#include "engine/moves.hpp"

#include <gtest/gtest.h>

namespace herald::engine {
namespace {

struct Fixture {
  workflow::Workflow wf;
  Fixture() {
    workflow::Step a;
    a.id = "a";
    a.uses = "t.route";
    a.branches = {{"left", "b"}, {"right", "c"}};
    a.retry = {3, 1000};
    workflow::Step b;
    b.id = "b";
    b.uses = "t.echo";
    workflow::Step c;
    c.id = "c";
    c.uses = "t.echo";
    wf.steps = {a, b, c};
  }
  MoveContext ctx(size_t i) { return MoveContext{wf, wf.steps[i], 10'000}; }
};

store::DueJourney journey(int attempts = 0) {
  store::DueJourney j;
  j.journey_id = 7;
  j.attempts = attempts;
  j.vars = {{"keep", 1}, {"over", "old"}};
  return j;
}

TEST(Moves, ContinueGoesToNextOrEndsTheJourney) {
  Fixture f;
  plugin::Outcome o;
  o.vars = {{"over", "new"}, {"added", true}};
  auto m = moveFor(f.ctx(1), journey(), o);
  EXPECT_EQ(m.outcome, "continue");
  EXPECT_EQ(m.to_step, "c");
  EXPECT_EQ(m.status, store::JourneyStatus::kActive);
  EXPECT_EQ(m.vars, (nlohmann::json{{"keep", 1}, {"over", "new"}, {"added", true}}));
  auto last = moveFor(f.ctx(2), journey(), o);
  EXPECT_EQ(last.to_step, std::nullopt);
  EXPECT_EQ(last.status, store::JourneyStatus::kDone);
}

TEST(Moves, BranchFollowsTheMappingOrFailsWithTheKnownLabels) {
  Fixture f;
  plugin::Outcome o;
  o.kind = HERALD_OUTCOME_BRANCH;
  o.branch = "right";
  auto m = moveFor(f.ctx(0), journey(), o);
  EXPECT_EQ(m.outcome, "branch:right");
  EXPECT_EQ(m.to_step, "c");
  o.branch = "up";
  auto bad = moveFor(f.ctx(0), journey(), o);
  EXPECT_EQ(bad.outcome, "fail");
  EXPECT_EQ(bad.status, store::JourneyStatus::kFailed);
  EXPECT_EQ(bad.reason,
            "step 'a' (t.route) chose branch 'up', which the workflow does not map; known "
            "branches: left, right");
}

TEST(Moves, RetryableFailuresBackOffThenGiveUp) {
  Fixture f;
  plugin::Outcome o;
  o.kind = HERALD_OUTCOME_FAIL_RETRYABLE;
  o.reason = "busy";
  auto first = moveFor(f.ctx(0), journey(0), o);
  EXPECT_EQ(first.outcome, "retry");
  EXPECT_EQ(first.to_step, "a");
  EXPECT_EQ(first.wake_ms, 10'000 + 1000);
  EXPECT_EQ(first.attempts, 1);
  EXPECT_FALSE(first.counts_as_visit);
  auto second = moveFor(f.ctx(0), journey(1), o);
  EXPECT_EQ(second.wake_ms, 10'000 + 2000);  // doubles
  auto last = moveFor(f.ctx(0), journey(2), o);
  EXPECT_EQ(last.outcome, "fail");
  EXPECT_EQ(last.reason, "gave up after 3 attempts: busy");
  EXPECT_TRUE(last.counts_as_visit);
}

TEST(Moves, PermanentFailureAndExitAndWait) {
  Fixture f;
  plugin::Outcome o;
  o.kind = HERALD_OUTCOME_FAIL;
  o.reason = "bounced";
  auto failed = moveFor(f.ctx(1), journey(), o);
  EXPECT_EQ(failed.outcome, "fail");
  EXPECT_EQ(failed.reason, "bounced");
  o = {};
  o.kind = HERALD_OUTCOME_EXIT;
  auto exited = moveFor(f.ctx(1), journey(), o);
  EXPECT_EQ(exited.status, store::JourneyStatus::kExited);
  EXPECT_EQ(exited.to_step, std::nullopt);
  o = {};
  o.kind = HERALD_OUTCOME_WAIT;
  o.wait_until_ms = 99'000;
  auto waiting = moveFor(f.ctx(1), journey(), o);
  EXPECT_EQ(waiting.outcome, "wait");
  EXPECT_EQ(waiting.to_step, "b");
  EXPECT_EQ(waiting.status, store::JourneyStatus::kWaiting);
  EXPECT_EQ(waiting.wake_ms, 99'000);
  o.wait_until_ms = 1;  // in the past: due at once
  EXPECT_EQ(moveFor(f.ctx(1), journey(), o).status, store::JourneyStatus::kActive);
}

TEST(Moves, RetryDelayDoublesFromTheBackoff) {
  workflow::RetryPolicy p{5, 60'000};
  EXPECT_EQ(retryDelayMs(p, 1), 60'000);
  EXPECT_EQ(retryDelayMs(p, 2), 120'000);
  EXPECT_EQ(retryDelayMs(p, 3), 240'000);
}

}  // namespace
}  // namespace herald::engine
