// Store::forEachPurchase: what the model reads, in contact order, from the
// index, with every shape of "items" and "product_id".
#include <gtest/gtest.h>

#include "store/sqlite/purchase_scan.hpp"
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

class PurchasesTest : public StoreTest {
 protected:
  void add(int64_t contact, const char* type, const char* properties, int64_t at) {
    auto imp = store_->beginEventImport();
    Event e;
    e.contact_id = contact;
    e.type = type;
    e.properties = nlohmann::json::parse(properties);
    e.at_ms = at;
    imp->insert(e);
    imp->commit();
  }
  std::vector<std::pair<int64_t, std::vector<std::string>>> scan() {
    std::vector<std::pair<int64_t, std::vector<std::string>>> out;
    store_->forEachPurchase([&](const Purchase& p) { out.emplace_back(p.contact_id, p.items); });
    return out;
  }
};

using Items = std::vector<std::string>;

TEST_F(PurchasesTest, ReadsItemsListsSingleProductIdsAndObjectsInContactOrder) {
  auto ids = addContacts(3);
  add(ids[2], "purchase", R"({"amount":5,"items":["P1","P2"]})", 100);
  add(ids[0], "purchase", R"({"amount":5,"product_id":"P3"})", 300);
  add(ids[0], "purchase", R"({"items":[{"id":"P4","quantity":2},{"product_id":7}]})", 200);
  add(ids[1], "purchase", R"({"items":[12,"P\"5"],"product_id":"P6"})", 100);
  add(ids[1], "view", R"({"product_id":"P9"})", 100);
  add(ids[1], "purchase", R"({"amount":5})", 150);
  add(ids[1], "purchase", R"({"items":"P8"})", 160);
  auto rows = scan();
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0], (std::pair<int64_t, Items>{ids[0], {"P4", "7"}}));  // older first
  EXPECT_EQ(rows[1], (std::pair<int64_t, Items>{ids[0], {"P3"}}));
  EXPECT_EQ(rows[2], (std::pair<int64_t, Items>{ids[1], {"12", "P\"5", "P6"}}));
  EXPECT_EQ(rows[3], (std::pair<int64_t, Items>{ids[1], {}}));
  EXPECT_EQ(rows[4], (std::pair<int64_t, Items>{ids[1], {"P8"}}));
  EXPECT_EQ(rows[5], (std::pair<int64_t, Items>{ids[2], {"P1", "P2"}}));
}

TEST_F(PurchasesTest, AnErasedContactsPurchasesKeepNoProducts) {
  auto ids = addContacts(2);
  add(ids[0], "purchase", R"({"amount":5,"items":["P1","P2"]})", 100);
  add(ids[1], "purchase", R"({"amount":5,"items":["P1"]})", 100);
  ASSERT_TRUE(store_->eraseContact(ids[0], {}, 1000));
  auto rows = scan();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::pair<int64_t, Items>{ids[0], {}}));
  EXPECT_EQ(rows[1], (std::pair<int64_t, Items>{ids[1], {"P1"}}));
}

TEST_F(PurchasesTest, TheScanReadsTheTypeContactIndexWithoutSorting) {
  addContacts(1);
  std::string plan;
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(dbPath().c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  const std::string sql = std::string("EXPLAIN QUERY PLAN ") + sqlite::kPurchaseScanSql;
  ASSERT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
    plan += '\n';
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  EXPECT_NE(plan.find("events_by_type_contact"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

}  // namespace
}  // namespace herald::store::testing
