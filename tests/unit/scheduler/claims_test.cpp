// Claims: due work held by another process is left alone until its lease
// ends, and a `herald run`-style engine working the same run beside the
// daemon never makes a delivery happen twice.
#include <thread>

#include "engine/run_plan.hpp"
#include "engine_fixture.hpp"
#include "scheduler_fixture.hpp"

namespace herald::scheduler::testing {
namespace {

const char* const kPromo = R"(
name: promo
trigger: {type: api}
steps:
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "Promo", text: "Hi {{ contact.first_name }}"}
)";

int64_t startAll(Scheduler& s, store::Store& store, int n) {
  daemon::StartRequest req;
  req.workflow = "promo";
  for (int i = 1; i <= n; ++i)
    req.contact_ids.push_back(store.contactByExternalId("c" + std::to_string(i))->id);
  auto r = s.startRun(req);
  EXPECT_TRUE(r.run_id);
  return r.run_id.value_or(0);
}

TEST_F(SchedulerTest, JourneysClaimedByAnotherProcessWaitForItsLease) {
  addContacts(5);
  serve({kPromo});
  const int64_t run = startAll(*scheduler_, *store_, 5);
  // Another process (its own connection and owner) fetched them first.
  auto other = store::openSqliteStore((dir_ / "herald.db").string());
  other->setClaimOwner("cli:other", 700);
  ASSERT_EQ(other->dueJourneys(run, "mail", now_.nowMs(), 100).size(), 5u);
  runFor(400);
  EXPECT_EQ(emails(), 0u);
  // The other process died without committing: after its lease the daemon
  // takes the work (noticed by the poll).
  ASSERT_TRUE(runUntil([&] { return emails() == 5; }, 5000));
}

TEST_F(SchedulerTest, ACliEngineOnTheSameRunBesideTheDaemonDeliversNothingTwice) {
  constexpr int kContacts = 300;
  addContacts(kContacts);
  config_.batch_size = 10;  // many small batches, so both sides interleave
  serve({kPromo});
  const int64_t run = startAll(*scheduler_, *store_, kContacts);

  // The CLI: its own store handle (owner "cli:..."), io_context and plan.
  auto cli_store = store::openSqliteStore((dir_ / "herald.db").string());
  Diagnostics diags;
  std::shared_ptr<engine::RunPlan> cli_plan(
      engine::RunPlan::build(plans_.front()->workflow(), *registry_, diags));
  ASSERT_TRUE(cli_plan);
  std::optional<engine::RunResult> cli_result;
  std::thread cli([&] {
    boost::asio::io_context io;
    engine::RunOptions options;
    options.run_id = run;
    options.batch_size = 10;
    cli_result = engine::runToCompletion(io, *cli_store, now_, *cli_plan, options);
  });
  runUntil([&] { return emails() >= kContacts; }, 20000);
  cli.join();
  runFor(500);
  ASSERT_TRUE(cli_result);
  EXPECT_FALSE(cli_result->error);
  EXPECT_EQ(emails(), static_cast<size_t>(kContacts));
  EXPECT_EQ(store_->ledgerCount("promo"), kContacts);
  const auto s = store_->journeySummary(run);
  EXPECT_EQ(s.done, kContacts);
}

}  // namespace
}  // namespace herald::scheduler::testing
