// Recommender: the per-run cache and the product objects templates get.
#include "recommend/recommender.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "recommend/model.hpp"
#include "recommend_fixture.hpp"

namespace herald::recommend::testing {
namespace {

class RecommenderTest : public RecommendTest {
 protected:
  void SetUp() override {
    RecommendTest::SetUp();
    ids_ = addContacts(3);
    buy(1, {"A", "B"});
    buy(2, {"A", "C"});
    commitPurchases();
    addCatalog({"A", "B", "C"});
  }
};

TEST_F(RecommenderTest, ProductObjectsCarryTheCatalogFieldsScoreAndReason) {
  Recommender r(*store_);
  auto out = r.forContacts({ids_[0], ids_[2]}, 2);
  ASSERT_EQ(out.size(), 2u);
  // c1 {A, B}: C = C(A,C)/sqrt(2*1) = 0.7071, nothing else left.
  const auto expected = nlohmann::json::parse(R"([{
    "id": "C", "name": "Product C", "url": "https://shop.example.com/p/C",
    "image": "https://shop.example.com/i/C.jpg", "price": 9.5, "currency": "USD",
    "category": "socks", "attributes": {}, "score": 0.7071, "reason": "also-bought"}])");
  EXPECT_EQ(out[0], expected);
  // c3 bought nothing: best sellers A (2 of 2 buyers), then B.
  ASSERT_EQ(out[1].size(), 2u);
  EXPECT_EQ(out[1][0]["id"], "A");
  EXPECT_EQ(out[1][0]["reason"], "best-seller");
  EXPECT_EQ(out[1][0]["score"], 1.0);
  EXPECT_EQ(out[1][1]["id"], "B");
}

TEST_F(RecommenderTest, TheModelIsBuiltOnceAndLaterPurchasesWaitForTheNextRun) {
  Recommender r(*store_);
  const auto before = r.forContacts({ids_[2]}, 1);
  buy(3, {"B"});
  commitPurchases();
  EXPECT_EQ(r.forContacts({ids_[2]}, 1), before);  // the same model
  EXPECT_EQ(r.model().stats().purchases, 2);
  Recommender next(*store_);
  EXPECT_EQ(next.model().stats().purchases, 3);
}

TEST_F(RecommenderTest, ConcurrentFirstCallsBuildOneModel) {
  Recommender r(*store_);
  std::vector<nlohmann::json> a, b;
  std::thread t1([&] { a = r.forContacts({ids_[0], ids_[1]}, 3); });
  std::thread t2([&] { b = r.forContacts({ids_[0], ids_[1]}, 3); });
  t1.join();
  t2.join();
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1][0]["id"], "B");  // c2 {A, C}: B through A
}

TEST_F(RecommenderTest, WithoutACatalogProductsAreNamedByIdOnly) {
  store::testing::rawExec(dbPath(), "DELETE FROM products");
  Recommender r(*store_);
  const auto out = r.forContacts({ids_[0]}, 1);
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_EQ(out[0][0]["id"], "C");
  EXPECT_TRUE(out[0][0]["name"].is_null());
  EXPECT_TRUE(out[0][0]["price"].is_null());
}

}  // namespace
}  // namespace herald::recommend::testing
