// Schedule triggers under a clock set just before the cron time: firing,
// occurrences (a later firing reaches the same contact again), no double
// firing across a restart, and catch_up after downtime.
#include "engine_fixture.hpp"
#include "scheduler_fixture.hpp"

namespace herald::scheduler::testing {
namespace {

using engine::testing::isoMs;

std::string daily(const std::string& catch_up, const std::string& extra = "") {
  return R"(
name: digest
trigger: {type: schedule, cron: "0 9 * * *", timezone: UTC, catch_up: )" +
         catch_up + extra + R"(}
steps:
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "Digest for {{ contact.first_name }}", text: "News"}
)";
}

TEST_F(SchedulerTest, AScheduleFiresAtItsCronTimeAndEachFiringReachesTheContactsAgain) {
  addContacts(3);
  now_.set(isoMs("2026-03-02T08:59:59Z"));
  serve({daily("once")});
  EXPECT_EQ(emails(), 0u);  // served a second before 09:00: nothing yet
  ASSERT_TRUE(runUntil([&] { return emails() == 3; }, 5000));
  const auto desc = scheduler_->describe("digest");
  EXPECT_EQ(desc["last_firing"], "2026-03-02T09:00:00Z");
  EXPECT_EQ(desc["next_firing"], "2026-03-03T09:00:00Z");
  EXPECT_EQ(metrics_.value(kFirings, {{"workflow", "digest"}, {"outcome", "fired"}}), 1);

  // The next day's firing is a new occurrence: everyone gets a second digest.
  now_.set(isoMs("2026-03-03T08:59:59Z") + 500);
  serve({daily("once")});
  ASSERT_TRUE(runUntil([&] { return emails() == 6; }, 5000));
  runFor(300);
  EXPECT_EQ(emails(), 6u);
  EXPECT_EQ(store_->ledgerCount("digest"), 6);
}

TEST_F(SchedulerTest, ARestartDoesNotFireTheSameFiringTwice) {
  addContacts(2);
  now_.set(isoMs("2026-03-02T08:59:59Z") + 500);
  serve({daily("all")});
  ASSERT_TRUE(runUntil([&] { return emails() == 2; }, 5000));
  const int64_t runs = runCount();
  // Restarted a moment later (the same minute): the 09:00 firing is stored
  // as claimed, so nothing fires again.
  now_.set(isoMs("2026-03-02T09:00:20Z"));
  serve({daily("all")});
  runFor(500);
  EXPECT_EQ(runCount(), runs);
  EXPECT_EQ(emails(), 2u);
}

TEST_F(SchedulerTest, CatchUpOnceFiresOnceAfterDowntime) {
  addContacts(2);
  now_.set(isoMs("2026-03-02T08:00:00Z"));
  serve({daily("once")});  // first served: starts counting from now
  stop();
  now_.set(isoMs("2026-03-05T12:00:00Z"));  // down through four firings (2 to 5 March)
  serve({daily("once")});
  ASSERT_TRUE(runUntil([&] { return emails() == 2; }, 5000));
  runFor(300);
  EXPECT_EQ(emails(), 2u);
  EXPECT_EQ(runCount(), 1);
  EXPECT_EQ(scheduler_->describe("digest")["last_firing"], "2026-03-05T09:00:00Z");
}

TEST_F(SchedulerTest, CatchUpAllFiresEveryMissedFiring) {
  addContacts(2);
  now_.set(isoMs("2026-03-02T08:00:00Z"));
  serve({daily("all")});
  stop();
  now_.set(isoMs("2026-03-05T12:00:00Z"));
  serve({daily("all")});
  // Four firings (2 to 5 March), each a new occurrence for both contacts.
  ASSERT_TRUE(runUntil([&] { return emails() == 8; }, 5000));
  EXPECT_EQ(runCount(), 4);
}

TEST_F(SchedulerTest, CatchUpSkipFiresNothingMissedButTheNextOneOnTime) {
  addContacts(2);
  now_.set(isoMs("2026-03-02T08:00:00Z"));
  serve({daily("skip")});
  stop();
  now_.set(isoMs("2026-03-05T08:59:59Z") + 500);
  serve({daily("skip")});
  runFor(200);
  EXPECT_EQ(emails(), 0u);  // 2, 3 and 4 March are skipped
  EXPECT_EQ(metrics_.value(kFirings, {{"workflow", "digest"}, {"outcome", "skipped"}}), 1);
  ASSERT_TRUE(runUntil([&] { return emails() == 2; }, 5000));  // 5 March, on time
}

TEST_F(SchedulerTest, ReentryOnceLetsEachContactInOnlyOnTheFirstFiring) {
  addContacts(2);
  now_.set(isoMs("2026-03-02T08:00:00Z"));
  serve({daily("all", ", reentry: once")});
  stop();
  now_.set(isoMs("2026-03-04T12:00:00Z"));
  serve({daily("all", ", reentry: once")});
  ASSERT_TRUE(runUntil([&] { return emails() == 2; }, 5000));
  runFor(300);
  EXPECT_EQ(emails(), 2u);  // the later firings enrolled nobody
  EXPECT_EQ(runCount(), 3);
}

TEST_F(SchedulerTest, APausedScheduleRecordsItsFiringsWithoutEnrolling) {
  addContacts(1);
  now_.set(isoMs("2026-03-02T08:59:59Z") + 500);
  serve({daily("once")});
  ASSERT_TRUE(scheduler_->setPaused("digest", true));
  EXPECT_FALSE(scheduler_->setPaused("nope", true));
  runFor(1500);
  EXPECT_EQ(emails(), 0u);
  EXPECT_EQ(scheduler_->describe("digest")["paused"], true);
  // Paused is stored: it survives a restart.
  serve({daily("once")});
  EXPECT_EQ(scheduler_->describe("digest")["paused"], true);
}

}  // namespace
}  // namespace herald::scheduler::testing
