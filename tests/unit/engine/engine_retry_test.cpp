// Per-contact retryable failures: backoff on the engine's clock, then give up.
#include "engine_fixture.hpp"

namespace herald::engine::testing {
namespace {

const char* const kFlaky = R"(
name: flaky
trigger: {type: manual}
steps:
  - id: call
    uses: t.flaky
    with: {failures: 2}
    retry: {max_attempts: 3, backoff: 10m}
  - id: after
    uses: t.echo
)";

TEST_F(EngineTest, ARetryableFailureIsRetriedAfterTheBackoffAndOnlyThatJourneyWaits) {
  addContacts(3, [](int i, store::Contact& c) { c.attributes["flaky"] = i == 2; });
  const auto wf = load(kFlaky);
  const int64_t t0 = clock_.nowMs();
  auto r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kWaiting);
  EXPECT_EQ(r.journeys.done, 2);
  EXPECT_EQ(r.journeys.active, 1);
  EXPECT_EQ(r.journeys.next_wake_ms, t0 + 10 * 60'000);

  advance(10 * 60'000 - 1);  // not due yet: nothing happens
  r = run(wf);
  EXPECT_EQ(counts(r.run.id)["call/retry"], 1);

  advance(1);
  r = run(wf);
  EXPECT_EQ(counts(r.run.id)["call/retry"], 2);
  EXPECT_EQ(r.journeys.next_wake_ms, clock_.nowMs() + 20 * 60'000);

  advance(20 * 60'000);
  r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  auto c = counts(r.run.id);
  EXPECT_EQ(c["call/continue"], 3);  // entered once each: retries are not visits
  EXPECT_EQ(c["call/retry"], 2);
  EXPECT_EQ(c["after/continue"], 3);
  EXPECT_TRUE(failures(r.run.id).empty());
}

TEST_F(EngineTest, AJourneyFailsWithTheReasonOnceAttemptsAreUsedUp) {
  addContacts(1, [](int, store::Contact& c) { c.attributes["flaky"] = true; });
  const auto wf = load(R"(
name: flaky
trigger: {type: manual}
steps:
  - id: call
    uses: t.flaky
    with: {failures: 5}
    retry: {max_attempts: 2, backoff: 1m}
)");
  run(wf);
  advance(60'000);
  auto r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(r.journeys.failed, 1);
  const auto f = failures(r.run.id);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].step_id, "call");
  EXPECT_EQ(f[0].reason, "gave up after 2 attempts: provider busy (call 2)");
}

}  // namespace
}  // namespace herald::engine::testing
