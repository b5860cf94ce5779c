// The product catalog in the SQLite store (schema v3).
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

class ProductsStoreTest : public StoreTest {};

Product make(std::string id, std::optional<std::string> name, std::optional<double> price,
             std::string attributes = "{}") {
  Product p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.price = price;
  p.attributes = std::move(attributes);
  p.updated_ms = 1000;
  return p;
}

TEST_F(ProductsStoreTest, ImportInsertsThenUpdatesByIdKeepingWhatTheRowLeavesOut) {
  {
    auto imp = store_->beginProductImport();
    EXPECT_TRUE(imp->upsert(make("P2", "Socks", 9.5, R"({"color":"red","size":"M"})")));
    EXPECT_TRUE(imp->upsert(make("P1", "Shoes", 80, "{}")));
    imp->commit();
    EXPECT_EQ(imp->createdCount(), 2);
    EXPECT_EQ(imp->updatedCount(), 0);
  }
  EXPECT_EQ(store_->productCount(), 2);
  {
    auto imp = store_->beginProductImport();
    // No name: the stored one stays; attributes merge, null removes a key.
    EXPECT_FALSE(imp->upsert(make("P2", std::nullopt, 11, R"({"size":null,"fabric":"wool"})")));
    imp->commit();
    EXPECT_EQ(imp->updatedCount(), 1);
  }
  const std::string ids[] = {"P2", "P9"};
  auto found = store_->productsByIds(ids);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "P2");
  EXPECT_EQ(found[0].name, "Socks");
  EXPECT_EQ(found[0].price, 11);
  EXPECT_EQ(nlohmann::json::parse(found[0].attributes),
            nlohmann::json::parse(R"({"color":"red","fabric":"wool"})"));
}

TEST_F(ProductsStoreTest, AnImportNotCommittedLeavesNothing) {
  {
    auto imp = store_->beginProductImport();
    imp->upsert(make("P1", "Shoes", 80));
  }
  EXPECT_EQ(store_->productCount(), 0);
}

TEST_F(ProductsStoreTest, ListPagesInIdOrder) {
  auto imp = store_->beginProductImport();
  for (const char* id : {"P3", "P1", "P2", "P4"}) imp->upsert(make(id, id, std::nullopt));
  imp->commit();
  auto first = store_->listProducts(2, "");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].id, "P1");
  EXPECT_EQ(first[1].id, "P2");
  EXPECT_FALSE(first[0].price.has_value());
  auto rest = store_->listProducts(-1, first.back().id);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].id, "P3");
  EXPECT_EQ(rest[1].id, "P4");
}

}  // namespace
}  // namespace herald::store::testing
