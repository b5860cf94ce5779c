// Runs started over the API: a contact list with per-contact `input`, an
// audience by segment rule, errors, and cancelling.
#include <gmock/gmock.h>

#include "engine_fixture.hpp"
#include "scheduler_fixture.hpp"

namespace herald::scheduler::testing {
namespace {

using ::testing::HasSubstr;

const char* const kCoupon = R"(
name: coupon
trigger: {type: api}
steps:
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "Your code {{ input.code }}", text: "Hi"}
)";

TEST_F(SchedulerTest, AnApiRunEnrolsTheListedContactsWithTheirInput) {
  addContacts(3);
  serve({kCoupon});
  daemon::StartRequest req;
  req.workflow = "coupon";
  const int64_t c1 = store_->contactByExternalId("c1")->id;
  const int64_t c2 = store_->contactByExternalId("c2")->id;
  req.contact_ids = {c1, c2};
  req.variables = {{"code", "SPRING"}};
  req.contact_variables[c2] = {{"code", "VIP-42"}};
  auto r = scheduler_->startRun(req);
  ASSERT_TRUE(r.run_id) << (r.problems.items().empty() ? "" : r.problems.items()[0].message);
  EXPECT_EQ(r.enrolled, 2);
  ASSERT_TRUE(runUntil([&] { return emails() == 2; }, 5000));
  std::string all;
  for (const auto& t : emailTexts()) all += t;
  EXPECT_THAT(all, HasSubstr("Your code SPRING"));
  EXPECT_THAT(all, HasSubstr("Your code VIP-42"));
}

TEST_F(SchedulerTest, AnApiRunTakesAnAudienceRule) {
  addContacts(3, [](int i, store::Contact& c) {
    if (i != 2) c.tags = {"vip"};
  });
  serve({kCoupon});
  daemon::StartRequest req;
  req.workflow = "coupon";
  req.audience = "{tags: {has: vip}}";
  auto r = scheduler_->startRun(req);
  ASSERT_TRUE(r.run_id);
  EXPECT_EQ(r.enrolled, 2);
}

TEST_F(SchedulerTest, StartRunExplainsWhatIsWrong) {
  addContacts(1);
  serve({kCoupon});
  daemon::StartRequest req;
  req.workflow = "nope";
  auto r = scheduler_->startRun(req);
  EXPECT_FALSE(r.run_id);
  ASSERT_EQ(r.problems.errorCount(), 1u);
  EXPECT_EQ(r.problems.items()[0].message, "no workflow named 'nope' is served");

  req.workflow = "coupon";
  r = scheduler_->startRun(req);
  ASSERT_EQ(r.problems.errorCount(), 1u);
  EXPECT_THAT(r.problems.items()[0].message,
              HasSubstr("say who to enrol: an audience (a segment name or rule) or contact ids"));

  req.audience = "winners";
  r = scheduler_->startRun(req);
  ASSERT_EQ(r.problems.errorCount(), 1u);
  EXPECT_THAT(formatDiagnostic(r.problems.items()[0]),
              HasSubstr("<audience>:1:1: error: no segment named 'winners'"));
}

TEST_F(SchedulerTest, CancellingARunEndsItsWaitingJourneys) {
  addContacts(2);
  serve({R"(
name: slow
trigger: {type: api}
steps:
  - id: pause
    uses: wait
    with: {duration: 1h}
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "Later", text: "Hi"}
)"});
  daemon::StartRequest req;
  req.workflow = "slow";
  req.contact_ids = {store_->contactByExternalId("c1")->id, store_->contactByExternalId("c2")->id};
  auto r = scheduler_->startRun(req);
  ASSERT_TRUE(r.run_id);
  ASSERT_TRUE(runUntil([&] { return scheduler_->journeysWaiting() == 2; }, 5000));
  EXPECT_TRUE(scheduler_->cancelRun(*r.run_id));
  EXPECT_FALSE(scheduler_->cancelRun(*r.run_id));  // already ended
  EXPECT_EQ(scheduler_->journeysWaiting(), 0);
  EXPECT_EQ(store_->runById(*r.run_id)->status, store::RunStatus::kCanceled);
}

}  // namespace
}  // namespace herald::scheduler::testing
