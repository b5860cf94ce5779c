// Durable timers: a waiting journey wakes at its stored time by the one
// timer, also after a restart in the middle of the wait.
#include "engine_fixture.hpp"
#include "scheduler_fixture.hpp"

namespace herald::scheduler::testing {
namespace {

const char* const kLater = R"(
name: later
trigger: {type: event, event: signup}
steps:
  - id: pause
    uses: wait
    with: {duration: 2s}
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "Welcome", text: "Hello {{ contact.first_name }}"}
)";

TEST_F(SchedulerTest, AWaitingJourneyWakesAtItsTime) {
  addContacts(1);
  serve({kLater});
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(ingest({event("c1", "signup")}).outcomes[0].enrolled, 1);
  runFor(1000);
  EXPECT_EQ(emails(), 0u);
  EXPECT_EQ(scheduler_->journeysWaiting(), 1);
  ASSERT_TRUE(runUntil([&] { return emails() == 1; }, 5000));
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(waited, 1.9);
  EXPECT_LT(waited, 3.5);
  EXPECT_EQ(metrics_.count(kWakeLag, {}), 1u);
  EXPECT_LT(*metrics_.value(kWakeLag, {}), 1.0);
}

TEST_F(SchedulerTest, AJourneyWaitingAcrossARestartWakesOnTimeAndDeliversOnce) {
  addContacts(1);
  serve({kLater});
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(ingest({event("c1", "signup")}).outcomes[0].enrolled, 1);
  runFor(500);
  // "Killed" during the wait: only the store remains; the clock goes on.
  const int64_t at = now_.nowMs();
  stop();
  now_.set(at);
  serve({kLater});
  ASSERT_TRUE(runUntil([&] { return emails() == 1; }, 5000));
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(waited, 1.9);
  runFor(500);
  EXPECT_EQ(emails(), 1u);
}

}  // namespace
}  // namespace herald::scheduler::testing
