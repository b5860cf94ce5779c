// dueFirings: which firings a schedule owes after downtime, per catch_up.
#include "scheduler/firings.hpp"

#include <gtest/gtest.h>

#include "engine_fixture.hpp"

namespace herald::scheduler {
namespace {

using engine::testing::isoMs;
using CatchUp = workflow::Trigger::CatchUp;

workflow::CronSchedule daily9() { return *workflow::CronSchedule::parse("0 9 * * *"); }

TEST(DueFirings, NothingBeforeTheNextFiring) {
  EXPECT_TRUE(dueFirings(daily9(), "", isoMs("2026-03-02T09:00:00Z"), isoMs("2026-03-03T08:59:59Z"),
                         CatchUp::kOnce)
                  .empty());
}

TEST(DueFirings, AnOnTimeFiringFiresUnderEveryPolicy) {
  for (auto policy : {CatchUp::kSkip, CatchUp::kOnce, CatchUp::kAll}) {
    auto due = dueFirings(daily9(), "", isoMs("2026-03-02T09:00:00Z"),
                          isoMs("2026-03-03T09:00:00Z") + 500, policy);
    ASSERT_EQ(due.size(), 1u) << toString(policy);
    EXPECT_EQ(due[0].fire_ms, isoMs("2026-03-03T09:00:00Z"));
    EXPECT_TRUE(due[0].enroll) << toString(policy);
  }
}

TEST(DueFirings, ThreeMissedDaysFollowTheCatchUpPolicy) {
  const int64_t last = isoMs("2026-03-02T09:00:00Z");
  const int64_t now = isoMs("2026-03-05T12:00:00Z");  // 3, 4, 5 March missed
  auto skip = dueFirings(daily9(), "", last, now, CatchUp::kSkip);
  ASSERT_EQ(skip.size(), 1u);
  EXPECT_FALSE(skip[0].enroll);  // recorded, not fired
  EXPECT_EQ(skip[0].fire_ms, isoMs("2026-03-05T09:00:00Z"));

  auto once = dueFirings(daily9(), "", last, now, CatchUp::kOnce);
  ASSERT_EQ(once.size(), 1u);
  EXPECT_TRUE(once[0].enroll);
  EXPECT_EQ(once[0].fire_ms, isoMs("2026-03-05T09:00:00Z"));

  auto all = dueFirings(daily9(), "", last, now, CatchUp::kAll);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].fire_ms, isoMs("2026-03-03T09:00:00Z"));
  EXPECT_EQ(all[2].fire_ms, isoMs("2026-03-05T09:00:00Z"));
  for (const auto& f : all) EXPECT_TRUE(f.enroll);
}

TEST(DueFirings, TheTimeZoneOfTheTriggerIsUsed) {
  // 09:00 in Seoul is 00:00 UTC.
  auto due = dueFirings(daily9(), "Asia/Seoul", isoMs("2026-03-02T01:00:00Z"),
                        isoMs("2026-03-03T00:00:10Z"), CatchUp::kOnce);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].fire_ms, isoMs("2026-03-03T00:00:00Z"));
}

}  // namespace
}  // namespace herald::scheduler
