#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

using ContactsTest = StoreTest;

Contact full() {
  Contact c = makeContact("C1", "ann@example.com");
  c.phone = "+14155550100";
  c.first_name = "Ann";
  c.last_name = "Lee";
  c.timezone = "America/New_York";
  c.locale = "en-US";
  c.attributes = {{"plan", "pro"}, {"orders", 3}};
  c.tags = {"newsletter", "beta"};
  c.consents = {{"email", true, "signup-form", 1000, "Send me news"}};
  c.created_ms = c.updated_ms = 5000;
  return c;
}

TEST_F(ContactsTest, ImportedContactReadsBackWithEverything) {
  auto import = store_->beginContactImport();
  int64_t id = import->upsert(full());
  import->commit();
  EXPECT_EQ(import->createdCount(), 1);
  auto c = store_->contactById(id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->external_id, "C1");
  EXPECT_EQ(c->email, "ann@example.com");
  EXPECT_EQ(c->phone, "+14155550100");
  EXPECT_EQ(c->timezone, "America/New_York");
  EXPECT_EQ(c->attributes, (nlohmann::json{{"plan", "pro"}, {"orders", 3}}));
  EXPECT_EQ(c->tags, (std::vector<std::string>{"beta", "newsletter"}));
  ASSERT_EQ(c->consents.size(), 1u);
  EXPECT_EQ(c->consents[0].channel, "email");
  EXPECT_TRUE(c->consents[0].granted);
  EXPECT_EQ(c->consents[0].source, "signup-form");
  EXPECT_EQ(c->consents[0].at_ms, 1000);
  EXPECT_EQ(c->consents[0].wording, "Send me news");
  EXPECT_EQ(c->created_ms, 5000);
  EXPECT_EQ(store_->contactByExternalId("C1")->id, id);
  EXPECT_FALSE(store_->contactByExternalId("nope"));
  // The tag index is in step with the contact's tags.
  EXPECT_EQ(rawQuery(dbPath(),
                     "SELECT group_concat(tag) FROM (SELECT tag FROM contact_tags "
                     "ORDER BY tag)"),
            "beta,newsletter");
}

TEST_F(ContactsTest, UpdateByExternalIdMergesAttributesAndUnionsTags) {
  auto import = store_->beginContactImport();
  int64_t id = import->upsert(full());
  Contact again = makeContact("C1", "ann.lee@example.com");
  again.attributes = {{"orders", 4}, {"vip", true}};
  again.tags = {"vip", "beta"};
  again.updated_ms = 9000;
  EXPECT_EQ(import->upsert(again), id);
  import->commit();
  EXPECT_EQ(import->createdCount(), 1);
  EXPECT_EQ(import->updatedCount(), 1);
  auto c = store_->contactById(id);
  EXPECT_EQ(c->email, "ann.lee@example.com");  // changed
  EXPECT_EQ(c->first_name, "Ann");             // not in the row: kept
  EXPECT_EQ(c->attributes, (nlohmann::json{{"plan", "pro"}, {"orders", 4}, {"vip", true}}));
  EXPECT_EQ(c->tags, (std::vector<std::string>{"beta", "newsletter", "vip"}));
  EXPECT_EQ(c->updated_ms, 9000);
  EXPECT_EQ(c->created_ms, 5000);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM contact_tags"), "3");
}

TEST_F(ContactsTest, UpdateByEmailAdoptsTheExternalId) {
  auto import = store_->beginContactImport();
  Contact no_id;
  no_id.email = "bob@example.com";
  int64_t id = import->upsert(no_id);
  Contact with_id = makeContact("B7", "bob@example.com");
  with_id.last_name = "Builder";
  EXPECT_EQ(import->upsert(with_id), id);
  import->commit();
  auto c = store_->contactById(id);
  EXPECT_EQ(c->external_id, "B7");
  EXPECT_EQ(c->last_name, "Builder");
  EXPECT_EQ(store_->contactCount(), 1);
}

TEST_F(ContactsTest, NullAttributeRemovesIt) {
  auto import = store_->beginContactImport();
  int64_t id = import->upsert(full());
  Contact c = makeContact("C1", "ann@example.com");
  c.attributes = {{"plan", nullptr}};
  import->upsert(c);
  import->commit();
  EXPECT_EQ(store_->contactById(id)->attributes, (nlohmann::json{{"orders", 3}}));
}

TEST_F(ContactsTest, AnEmailOfAnotherContactIsAConflictAndWritesNothing) {
  auto import = store_->beginContactImport();
  import->upsert(makeContact("A", "a@example.com"));
  int64_t b = import->upsert(makeContact("B", "b@example.com"));
  // B tries to take A's address.
  Contact steal = makeContact("B", "a@example.com");
  steal.first_name = "Thief";
  steal.tags = {"x"};
  try {
    import->upsert(steal);
    FAIL() << "no conflict";
  } catch (const ContactConflict& e) {
    EXPECT_EQ(std::string(e.what()),
              "email 'a@example.com' already belongs to the contact with external id 'A'; two "
              "contacts cannot share an email address");
  }
  // A new contact whose email is A's.
  try {
    import->upsert(makeContact("C", "a@example.com"));
    FAIL() << "no conflict";
  } catch (const ContactConflict& e) {
    EXPECT_NE(std::string(e.what()).find("external id 'A'"), std::string::npos) << e.what();
  }
  import->commit();
  auto c = store_->contactById(b);
  EXPECT_EQ(c->email, "b@example.com");
  EXPECT_FALSE(c->first_name);
  EXPECT_TRUE(c->tags.empty());
  EXPECT_EQ(store_->contactCount(), 2);
}

TEST_F(ContactsTest, ConsentIsRecordedOnlyWhenItChanges) {
  auto import = store_->beginContactImport();
  Contact c = full();
  int64_t id = import->upsert(c);
  // Same answer again, later: nothing new.
  c.consents = {{"email", true, "import:again.csv", 2000, ""}};
  import->upsert(c);
  // Withdrawn later: recorded and current.
  c.consents = {{"email", false, "unsubscribe-link", 3000, ""}};
  import->upsert(c);
  // An older answer does not override the newer one.
  c.consents = {{"email", true, "old-crm", 1500, ""}};
  import->upsert(c);
  import->commit();
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM consents"), "2");
  auto stored = store_->contactById(id);
  ASSERT_EQ(stored->consents.size(), 1u);
  EXPECT_FALSE(stored->consents[0].granted);
  EXPECT_EQ(stored->consents[0].source, "unsubscribe-link");
  EXPECT_EQ(stored->consents[0].at_ms, 3000);
}

TEST_F(ContactsTest, NothingIsVisibleBeforeCommitAndAnAbandonedImportRollsBack) {
  {
    auto import = store_->beginContactImport();
    import->upsert(full());
    EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM contacts"), "0");
  }
  EXPECT_EQ(store_->contactCount(), 0);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM contact_tags"), "0");
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM consents"), "0");
}

TEST_F(ContactsTest, BulkLoadIntoAnEmptyStoreRebuildsTheIndexes) {
  auto import = store_->beginBulkContactImport();
  for (int i = 0; i < 1000; ++i) {
    Contact c = makeContact("K" + std::to_string(i), "k" + std::to_string(i) + "@example.com");
    c.tags = {"t" + std::to_string(i % 5)};
    import->upsert(c);
  }
  import->commit();
  EXPECT_EQ(store_->contactCount(), 1000);
  EXPECT_EQ(rawQuery(dbPath(),
                     "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                     "name IN ('contacts_by_email', 'contacts_by_external_id')"),
            "2");
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM contact_tags WHERE tag = 't3'"), "200");
  EXPECT_EQ(store_->contactByExternalId("K999")->email, "k999@example.com");
}

TEST_F(ContactsTest, BulkLoadWithARepeatedKeyRollsBackAndSaysSo) {
  {
    auto import = store_->beginBulkContactImport();
    import->upsert(makeContact("K1", "k1@example.com"));
    import->upsert(makeContact("K2", "k1@example.com"));
    EXPECT_THROW(import->commit(), BulkLoadConflict);
  }
  EXPECT_EQ(store_->contactCount(), 0);
  EXPECT_EQ(rawQuery(dbPath(),
                     "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                     "name = 'contacts_by_email'"),
            "1");
  // Row by row, the same rows are an upsert conflict reported per row.
  auto import = store_->beginContactImport();
  import->upsert(makeContact("K1", "k1@example.com"));
  EXPECT_THROW(import->upsert(makeContact("K2", "k1@example.com")), ContactConflict);
}

TEST_F(ContactsTest, BulkLoadIntoAStoreWithContactsUpsertsRowByRow) {
  addContacts(2);
  auto import = store_->beginBulkContactImport();
  Contact c = makeContact("C1", "c1@example.com");
  c.last_name = "Updated";
  import->upsert(c);
  import->commit();
  EXPECT_EQ(import->updatedCount(), 1);
  EXPECT_EQ(store_->contactCount(), 2);
  EXPECT_EQ(store_->contactByExternalId("C1")->last_name, "Updated");
}

TEST_F(ContactsTest, AttributesGivenAsJsonText) {
  auto import = store_->beginContactImport();
  int64_t id = import->upsertWithAttributes(makeContact("J", "j@example.com"),
                                            R"({"age":41,"city":"Lyon"})");
  import->upsertWithAttributes(makeContact("J", "j@example.com"), R"({"age":42})");
  import->commit();
  EXPECT_EQ(store_->contactById(id)->attributes, (nlohmann::json{{"age", 42}, {"city", "Lyon"}}));
}

}  // namespace
}  // namespace herald::store::testing
