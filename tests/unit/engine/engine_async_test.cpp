// Step completion off the engine thread, and steps that break the contract.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>

#include "engine/run_plan.hpp"
#include "engine_fixture.hpp"

namespace herald::engine::testing {
namespace {

TEST_F(EngineTest, AStepCompletesFromAnotherThreadWhileTheEngineStaysFree) {
  addContacts(300);
  const auto gate = dir_ / "gate";
  const auto wf = load(R"(
name: gated
trigger: {type: manual}
settings: {batch_size: 100}
steps:
  - id: wait_for_gate
    uses: t.gate
    with: {gate_file: ")" +
                       gate.string() + R"("}
  - id: after
    uses: t.echo
)");
  Diagnostics diags;
  auto plan = RunPlan::build(wf, *registry_, diags);
  ASSERT_TRUE(plan);
  boost::asio::io_context io;
  // The gate opens from a handler on the engine's own io_context: it can
  // only run if the engine does not block while the step is out.
  boost::asio::steady_timer opener(io, std::chrono::milliseconds(50));
  bool opened = false;
  opener.async_wait([&](const boost::system::error_code&) {
    std::ofstream(gate) << "open";
    opened = true;
  });
  const auto engine_thread = std::this_thread::get_id();
  std::optional<RunResult> result;
  Engine engine(io, *store_, clock_);
  engine.start(*plan, RunOptions{}, [&](RunResult r) {
    EXPECT_TRUE(std::this_thread::get_id() == engine_thread);  // posted back
    result = std::move(r);
  });
  io.run();
  ASSERT_TRUE(result);
  EXPECT_TRUE(opened);
  EXPECT_FALSE(result->error);
  auto c = counts(result->run.id);
  EXPECT_EQ(c["wait_for_gate/continue"], 300);
  EXPECT_EQ(c["after/continue"], 300);
  EXPECT_EQ(result->journeys.done, 300);
  EXPECT_EQ(result->activity.at("wait_for_gate").batches, 3);
}

TEST_F(EngineTest, AStepThatThrowsFailsItsBatchWhichIsRetriedThenFailedAndTheRunGoesOn) {
  addContacts(4,
              [](int i, store::Contact& c) { c.attributes["route"] = i <= 2 ? "left" : "right"; });
  const auto wf = load(R"(
name: throws
trigger: {type: manual}
steps:
  - id: pick
    uses: condition
    with: {if: "attributes.route == 'left'"}
    branches: {then: boom, else: fine}
  - id: boom
    uses: t.broken
    with: {mode: throw}
    retry: {max_attempts: 2, backoff: 1m}
    next: end
  - id: fine
    uses: t.echo
    next: end
  - id: end
    uses: exit
)");
  auto r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kWaiting);  // the retry is a minute away
  EXPECT_EQ(r.activity.at("boom").batch_failures, 1);
  EXPECT_EQ(counts(r.run.id)["boom/retry"], 2);
  EXPECT_EQ(counts(r.run.id)["end/exit"], 2);  // the other branch went on
  advance(60'000);
  r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  auto c = counts(r.run.id);
  EXPECT_EQ(c["boom/fail"], 2);
  const auto f = failures(r.run.id);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_NE(f[0].reason.find("gave up after 2 attempts: step 'boom' failed the whole batch: "),
            std::string::npos)
      << f[0].reason;
  EXPECT_NE(f[0].reason.find("the provider SDK blew up"), std::string::npos) << f[0].reason;
}

TEST_F(EngineTest, AStepThatNeverCompletesFailsItsBatchAtTheDeadline) {
  addContacts(3);
  const auto wf = load(R"(
name: hangs
trigger: {type: manual}
steps:
  - id: stuck
    uses: t.broken
    with: {mode: never}
    retry: {max_attempts: 1}
  - id: after
    uses: t.echo
)");
  RunOptions o;
  o.step_deadline = std::chrono::milliseconds(100);
  const auto start = std::chrono::steady_clock::now();
  auto r = run(wf, o);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(counts(r.run.id)["stuck/fail"], 3);
  const auto f = failures(r.run.id);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_NE(f[0].reason.find("did not complete the batch within the step_deadline of 100 ms"), std::string::npos)
      << f[0].reason;
}

TEST_F(EngineTest, AStepThatFailsItsBatchOnPurposeIsRetriedPerPolicy) {
  addContacts(2);
  const auto wf = load(R"(
name: unavailable
trigger: {type: manual}
steps:
  - id: down
    uses: t.broken
    with: {mode: fail}
    retry: {max_attempts: 3, backoff: 10s}
)");
  auto r = run(wf);
  EXPECT_EQ(r.journeys.active, 2);  // due again in 10 s
  EXPECT_EQ(r.journeys.next_wake_ms, clock_.nowMs() + 10'000);
  advance(10'000);
  r = run(wf);
  EXPECT_EQ(r.journeys.next_wake_ms, clock_.nowMs() + 20'000);  // doubled
  advance(20'000);
  r = run(wf);
  EXPECT_EQ(r.run.status, store::RunStatus::kDone);
  EXPECT_EQ(r.journeys.failed, 2);
  auto c = counts(r.run.id);
  EXPECT_EQ(c["down/retry"], 4);
  EXPECT_EQ(c["down/fail"], 2);
  EXPECT_NE(failures(r.run.id)[0].reason.find("provider unavailable"), std::string::npos);
}

}  // namespace
}  // namespace herald::engine::testing
