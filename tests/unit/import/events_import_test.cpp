#include "import_fixture.hpp"

namespace herald::import::testing {
namespace {

using Lines = std::vector<std::string>;

class EventsImport : public ImportTest {
 protected:
  void SetUp() override {
    ImportTest::SetUp();
    auto r = contacts(file("c.csv", "external_id,email\nC1,a@example.com\nC2,b@example.com\n"));
    ASSERT_TRUE(r.committed);
  }
};

TEST_F(EventsImport, PurchasesOpensAndClicks) {
  auto r = events(file("e.csv",
                       "event_id,external_id,email,type,at,amount,items,campaign,rating:number\n"
                       "E1,C1,,purchase,2024-05-01T14:30:00Z,49.90,sku-1|sku-2,,\n"
                       "E2,,b@example.com,open,2024-05-02T08:00:00+02:00,,,spring,\n"
                       "E3,C2,,review,2024-05-03,,,,4\n"));
  EXPECT_EQ(lines(r), Lines{});
  EXPECT_EQ(r.stored, 3);
  auto c1 = store().contactByExternalId("C1");
  auto list = store().eventsOf(c1->id);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].type, "purchase");
  EXPECT_EQ(list[0].at_ms, 1714573800000);
  EXPECT_EQ(list[0].properties, (nlohmann::json{{"amount", 49.9}, {"items", {"sku-1", "sku-2"}}}));
  auto c2 = store().contactByExternalId("C2");
  auto list2 = store().eventsOf(c2->id);
  ASSERT_EQ(list2.size(), 2u);
  EXPECT_EQ(list2[0].properties, (nlohmann::json{{"campaign", "spring"}}));
  EXPECT_EQ(list2[0].at_ms, 1714629600000);
  EXPECT_EQ(list2[1].properties, (nlohmann::json{{"rating", 4}}));

  // Importing the same file again adds nothing: the event ids are known.
  auto again = events(file("e.csv", "event_id,external_id,type,at\nE1,C1,purchase,2024-05-01\n"));
  EXPECT_EQ(again.duplicates, 1);
  EXPECT_EQ(store().eventCount(), 3);
}

TEST_F(EventsImport, BadRows) {
  auto r = events(file("bad.csv",
                       "external_id,type,at,amount\n"
                       "C9,open,2024-05-01T00:00:00Z,\n"
                       "C1,Big Purchase,2024-05-01,\n"
                       "C1,purchase,yesterday,10\n"
                       "C1,purchase,2024-05-01,ten\n"
                       ",click,2024-05-01,\n"
                       "C1,,2024-05-01,\n"));
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(
      lines(r),
      (Lines{"bad.csv:2:1: error: column 'external_id': no contact has the external id 'C9' "
             "(import the contacts first)",
             "bad.csv:3:2: error: column 'type': 'Big Purchase' is not an event type (letters, "
             "digits, '_', '-', '.' and ':', at most 64; e.g. purchase)",
             "bad.csv:4:3: error: column 'at': 'yesterday' is not a time (write ISO 8601, e.g. "
             "2024-05-01T14:30:00Z)",
             "bad.csv:5:4: error: column 'amount': 'ten' is not a number",
             "bad.csv:6:1: error: the row names no contact: give its external_id or email",
             "bad.csv:7:2: error: the row has no event type"}));
  EXPECT_EQ(store().eventCount(), 0);
}

TEST_F(EventsImport, UnknownContactByEmail) {
  auto r = events(file("e.csv", "email,type,at\nnobody@example.com,open,2024-05-01\n"));
  EXPECT_EQ(lines(r), Lines{"e.csv:2:1: error: column 'email': no contact has the email "
                            "'nobody@example.com' (import the contacts first)"});
}

TEST_F(EventsImport, HeaderNeedsContactTypeAndTime) {
  auto r = events(file("h.csv", "amount\n1\n"));
  EXPECT_EQ(lines(r),
            (Lines{"h.csv:1: error: the header has neither an 'external_id' nor an 'email' column: "
                   "each event names its contact by one of them",
                   "h.csv:1: error: the header has no 'type' column: each event needs a type "
                   "(purchase, open, click, ...)",
                   "h.csv:1: error: the header has no 'at' column: each event needs the time it "
                   "happened (e.g. 2024-05-01T14:30:00Z)"}));
}

TEST_F(EventsImport, SkipInvalid) {
  auto r = events(file("e.csv", "external_id,type,at\nC1,open,2024-05-01\nC9,open,2024-05-01\n"),
                  /*skip_invalid=*/true);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.invalid_rows, 1);
  EXPECT_EQ(store().eventCount(), 1);
}

TEST_F(EventsImport, JsonLines) {
  auto r = events(file(
      "e.jsonl",
      R"({"event_id": "J1", "external_id": "C1", "type": "purchase", "at": "2024-05-01T10:00:00Z", "properties": {"amount": 12.5, "items": [{"sku": "tee", "qty": 2}]}})"
      "\n"
      R"({"email": "b@example.com", "type": "click", "at": "2024-05-01", "url": "https://example.com/x"})"
      "\n"
      R"({"external_id": "C1", "type": "open", "at": 1714557600})"
      "\n"));
  EXPECT_EQ(lines(r), Lines{"e.jsonl:3:39: error: field 'at': expected a string, found "
                            "'1714557600'"});
  EXPECT_FALSE(r.committed);
  auto ok = events(file(
      "e2.jsonl",
      R"({"event_id": "J1", "external_id": "C1", "type": "purchase", "at": "2024-05-01T10:00:00Z", "properties": {"amount": 12.5, "items": [{"sku": "tee", "qty": 2}]}})"
      "\n"));
  EXPECT_TRUE(ok.committed);
  auto list = store().eventsOf(store().contactByExternalId("C1")->id);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].properties["items"][0]["qty"], 2);
}

}  // namespace
}  // namespace herald::import::testing
