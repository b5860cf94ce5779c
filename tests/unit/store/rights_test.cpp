// The contact's rights against a real SQLite file: what an export contains,
// what an erasure removes and keeps, and the salted-hash suppression list
// that keeps an erased or suppressed address from coming back.
#include "store/experiments.hpp"
#include "store/suppression_hash.hpp"
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

const std::vector<std::string> kKeep = {"amount", "currency", "product_id", "items", "quantity"};

class RightsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Contact c = makeContact("C1", "ann@example.com");
    c.phone = "+14155550100";
    c.first_name = "Ann";
    c.last_name = "Lee";
    c.timezone = "America/New_York";
    c.locale = "en-US";
    c.attributes = {{"plan", "pro"}, {"birth_date", "1990-02-03"}};
    c.tags = {"vip", "beta"};
    c.consents = {{"email", true, "signup-form", 1000, "Send me the weekly news"},
                  {"sms", true, "checkout", 1000, "Texts about my orders"}};
    c.created_ms = c.updated_ms = 900;
    auto import = store_->beginContactImport();
    ann_ = import->upsert(c);
    // A later withdrawal: the history keeps both answers.
    c.consents = {{"sms", false, "unsubscribe-link", 2000, ""}};
    c.updated_ms = 2000;
    import->upsert(c);
    bob_ = import->upsert(makeContact("C2", "bob@example.com"));
    import->commit();

    auto events = store_->beginEventImport();
    Event e;
    e.contact_id = ann_;
    e.type = "purchase";
    e.at_ms = 3000;
    e.external_id = "order-1";
    e.properties = {{"amount", 42.5}, {"currency", "EUR"}, {"shipping_address", "1 Main St"}};
    events->insert(e);
    e.type = "open";
    e.at_ms = 4000;
    e.external_id = "open-1";
    e.properties = {{"subject", "Hello Ann"}};
    events->insert(e);
    e.contact_id = bob_;
    e.external_id = "open-2";
    events->insert(e);
    events->commit();

    run_ = store_->createRun("welcome", "rev1", "manual", false, 5000).id;
    store_->enrollContact(run_, "send", ann_, 5000);
    store_->enrollContact(run_, "send", bob_, 5000);
    LedgerEntry l;
    l.key = {"welcome", "rev1", "send", ann_, 0};
    l.channel = "email";
    l.decision = "allowed";
    l.run_id = run_;
    l.updated_ms = 5000;
    std::vector<LedgerEntry> wanted{l};
    store_->claimDeliveries(wanted);
    l.status = LedgerStatus::kSent;
    l.detail = "provider-id-123 to ann@example.com";
    BatchCommit batch;
    batch.run_id = run_;
    batch.now_ms = 6000;
    batch.ledger_updates.push_back(l);
    store_->commitBatch(batch);
  }

  int64_t count(const std::string& sql) { return std::stoll(rawQuery(dbPath(), sql)); }

  int64_t ann_ = 0;
  int64_t bob_ = 0;
  int64_t run_ = 0;
};

TEST_F(RightsTest, AnExportHoldsEverythingStoredAboutThePerson) {
  std::vector<ExperimentAssignment> placed(1);
  placed[0].contact_id = ann_;
  placed[0].variant = "personal";
  placed[0].phase = ExperimentPhase::kTest;
  placed[0].assigned_ms = 1'000;
  placed[0].run_id = run_;
  store_->experiments().assign("winback-subject", placed);
  auto x = store_->exportContact(ann_);
  const auto& experiments = (*x)["experiments"];
  ASSERT_EQ(experiments.size(), 1u);
  EXPECT_EQ(experiments[0]["experiment"], "winback-subject");
  EXPECT_EQ(experiments[0]["variant"], "personal");
  EXPECT_EQ(experiments[0]["phase"], "test");
  EXPECT_EQ(experiments[0]["assigned_at"], "1970-01-01T00:00:01Z");
  EXPECT_EQ((*store_->exportContact(bob_))["experiments"].size(), 0u);
  ASSERT_TRUE(x);
  EXPECT_EQ((*x)["format"], "herald-contact-export/1");
  const auto& c = (*x)["contact"];
  EXPECT_EQ(c["id"], ann_);
  EXPECT_EQ(c["external_id"], "C1");
  EXPECT_EQ(c["email"], "ann@example.com");
  EXPECT_EQ(c["phone"], "+14155550100");
  EXPECT_EQ(c["first_name"], "Ann");
  EXPECT_EQ(c["last_name"], "Lee");
  EXPECT_EQ(c["timezone"], "America/New_York");
  EXPECT_EQ(c["locale"], "en-US");
  EXPECT_TRUE(c["suppressed_at"].is_null());
  EXPECT_EQ((*x)["attributes"], (nlohmann::json{{"plan", "pro"}, {"birth_date", "1990-02-03"}}));
  EXPECT_EQ((*x)["tags"], (nlohmann::json{"beta", "vip"}));

  // Every answer, with its provenance; the newest per channel is current.
  const auto& k = (*x)["consents"];
  ASSERT_EQ(k.size(), 3u) << k.dump(2);
  EXPECT_EQ(k[0], (nlohmann::json{{"channel", "email"},
                                  {"granted", true},
                                  {"source", "signup-form"},
                                  {"at", "1970-01-01T00:00:01Z"},
                                  {"wording", "Send me the weekly news"},
                                  {"current", true}}));
  EXPECT_EQ(k[1]["channel"], "sms");
  EXPECT_EQ(k[1]["wording"], "Texts about my orders");
  EXPECT_FALSE(k[1]["current"].get<bool>());
  EXPECT_EQ(k[2]["source"], "unsubscribe-link");
  EXPECT_FALSE(k[2]["granted"].get<bool>());
  EXPECT_TRUE(k[2]["current"].get<bool>());

  const auto& events = (*x)["events"];
  ASSERT_EQ(events.size(), 2u);  // not Bob's
  EXPECT_EQ(events[0]["type"], "purchase");
  EXPECT_EQ(events[0]["event_id"], "order-1");
  EXPECT_EQ(events[0]["properties"]["shipping_address"], "1 Main St");
  EXPECT_EQ(events[1]["type"], "open");

  const auto& journeys = (*x)["journeys"];
  ASSERT_EQ(journeys.size(), 1u);
  EXPECT_EQ(journeys[0]["workflow"], "welcome");
  EXPECT_EQ(journeys[0]["run_id"], run_);
  EXPECT_EQ(journeys[0]["step"], "send");

  const auto& messages = (*x)["messages"];
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["channel"], "email");
  EXPECT_EQ(messages[0]["status"], "sent");
  EXPECT_EQ(messages[0]["decision"], "allowed");
  EXPECT_EQ(messages[0]["step"], "send");

  EXPECT_FALSE(store_->exportContact(999));
}

TEST_F(RightsTest, EraseRemovesPersonalDataAndKeepsEventsAnonymised) {
  auto r = store_->eraseContact(ann_, kKeep, 10'000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->contact_id, ann_);
  EXPECT_EQ(r->events_anonymised, 2);
  EXPECT_EQ(r->journeys_removed, 1);
  ASSERT_EQ(r->suppressed.size(), 2u);
  EXPECT_EQ(r->suppressed[0].kind, "email");
  EXPECT_EQ(r->suppressed[1].kind, "phone");
  EXPECT_EQ(r->suppressed[0].reason, "erased");

  // Gone for every lookup.
  EXPECT_FALSE(store_->contactById(ann_));
  EXPECT_FALSE(store_->contactByExternalId("C1"));
  EXPECT_FALSE(store_->contactByEmail("ann@example.com"));
  EXPECT_FALSE(store_->exportContact(ann_));
  EXPECT_FALSE(store_->eraseContact(ann_, kKeep, 11'000));  // once
  EXPECT_EQ(store_->contactCount(), 1);

  // The row keeps only its id (and times); nothing else of the person.
  const std::string id = std::to_string(ann_);
  EXPECT_EQ(rawQuery(dbPath(),
                     "SELECT coalesce(external_id, '') || coalesce(email, '') || coalesce(phone, "
                     "'') || coalesce(first_name, '') || coalesce(last_name, '') || "
                     "coalesce(timezone, '') || coalesce(locale, '') || attributes || tags "
                     "FROM contacts WHERE id = " +
                         id),
            "{}[]");
  EXPECT_EQ(rawQuery(dbPath(), "SELECT erased_ms FROM contacts WHERE id = " + id), "10000");
  EXPECT_EQ(count("SELECT count(*) FROM contact_tags WHERE contact_id = " + id), 0);
  EXPECT_EQ(count("SELECT count(*) FROM consents WHERE contact_id = " + id), 0);
  EXPECT_EQ(count("SELECT count(*) FROM journeys WHERE contact_id = " + id), 0);
  // Events stay (totals stay right) with only the kept properties.
  EXPECT_EQ(count("SELECT count(*) FROM events WHERE contact_id = " + id), 2);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT properties FROM events WHERE contact_id = " + id +
                                   " AND type = 'purchase'"),
            R"({"amount":42.5,"currency":"EUR"})");
  EXPECT_EQ(rawQuery(dbPath(), "SELECT properties FROM events WHERE contact_id = " + id +
                                   " AND type = 'open'"),
            "{}");
  EXPECT_EQ(count("SELECT count(*) FROM events WHERE contact_id = " + id +
                  " AND external_id IS NOT NULL"),
            0);
  // The ledger keeps the message from being sent again, without its detail.
  EXPECT_EQ(rawQuery(dbPath(),
                     "SELECT status || '|' || detail FROM send_ledger WHERE "
                     "contact_id = " +
                         id),
            "sent|");
  // Nothing of the address is stored in clear anywhere.
  EXPECT_EQ(count("SELECT count(*) FROM suppressions WHERE hash LIKE '%ann%'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM suppressions"), 2);

  // Bob is untouched.
  auto bob = store_->contactById(bob_);
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->email, "bob@example.com");
  EXPECT_EQ(store_->eventsOf(bob_).size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM journeys WHERE contact_id = " + std::to_string(bob_)), 1);
}

TEST_F(RightsTest, TheSuppressionHashIsSaltedPerDatabase) {
  const std::string salt =
      rawQuery(dbPath(), "SELECT value FROM meta WHERE key = 'suppression_salt'");
  EXPECT_EQ(salt.size(), 64u);
  auto r = store_->eraseContact(ann_, kKeep, 10'000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->suppressed[0].hash, suppressionHash(salt, "email", "ann@example.com"));
  EXPECT_EQ(r->suppressed[0].hash.size(), 64u);
  EXPECT_NE(suppressionHash("another salt", "email", "ann@example.com"), r->suppressed[0].hash);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT hash FROM suppressions WHERE kind = 'email'"),
            r->suppressed[0].hash);
}

TEST_F(RightsTest, ALaterImportOfAnErasedAddressIsSkippedWhateverItsCaseAndSpaces) {
  ASSERT_TRUE(store_->eraseContact(ann_, kKeep, 10'000));
  EXPECT_TRUE(store_->isSuppressed("email", "  ANN@Example.com "));
  EXPECT_TRUE(store_->isSuppressed("phone", "+1 (415) 555-0100"));
  EXPECT_FALSE(store_->isSuppressed("email", "bob@example.com"));

  auto import = store_->beginContactImport();
  Contact again = makeContact("C9", " Ann@EXAMPLE.com ");
  EXPECT_EQ(import->upsert(again), 0);  // not stored
  Contact by_phone = makeContact("C10", "someone@example.com");
  by_phone.phone = "+14155550100";
  EXPECT_EQ(import->upsertWithAttributes(by_phone, "{}"), 0);
  EXPECT_GT(import->upsert(makeContact("C11", "carol@example.com")), 0);
  import->commit();
  EXPECT_EQ(import->createdCount(), 1);
  EXPECT_FALSE(store_->contactByExternalId("C9"));
  EXPECT_FALSE(store_->contactByExternalId("C10"));
  EXPECT_EQ(store_->contactCount(), 2);  // Bob and Carol
}

TEST_F(RightsTest, ABulkLoadIntoAnEmptyStoreSkipsSuppressedAddressesToo) {
  store_ = openSqliteStore((dir_.path() / "empty.db").string());
  store_->suppressAddress("email", "ann@example.com", "complaint", 1);
  auto import = store_->beginBulkContactImport();
  EXPECT_EQ(import->upsert(makeContact("C1", "ann@example.com")), 0);
  EXPECT_GT(import->upsert(makeContact("C2", "bob@example.com")), 0);
  import->commit();
  EXPECT_EQ(store_->contactCount(), 1);
}

TEST_F(RightsTest, SuppressingAnAddressMarksTheContactsThatHaveIt) {
  auto s = store_->suppressAddress("email", "bob@example.com", "complaint", 7000);
  EXPECT_EQ(s.kind, "email");
  EXPECT_EQ(s.reason, "complaint");
  EXPECT_EQ(s.at_ms, 7000);
  auto bob = store_->contactById(bob_);
  ASSERT_TRUE(bob);
  ASSERT_TRUE(bob->suppressed_ms);
  EXPECT_EQ(*bob->suppressed_ms, 7000);
  EXPECT_FALSE(store_->contactById(ann_)->suppressed_ms);
  EXPECT_EQ(store_->exportContact(bob_).value()["contact"]["suppressed_at"],
            "1970-01-01T00:00:07Z");

  // By phone, in any spelling of it.
  store_->suppressAddress("phone", "0014155550100", "carrier opt-out", 8000);
  EXPECT_EQ(store_->contactById(ann_)->suppressed_ms, 8000);

  // A second time keeps the first record.
  auto again = store_->suppressAddress("email", "bob@example.com", "other", 9000);
  EXPECT_EQ(again.reason, "complaint");
  EXPECT_EQ(again.at_ms, 7000);
  EXPECT_EQ(count("SELECT count(*) FROM suppressions"), 2);

  // Known contacts with the address are not updated by an import either.
  auto import = store_->beginContactImport();
  Contact b = makeContact("C2", "bob@example.com");
  b.first_name = "Robert";
  EXPECT_EQ(import->upsert(b), 0);
  import->commit();
  EXPECT_FALSE(store_->contactById(bob_)->first_name);
}

TEST_F(RightsTest, SuppressRefusesWhatIsNotAnAddress) {
  EXPECT_THROW(store_->suppressAddress("fax", "+14155550100", "x", 1), StoreError);
  try {
    store_->suppressAddress("email", "not-an-email", "x", 1);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_STREQ(e.what(), "'not-an-email' is not an email address");
  }
  try {
    store_->suppressAddress("phone", "555-0100", "x", 1);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_STREQ(e.what(), "'555-0100' is not an E.164 phone number");
  }
}

TEST(SuppressionHash, CanonicalFormsOfAddresses) {
  EXPECT_EQ(canonicalAddress("email", "  Ann@Example.COM\t"), "ann@example.com");
  EXPECT_EQ(canonicalAddress("email", "ann@"), std::nullopt);
  EXPECT_EQ(canonicalAddress("email", "a@b@c"), std::nullopt);
  EXPECT_EQ(canonicalAddress("phone", "+33 6 12-34.56 (78)"), "+33612345678");
  EXPECT_EQ(canonicalAddress("phone", "0033612345678"), "+33612345678");
  EXPECT_EQ(canonicalAddress("phone", "0612345678"), std::nullopt);  // no country code
  EXPECT_EQ(canonicalAddress("phone", "+1234"), std::nullopt);
  EXPECT_EQ(canonicalAddress("fax", "+33612345678"), std::nullopt);
  // Known answer: HMAC-SHA256("key", "email:a@b.c"), as `openssl dgst -sha256 -hmac key`.
  EXPECT_EQ(suppressionHash("key", "email", "a@b.c"),
            "74646180ec8eca2c332fbd4c9dea6bdae6c5e78f9061a09f6b8d1283a927cc0b");
  EXPECT_NE(suppressionHash("key", "email", "x"), suppressionHash("key", "phone", "x"));
}

}  // namespace
}  // namespace herald::store::testing
