// Event triggers: ingestion (idempotent by event id, unknown contacts per
// event), enrolment into matching workflows with a condition, the re-entry
// rules, and `event` in templates for the whole journey.
#include <gmock/gmock.h>

#include <fstream>

#include "engine/run_plan.hpp"
#include "engine_fixture.hpp"
#include "scheduler_fixture.hpp"
#include "workflow/validate.hpp"

namespace herald::scheduler::testing {
namespace {

using ::testing::HasSubstr;
using Kind = daemon::IngestOutcome::Kind;

std::string viewed(const std::string& extra = "") {
  return R"(
name: viewed
trigger: {type: event, event: product_viewed)" +
         extra + R"(}
steps:
  - id: mail
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "Still thinking about {{ event.properties.product }}?"
      text: "Seen {{ event.type }} at {{ event.at }}"
)";
}

TEST_F(SchedulerTest, AnEventEnrolsItsContactAndTheTemplateSeesTheEvent) {
  addContacts(2);
  now_.set(engine::testing::isoMs("2026-03-02T10:00:00Z"));
  serve({viewed()});
  auto r = ingest({event("c1", "product_viewed", {{"product", "Blue Kettle"}}, "ev-1"),
                   event("nobody", "product_viewed", {}, "ev-2"),
                   event("c2", "page_viewed", {}, "ev-3")});
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.outcomes.size(), 3u);
  EXPECT_EQ(r.outcomes[0].kind, Kind::kStored);
  EXPECT_EQ(r.outcomes[0].enrolled, 1);
  EXPECT_GT(r.outcomes[0].event_id, 0);
  EXPECT_EQ(r.outcomes[1].kind, Kind::kUnknownContact);
  EXPECT_EQ(r.outcomes[2].kind, Kind::kStored);
  EXPECT_EQ(r.outcomes[2].enrolled, 0);  // no workflow listens to page_viewed
  ASSERT_TRUE(runUntil([&] { return emails() == 1; }, 5000));
  const auto texts = emailTexts();
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_THAT(texts[0], HasSubstr("Still thinking about Blue Kettle?"));
  EXPECT_THAT(texts[0], HasSubstr("Seen product_viewed at 2026-05-28T20:26:40Z"));
  EXPECT_EQ(metrics_.value(kEventsIngested, {{"outcome", "stored"}}), 2);
  EXPECT_EQ(metrics_.value(kEventsIngested, {{"outcome", "unknown_contact"}}), 1);
  EXPECT_EQ(metrics_.value(kEnrolments, {{"workflow", "viewed"}, {"trigger", "event"}}), 1);
  EXPECT_EQ(metrics_.count(kIngestBatch, {}), 1u);
}

TEST_F(SchedulerTest, AReplayedEventIdIsStoredOnceAndEnrolsOnce) {
  addContacts(1);
  serve({viewed(", reentry: always")});
  auto first = ingest({event("c1", "product_viewed", {{"product", "Kettle"}}, "ev-1")});
  auto again = ingest({event("c1", "product_viewed", {{"product", "Kettle"}}, "ev-1")});
  EXPECT_EQ(first.outcomes[0].kind, Kind::kStored);
  EXPECT_EQ(again.outcomes[0].kind, Kind::kDuplicate);
  EXPECT_EQ(again.outcomes[0].enrolled, 0);
  ASSERT_TRUE(runUntil([&] { return emails() == 1; }, 5000));
  runFor(300);
  EXPECT_EQ(emails(), 1u);
  EXPECT_EQ(store_->eventCount(), 1);
}

TEST_F(SchedulerTest, CallsQueuedBeforeTheCommitShareOneTransaction) {
  addContacts(3);
  serve({viewed()});
  int answered = 0;
  for (int i = 1; i <= 3; ++i) {
    scheduler_->ingestEvents({event("c" + std::to_string(i), "product_viewed", {}, std::nullopt)},
                             [&](daemon::IngestResult r) {
                               EXPECT_FALSE(r.error);
                               ++answered;
                             });
  }
  ASSERT_TRUE(runUntil([&] { return answered == 3; }, 5000));
  EXPECT_EQ(metrics_.count(kIngestBatch, {}), 1u);  // one group commit for the three calls
  ASSERT_TRUE(runUntil([&] { return emails() == 3; }, 5000));
}

TEST_F(SchedulerTest, ReentryOnceIsTheDefault) {
  addContacts(1);
  serve({viewed()});
  EXPECT_EQ(ingest({event("c1", "product_viewed", {}, "a")}).outcomes[0].enrolled, 1);
  EXPECT_EQ(ingest({event("c1", "product_viewed", {}, "b")}).outcomes[0].enrolled, 0);
  ASSERT_TRUE(runUntil([&] { return emails() == 1; }, 5000));
}

TEST_F(SchedulerTest, ReentryAlwaysEnrolsOnEveryEventAndEachEntryDelivers) {
  addContacts(1);
  serve({viewed(", reentry: always")});
  EXPECT_EQ(ingest({event("c1", "product_viewed", {{"product", "A"}}, "a")}).outcomes[0].enrolled,
            1);
  ASSERT_TRUE(runUntil([&] { return emails() == 1; }, 5000));
  EXPECT_EQ(ingest({event("c1", "product_viewed", {{"product", "B"}}, "b")}).outcomes[0].enrolled,
            1);
  ASSERT_TRUE(runUntil([&] { return emails() == 2; }, 5000));
}

TEST_F(SchedulerTest, ReentryOncePerAPeriod) {
  addContacts(1);
  now_.set(engine::testing::isoMs("2026-03-02T10:00:00Z"));
  serve({viewed(", reentry: {once_per: 30d}")});
  EXPECT_EQ(ingest({event("c1", "product_viewed", {}, "a")}).outcomes[0].enrolled, 1);
  EXPECT_EQ(ingest({event("c1", "product_viewed", {}, "b")}).outcomes[0].enrolled, 0);
  now_.set(engine::testing::isoMs("2026-04-02T10:00:00Z"));  // 31 days later
  EXPECT_EQ(ingest({event("c1", "product_viewed", {}, "c")}).outcomes[0].enrolled, 1);
}

TEST_F(SchedulerTest, TheTriggerConditionSeesTheEventAndTheContact) {
  addContacts(2, [](int i, store::Contact& c) {
    if (i == 2) c.tags = {"vip"};
  });
  serve({viewed(", condition: \"event.properties.amount > 100 and 'vip' in tags\"")});
  EXPECT_EQ(ingest({event("c1", "product_viewed", {{"amount", 500}})}).outcomes[0].enrolled, 0);
  EXPECT_EQ(ingest({event("c2", "product_viewed", {{"amount", 50}})}).outcomes[0].enrolled, 0);
  EXPECT_EQ(ingest({event("c2", "product_viewed", {{"amount", 500}})}).outcomes[0].enrolled, 1);
}

TEST_F(SchedulerTest, APausedEventWorkflowEnrolsNobody) {
  addContacts(1);
  serve({viewed()});
  ASSERT_TRUE(scheduler_->setPaused("viewed", true));
  EXPECT_EQ(ingest({event("c1", "product_viewed", {}, "a")}).outcomes[0].enrolled, 0);
  ASSERT_TRUE(scheduler_->setPaused("viewed", false));
  EXPECT_EQ(ingest({event("c1", "product_viewed", {}, "b")}).outcomes[0].enrolled, 1);
}

}  // namespace
}  // namespace herald::scheduler::testing

namespace herald::scheduler::testing {
namespace {

TEST_F(SchedulerTest, ATemplateNamingEventOutsideAnEventWorkflowDoesNotCompile) {
  const auto path = dir_ / "manual.yaml";
  std::ofstream(path) << R"(name: m
trigger: manual
steps:
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "About {{ event.type }}", text: "Hi"}
)";
  Diagnostics diags;
  auto wf = workflow::loadAndValidate(path.string(), *registry_, diags);
  ASSERT_TRUE(wf);
  EXPECT_FALSE(engine::RunPlan::build(*wf, *registry_, diags));
  ASSERT_EQ(diags.errorCount(), 1u);
  EXPECT_THAT(formatDiagnostic(diags.items()[0]),
              ::testing::HasSubstr(
                  "manual.yaml:6:55: error: step 'mail' (outbox.email), "
                  "subject: unknown variable 'event' (the variables are contact and vars)"));
}

}  // namespace
}  // namespace herald::scheduler::testing
