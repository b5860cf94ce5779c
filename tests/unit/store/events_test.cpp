#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

using EventsTest = StoreTest;

TEST_F(EventsTest, ResolvesContactsAndStoresEventsInTimeOrder) {
  auto ids = addContacts(2);
  auto import = store_->beginEventImport();
  EXPECT_EQ(import->resolveContact(std::string("C1"), std::nullopt), ids[0]);
  EXPECT_EQ(import->resolveContact(std::nullopt, std::string("c2@example.com")), ids[1]);
  // External id first; an unknown id falls back to the email.
  EXPECT_EQ(import->resolveContact(std::string("nope"), std::string("c2@example.com")), ids[1]);
  EXPECT_FALSE(import->resolveContact(std::string("nope"), std::nullopt));
  EXPECT_FALSE(import->resolveContact(std::nullopt, std::string("nobody@example.com")));

  Event late{0, ids[0], "purchase", {{"amount", 19.5}, {"items", {"sku-tee"}}}, 2000, "E1"};
  Event early{0, ids[0], "open", {{"campaign", "spring"}}, 1000, std::nullopt};
  import->insert(late);
  import->insert(early);
  import->commit();
  EXPECT_EQ(store_->eventCount(), 2);
  auto events = store_->eventsOf(ids[0]);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "open");
  EXPECT_EQ(events[1].type, "purchase");
  EXPECT_EQ(events[1].properties["amount"], 19.5);
  EXPECT_EQ(events[1].external_id, "E1");
  EXPECT_TRUE(store_->eventsOf(ids[1]).empty());
}

TEST_F(EventsTest, AnEventIdAlreadyStoredIsSkipped) {
  auto ids = addContacts(1);
  for (int round = 0; round < 2; ++round) {
    auto import = store_->beginEventImport();
    import->insert(Event{0, ids[0], "purchase", {{ "amount", 10 }}, 1000, "E1"});
    import->insert(Event{0, ids[0], "open", nlohmann::json::object(), 1000, std::nullopt});
    import->commit();
    EXPECT_EQ(import->insertedCount(), round == 0 ? 2 : 1);
    EXPECT_EQ(import->duplicateCount(), round == 0 ? 0 : 1);
  }
  EXPECT_EQ(store_->eventCount(), 3);  // events without an id cannot be told apart
}

TEST_F(EventsTest, UncommittedEventsRollBack) {
  auto ids = addContacts(1);
  {
    auto import = store_->beginEventImport();
    import->insert(Event{0, ids[0], "open", nlohmann::json::object(), 1000, std::nullopt});
  }
  EXPECT_EQ(store_->eventCount(), 0);
}

}  // namespace
}  // namespace herald::store::testing

namespace herald::store::testing {
namespace {

TEST_F(EventsTest, AFirstLoadWithRepeatedEventIdsKeepsTheFirst) {
  auto ids = addContacts(2);
  auto import = store_->beginEventImport();  // into an empty table: a bulk load
  import->insert(Event{0, ids[0], "purchase", {{ "amount", 1 }}, 1000, "E1"});
  import->insert(Event{0, ids[1], "open", nlohmann::json::object(), 2000, std::nullopt});
  import->insert(Event{0, ids[1], "purchase", {{ "amount", 2 }}, 3000, "E1"});
  import->check();
  EXPECT_EQ(import->insertedCount(), 2);
  EXPECT_EQ(import->duplicateCount(), 1);
  import->commit();
  EXPECT_EQ(store_->eventCount(), 2);
  EXPECT_EQ(store_->eventsOf(ids[0]).at(0).properties["amount"], 1);
  EXPECT_EQ(rawQuery(dbPath(),
                     "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                     "tbl_name = 'events'"),
            "4");  // by contact, by type and contact, by external id, machine events
}

}  // namespace
}  // namespace herald::store::testing
