// Waits: durations and times of day in the contact's zone, on the engine's clock.
#include "engine_fixture.hpp"

namespace herald::engine::testing {
namespace {

const char* const kMorning = R"(
name: morning
trigger: {type: manual}
steps:
  - id: hello
    uses: t.echo
  - id: nine
    uses: wait
    with: {until: "09:00"}
  - id: send
    uses: t.echo
)";

TEST_F(EngineTest, AWaitUntilATimeOfDayWakesEachContactAtNineLocalTime) {
  clock_.set(isoMs("2026-03-02T07:00:00Z"));  // Paris 08:00, New York 02:00
  addContacts(2, [](int i, store::Contact& c) {
    c.timezone = i == 1 ? "Europe/Paris" : "America/New_York";
  });
  const auto wf = load(kMorning);
  auto r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kWaiting);
  EXPECT_EQ(r.journeys.waiting, 2);
  EXPECT_EQ(r.journeys.next_wake_ms, isoMs("2026-03-02T08:00:00Z"));
  EXPECT_EQ(counts(r.run.id)["nine/wait"], 2);
  EXPECT_EQ(counts(r.run.id)["send/continue"], 0);

  clock_.set(isoMs("2026-03-02T08:00:00Z"));  // 09:00 in Paris
  r = run(wf);
  EXPECT_TRUE(r.resumed);
  EXPECT_EQ(counts(r.run.id)["send/continue"], 1);
  EXPECT_EQ(r.journeys.waiting, 1);
  EXPECT_EQ(r.journeys.next_wake_ms, isoMs("2026-03-02T14:00:00Z"));

  clock_.set(isoMs("2026-03-02T14:00:00Z"));  // 09:00 in New York
  r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(counts(r.run.id)["send/continue"], 2);
  EXPECT_EQ(counts(r.run.id)["hello/continue"], 2);  // nobody went through twice
}

TEST_F(EngineTest, ADurationWaitThenGoesOn) {
  addContacts(5);
  const auto wf = load(R"(
name: later
trigger: {type: manual}
steps:
  - id: pause
    uses: wait
    with: {duration: 2d}
  - id: after
    uses: t.echo
)");
  const int64_t t0 = clock_.nowMs();
  auto r = run(wf);
  EXPECT_EQ(r.journeys.next_wake_ms, t0 + 2 * 86'400'000);
  advance(2 * 86'400'000 - 1000);
  r = run(wf);
  EXPECT_EQ(r.journeys.waiting, 5);
  advance(1000);
  r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(counts(r.run.id)["after/continue"], 5);
  // The wait step counts its journeys as woken, so reports stop showing them waiting.
  EXPECT_EQ(counts(r.run.id)["pause/wait"], 5);
  EXPECT_EQ(counts(r.run.id)["pause/waited"], 5);
}

TEST_F(EngineTest, ADryRunGoesThroughWaitsAtOnce) {
  addContacts(2);
  RunOptions dry;
  dry.dry_run = true;
  const auto r = run(load(kMorning), dry);
  EXPECT_TRUE(r.run.dry_run);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  // Passed at once: counted as gone on, never as waiting.
  EXPECT_EQ(counts(r.run.id)["nine/continue"], 2);
  EXPECT_EQ(counts(r.run.id)["nine/wait"], 0);
  EXPECT_EQ(counts(r.run.id)["send/continue"], 2);
}

}  // namespace
}  // namespace herald::engine::testing
