// The co-occurrence model on small baskets whose cosine scores are
// computed by hand in the comments.
#include "recommend/model.hpp"

#include <gtest/gtest.h>

#include "recommend_fixture.hpp"

namespace herald::recommend::testing {
namespace {

struct Got {
  std::string id;
  double score;
  bool also_bought;
  bool operator==(const Got&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Got& g) {
  return os << '{' << g.id << ' ' << g.score << (g.also_bought ? " also-bought}" : " best-seller}");
}

class ModelTest : public RecommendTest {
 protected:
  std::vector<Got> top(const Model& m, int contact, size_t count = 3) {
    Model::Scratch scratch;
    std::vector<Recommendation> recs;
    m.recommend(ids_.at(static_cast<size_t>(contact - 1)), count, scratch, recs);
    std::vector<Got> out;
    for (const auto& r : recs) out.push_back({m.id(r.item), r.score, r.also_bought});
    return out;
  }
  // c1 {A, B}, c2 {A, B, C}, c3 {A, C}, c4 {B, D}, c5 nothing.
  //   N: A 3, B 3, C 2, D 1
  //   C(A,B) = 2, C(A,C) = 2, C(B,C) = 1, C(B,D) = 1, C(A,D) = C(C,D) = 0
  //   sim(A,B) = 2/sqrt(3*3) = 0.6667   sim(A,C) = 2/sqrt(3*2) = 0.8165
  //   sim(B,C) = 1/sqrt(3*2) = 0.4082   sim(B,D) = 1/sqrt(3*1) = 0.5774
  void fourBaskets() {
    ids_ = addContacts(5);
    buy(1, {"A"});
    buy(1, {"B", "A"});  // a repeat of A counts once
    buy(2, {"A", "B", "C"});
    buy(3, {"C"}, 3);
    buy(3, {"A"});
    buy(4, {"D", "B"});
    commitPurchases();
  }
};

TEST_F(ModelTest, CosineScoresSumOverTheBasket) {
  fourBaskets();
  const Model m = Model::build(*store_);
  EXPECT_NEAR(m.similarity(0, 1), 2.0 / 3.0, 1e-12);  // items in id order: A B C D
  EXPECT_NEAR(m.similarity(0, 2), 2.0 / std::sqrt(6.0), 1e-12);
  EXPECT_NEAR(m.similarity(1, 3), 1.0 / std::sqrt(3.0), 1e-12);
  EXPECT_EQ(m.similarity(0, 3), 0.0);
  // c1 {A, B}: C = 0.8165 + 0.4082 = 1.2247, D = 0.5774.
  EXPECT_EQ(top(m, 1), (std::vector<Got>{{"C", 1.2247, true}, {"D", 0.5774, true}}));
  // c3 {A, C}: B = 0.6667 + 0.4082 = 1.0749; then the best seller D.
  EXPECT_EQ(top(m, 3), (std::vector<Got>{{"B", 1.0749, true}, {"D", 0.25, false}}));
  // c4 {B, D}: A = 0.6667, C = 0.4082.
  EXPECT_EQ(top(m, 4), (std::vector<Got>{{"A", 0.6667, true}, {"C", 0.4082, true}}));
  EXPECT_EQ(m.stats().purchases, 6);
  EXPECT_EQ(m.stats().customers, 4);
  EXPECT_EQ(m.customers(0), 3u);
}

TEST_F(ModelTest, BoughtProductsAreNeverRecommended) {
  fourBaskets();
  const Model m = Model::build(*store_);
  // c2 bought A, B and C: only D is left, also bought with B.
  EXPECT_EQ(top(m, 2, 10), (std::vector<Got>{{"D", 0.5774, true}}));
  for (int c = 1; c <= 5; ++c) {
    const auto basket = m.basket(ids_[static_cast<size_t>(c - 1)]);
    for (const auto& g : top(m, c, 10)) {
      for (uint32_t i : basket) EXPECT_NE(m.id(i), g.id) << "contact " << c;
    }
  }
}

TEST_F(ModelTest, NoPurchasesGetsBestSellersByCustomersThenId) {
  fourBaskets();
  const Model m = Model::build(*store_);
  // Customers in the last 90 days: A 3, B 3, C 2, D 1 of 4 buyers; A and B
  // tie and have as many customers all time: by id.
  EXPECT_EQ(top(m, 5, 4),
            (std::vector<Got>{
                {"A", 0.75, false}, {"B", 0.75, false}, {"C", 0.5, false}, {"D", 0.25, false}}));
  // An unknown contact too.
  Model::Scratch s;
  std::vector<Recommendation> recs;
  m.recommend(999'999, 1, s, recs);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(m.id(recs[0].item), "A");
}

TEST_F(ModelTest, BestSellersCountTheLast90DaysOfTheDataBeforeAllTime) {
  ids_ = addContacts(5);
  // OLD: three customers, a year before the newest purchase; NEW: one
  // customer last week; MID: one customer 200 days ago.
  buy(1, {"OLD"}, 365);
  buy(2, {"OLD"}, 370);
  buy(3, {"OLD"}, 380);
  buy(4, {"NEW"}, 7);
  buy(3, {"MID"}, 200);
  commitPurchases();
  const Model m = Model::build(*store_);
  // In the window: NEW 1 of 1 buyer. Then all time: OLD (3) before MID (1).
  EXPECT_EQ(top(m, 5, 3),
            (std::vector<Got>{{"NEW", 1.0, false}, {"OLD", 0.0, false}, {"MID", 0.0, false}}));
}

TEST_F(ModelTest, EqualScoresGoToTheMorePopularProductThenTheSmallerId) {
  ids_ = addContacts(9);
  // X with Y once, X with Z twice; Z has 4 customers, Y 1, X 4:
  // sim(X,Y) = 1/sqrt(4*1) = 0.5 = sim(X,Z) = 2/sqrt(4*4).
  buy(1, {"X", "Y"});
  buy(2, {"X", "Z"});
  buy(3, {"X", "Z"});
  buy(4, {"Z"});
  buy(5, {"Z"});
  buy(6, {"X"});
  // W and V: each bought once with U, same popularity: by id.
  buy(7, {"U", "W"});
  buy(8, {"U", "V"});
  buy(9, {"U"});
  commitPurchases();
  const Model m = Model::build(*store_);
  EXPECT_EQ(top(m, 6, 2), (std::vector<Got>{{"Z", 0.5, true}, {"Y", 0.5, true}}));
  // sim(U,V) = sim(U,W) = 1/sqrt(3*1) = 0.5774
  EXPECT_EQ(top(m, 9, 2), (std::vector<Got>{{"V", 0.5774, true}, {"W", 0.5774, true}}));
}

TEST_F(ModelTest, OnlyCatalogProductsAreRecommendedWhenThereIsACatalog) {
  fourBaskets();
  addCatalog({"A", "B", "D"});  // C is not sold any more
  const Model m = Model::build(*store_);
  EXPECT_EQ(m.stats().catalog, 3);
  // c1 {A, B}: C left out; D = 0.5774; no best seller left that c1 lacks.
  EXPECT_EQ(top(m, 1), (std::vector<Got>{{"D", 0.5774, true}}));
  // c5: best sellers without C.
  EXPECT_EQ(top(m, 5),
            (std::vector<Got>{{"A", 0.75, false}, {"B", 0.75, false}, {"D", 0.25, false}}));
  // C still counts as bought: c3 {A, C} gets B (0.6667 + 0.4082) and D.
  EXPECT_EQ(top(m, 3), (std::vector<Got>{{"B", 1.0749, true}, {"D", 0.25, false}}));
  ASSERT_NE(m.product(0), nullptr);
  EXPECT_EQ(m.product(0)->name, "Product A");
  EXPECT_EQ(m.product(2), nullptr);
}

TEST_F(ModelTest, KeepsTheTopNeighboursOnly) {
  fourBaskets();
  ModelOptions options;
  options.neighbours = 1;
  const Model m = Model::build(*store_, options);
  // B's neighbours by similarity: A 0.6667, D 0.5774, C 0.4082: only A kept.
  EXPECT_NEAR(m.similarity(1, 0), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(m.similarity(1, 3), 0.0);
  // c1 {A, B}: C through A (0.8165) only; then the best seller D.
  EXPECT_EQ(top(m, 1), (std::vector<Got>{{"C", 0.8165, true}, {"D", 0.25, false}}));
}

TEST_F(ModelTest, AnEmptyStoreRecommendsNothing) {
  ids_ = addContacts(1);
  const Model m = Model::build(*store_);
  EXPECT_TRUE(top(m, 1).empty());
}

}  // namespace
}  // namespace herald::recommend::testing
