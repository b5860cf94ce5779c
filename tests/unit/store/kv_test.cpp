#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

using KvTest = StoreTest;

TEST_F(KvTest, PutGetOverwriteDelete) {
  EXPECT_FALSE(store_->kvGet("outbox", "k"));
  store_->kvPut("outbox", "k", "v1");
  EXPECT_EQ(store_->kvGet("outbox", "k"), "v1");
  store_->kvPut("outbox", "k", "v2");
  EXPECT_EQ(store_->kvGet("outbox", "k"), "v2");
  EXPECT_TRUE(store_->kvDelete("outbox", "k"));
  EXPECT_FALSE(store_->kvDelete("outbox", "k"));
  EXPECT_FALSE(store_->kvGet("outbox", "k"));
}

TEST_F(KvTest, NamespacesAreSeparate) {
  store_->kvPut("a", "k", "from a");
  store_->kvPut("b", "k", "from b");
  EXPECT_EQ(store_->kvGet("a", "k"), "from a");
  EXPECT_EQ(store_->kvGet("b", "k"), "from b");
  store_->kvDelete("a", "k");
  EXPECT_EQ(store_->kvGet("b", "k"), "from b");
}

TEST_F(KvTest, BinaryValuesAndOddKeysRoundTripAndSurviveReopen) {
  static constexpr char kBytes[] = "\0\x01\xff' OR 1=1; --";
  const std::string value(kBytes, sizeof kBytes - 1);
  store_->kvPut("ns", "key'; DROP TABLE kv; --", value);
  reopen();
  EXPECT_EQ(store_->kvGet("ns", "key'; DROP TABLE kv; --"), value);
}

}  // namespace
}  // namespace herald::store::testing
