// Batches in a plugin's hands: recorded before the call, cleared after it,
// counted when a crash left them behind, and kept once quarantined.
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

class HandoversTest : public StoreTest {
 protected:
  Handover batch(int64_t run, const std::string& hash) {
    Handover h;
    h.run_id = run;
    h.step_id = "s1";
    h.batch_hash = hash;
    h.plugin = "crashy";
    h.step_type = "crashy.null";
    h.first_contact = 3;
    h.last_contact = 9;
    h.contacts = 2;
    return h;
  }
};

TEST_F(HandoversTest, ARecordCountsItsAttemptsUntilTheBatchComesBack) {
  const int64_t run = store_->createRun("w", "rev1", "manual", false, 100).id;
  EXPECT_FALSE(store_->handover(run, "s1", "abc"));
  store_->recordHandover(batch(run, "abc"), 200);
  store_->recordHandover(batch(run, "abc"), 300);
  auto h = store_->handover(run, "s1", "abc");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->attempts, 2);
  EXPECT_EQ(h->plugin, "crashy");
  EXPECT_EQ(h->step_type, "crashy.null");
  EXPECT_EQ(h->first_contact, 3);
  EXPECT_EQ(h->last_contact, 9);
  EXPECT_EQ(h->contacts, 2);
  EXPECT_FALSE(h->quarantined_ms);
  EXPECT_EQ(h->updated_ms, 300);
  store_->clearHandover(run, "s1", "abc");
  EXPECT_FALSE(store_->handover(run, "s1", "abc"));
}

TEST_F(HandoversTest, QuarantinedBatchesStayAndAreListedWithTheirWorkflow) {
  const int64_t run = store_->createRun("welcome", "rev1", "manual", false, 100).id;
  const int64_t other = store_->createRun("digest", "rev1", "manual", false, 100).id;
  store_->recordHandover(batch(run, "abc"), 200);
  store_->recordHandover(batch(other, "def"), 200);
  store_->quarantineHandover(run, "s1", "abc", 500);
  store_->clearHandover(run, "s1", "abc");  // a quarantined record is not cleared
  ASSERT_TRUE(store_->handover(run, "s1", "abc"));
  EXPECT_EQ(store_->handover(run, "s1", "abc")->quarantined_ms, 500);

  auto all = store_->quarantinedBatches("");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].workflow, "welcome");
  EXPECT_EQ(all[0].batch_hash, "abc");
  EXPECT_EQ(store_->quarantinedBatches("welcome").size(), 1u);
  EXPECT_TRUE(store_->quarantinedBatches("digest").empty());

  reopen();  // durable
  EXPECT_EQ(store_->quarantinedBatches("").size(), 1u);
  EXPECT_EQ(store_->handover(other, "s1", "def")->attempts, 1);
}

}  // namespace
}  // namespace herald::store::testing
