// Exact money in segments and RFM, RFM over a look-back window with ties
// broken by external_id, and RFM scores reused across the batches of a run.
// Every expected answer is worked out by hand in the comments.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "segment/time.hpp"
#include "segment_test_util.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kHour = 3600000;
// 2025-06-01T00:00:00Z
constexpr int64_t kNow = 1748736000000;

using Set = std::set<int>;

class SegmentTestBase : public StoreTest {
 protected:
  // Contacts numbered from 1 in id_.
  void addContact(const std::string& ext) {
    auto import = store_->beginContactImport();
    id_.push_back(import->upsert(makeContact(ext, ext + "@example.com")));
    import->commit();
  }
  void addEvents(const std::vector<std::tuple<int, std::string, nlohmann::json, int64_t>>& rows) {
    auto events = store_->beginEventImport();
    for (const auto& [who, type, props, at] : rows) {
      Event e;
      e.contact_id = id_[static_cast<size_t>(who)];
      e.type = type;
      e.properties = props;
      e.at_ms = at;
      events->insert(e);
    }
    events->commit();
  }
  int numberOf(int64_t id) const {
    return static_cast<int>(std::find(id_.begin(), id_.end(), id) - id_.begin());
  }
  // Through segmentMembers and, one contact at a time, segmentMatch.
  Set match(const std::string& yaml, const segment::EvalContext& ctx = {kNow, "UTC", {}}) {
    auto rule = parseRuleText(yaml);
    Set out;
    for (int64_t id : store_->segmentMembers(*rule, ctx)) out.insert(numberOf(id));
    std::vector<int64_t> all(id_.begin() + 1, id_.end());
    const auto matched = store_->segmentMatch(*rule, ctx, all);
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(matched[i], out.count(static_cast<int>(i) + 1) > 0)
          << yaml << ": segmentMatch of contact " << i + 1;
    }
    return out;
  }
  std::vector<int64_t> id_{0};
};

// ---- money ----

// 1: purchases of 66.20, 66.90, 66.90 in the year (exactly 200.00; as
//    doubles, summed in that order, 200.00000000000003) and an older 5.00.
// 2: 79.91, 79.99, 80.10: an average of exactly 80.00 (79.99999999999999
//    as doubles).
// 3: the same as 1 in a `price` property, and an amount written as text.
class MoneyTest : public SegmentTestBase {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    for (const char* ext : {"M1", "M2", "M3"}) addContact(ext);
    addEvents({{1, "purchase", {{"amount", 5.00}}, kNow - 400 * kDay},
               {1, "purchase", {{"amount", 66.20}}, kNow - 30 * kDay},
               {1, "purchase", {{"amount", 66.90}}, kNow - 20 * kDay},
               {1, "purchase", {{"amount", 66.90}}, kNow - 10 * kDay},
               {2, "purchase", {{"amount", 79.91}}, kNow - 30 * kDay},
               {2, "purchase", {{"amount", 79.99}}, kNow - 20 * kDay},
               {2, "purchase", {{"amount", 80.10}}, kNow - 10 * kDay},
               {3, "purchase", {{"price", 66.20}, {"amount", "12.50"}}, kNow - 30 * kDay},
               {3, "purchase", {{"price", 66.90}}, kNow - 20 * kDay},
               {3, "purchase", {{"price", 66.90}}, kNow - 10 * kDay}});
  }
};

TEST_F(MoneyTest, SumsAtTheEdgeOfTheWindowAreExact) {
  // 1 spent exactly 200.00 in the year, 2 spent 240.
  EXPECT_EQ(match("{event: purchase, within: 365d, sum: {property: amount, greater_than: 200}}"),
            (Set{2}));
  EXPECT_EQ(match("{event: purchase, within: 365d, sum: {property: amount, at_least: 200}}"),
            (Set{1, 2}));
  EXPECT_EQ(match("{event: purchase, within: 365d, sum: {property: amount, equals: 200.00}}"),
            (Set{1}));
  EXPECT_EQ(match("{event: purchase, within: 365d, sum: {property: amount, at_most: 200}}"),
            (Set{1, 3}));  // 3 spent 12.50 (the text "12.50")
  // With the older 5.00: 205.
  EXPECT_EQ(match("{event: purchase, sum: {property: amount, equals: 205}}"), (Set{1}));
  // Another property, read from the stored JSON text.
  EXPECT_EQ(match("{event: purchase, sum: {property: price, greater_than: 200}}"), (Set{}));
  EXPECT_EQ(match("{event: purchase, sum: {property: price, equals: 200}}"), (Set{3}));
  EXPECT_EQ(match("{event: purchase, sum: {property: amount, between: [200, 200]}}"), (Set{}));
  EXPECT_EQ(match("{event: purchase, within: 365d, sum: {property: amount, in: [200, 240]}}"),
            (Set{1, 2}));
}

TEST_F(MoneyTest, AveragesAreExactAndRoundedToAMicroUnit) {
  EXPECT_EQ(match("{event: purchase, within: 365d, average: {property: amount, less_than: 80}}"),
            (Set{1, 3}));  // 66.666667 and 12.50; 2's is exactly 80
  EXPECT_EQ(match("{event: purchase, average: {property: amount, equals: 80}}"), (Set{2}));
  EXPECT_EQ(match("{event: purchase, average: {property: amount, at_least: 80}}"), (Set{2}));
  // 200 / 3 = 66.6666666... -> 66.666667 (rounded half away from zero).
  EXPECT_EQ(match("{event: purchase, within: 365d, average: {property: amount, equals: "
                  "66.666667}}"),
            (Set{1}));
  EXPECT_EQ(match("{event: purchase, average: {property: price, equals: 66.666667}}"), (Set{3}));
}

TEST_F(MoneyTest, RfmMonetaryIsExact) {
  segment::RfmOptions options;
  options.window = segment::parseDuration("365d");
  const auto scores = store_->rfmScores(options, {kNow, "UTC", {}});
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_EQ(scores[0].amount_units, 200'000'000);
  EXPECT_EQ(scores[1].amount_units, 240'000'000);
  EXPECT_EQ(scores[2].amount_units, 12'500'000);
  options.amount_property = "price";
  EXPECT_EQ(store_->rfmScores(options, {kNow, "UTC", {}})[2].amount_units, 200'000'000);
}

// A version 3 database (amounts only in the JSON) is migrated: every stored
// amount is read again from its text, and the index is rebuilt on it.
TEST(MoneyMigration, ExistingEventsGetTheirAmountsExactly) {
  TempDir dir;
  const auto path = dir.path() / "old.db";
  for (const auto& m : sqlite::migrations()) {
    if (m.version > 3) break;
    rawExec(path, m.sql);
  }
  rawExec(path, "PRAGMA user_version = 3");
  rawExec(path,
          "INSERT INTO contacts(id, external_id, created_ms, updated_ms) VALUES (1, 'X', 0, 0);"
          "INSERT INTO events(contact_id, type, properties, at_ms) VALUES "
          "(1, 'purchase', '{\"amount\":66.20}', 1), (1, 'purchase', '{\"amount\":66.90}', 2), "
          "(1, 'purchase', '{\"amount\":66.90}', 3), (1, 'purchase', '{\"amount\":\"abc\"}', 4), "
          "(1, 'view', '{}', 5)");
  auto store = openSqliteStore(path.string());
  EXPECT_EQ(rawQuery(path,
                     "SELECT group_concat(coalesce(amount_units, 'null')) FROM "
                     "(SELECT amount_units FROM events ORDER BY id)"),
            "66200000,66900000,66900000,null,null");
  EXPECT_NE(rawQuery(path, "SELECT sql FROM sqlite_schema WHERE name = 'events_by_type_contact'")
                .find("amount_units"),
            std::string::npos);
  auto rule = parseRuleText("{event: purchase, sum: {property: amount, equals: 200}}");
  EXPECT_EQ(store->segmentCount(*rule, {10, "UTC", {}}), 1);
}

// ---- RFM over a window ----

// As of 2025-06-01, window 365d (from 2024-06-01T00:00Z, included):
//   #  ext  purchases (in the window)            n  amount  last
//   1  E5   2023-01-10 1000 (outside), 2025-05-01 10   1  10      2025-05-01
//   2  E2   2024-07-01 50, 2024-08-01 50          2  100     2024-08-01
//   3  E4   2024-05-31 500 (outside, a day early) -  (not scored)
//   4  E1   2025-05-20 30, 05-25 30, 05-30 40     3  100     2025-05-30
//   5  E3   2024-06-01T00:00Z 100 (the window's first instant)  1  100  2024-06-01
//   6  E6   none
// NTILE(5) of 4 rows: one row per score 1..4.
//   R by last: 5, 2, 1, 4                     -> 5:1 2:2 1:3 4:4
//   F by n, ties by external_id: 5 (E3) before 1 (E5), 2, 4
//                                             -> 5:1 1:2 2:3 4:4  (by id: 1:1 5:2)
//   M by amount, ties by external_id: 1 (10), then 4 (E1), 2 (E2), 5 (E3)
//                                             -> 1:1 4:2 2:3 5:4  (by id: 2:2 4:3)
//   1: R3 F2 M1 FM2 about_to_sleep   2: R2 F3 M3 FM3 at_risk
//   4: R4 F4 M2 FM3 potential_loyalists   5: R1 F1 M4 FM3 at_risk
class RfmWindowTest : public SegmentTestBase {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    for (const char* ext : {"E5", "E2", "E4", "E1", "E3", "E6"}) addContact(ext);
    const int64_t may1 = kNow - 31 * kDay;
    const int64_t jun1_2024 = kNow - 365 * kDay;  // 2024-06-01T00:00Z (2024 is a leap year)
    addEvents({{1, "purchase", {{"amount", 1000}}, kNow - 873 * kDay},
               {1, "purchase", {{"amount", 10}}, may1},
               {2, "purchase", {{"amount", 50}}, jun1_2024 + 30 * kDay},
               {2, "purchase", {{"amount", 50}}, jun1_2024 + 61 * kDay},
               {3, "purchase", {{"amount", 500}}, jun1_2024 - kDay},
               {4, "purchase", {{"amount", 30}}, kNow - 12 * kDay},
               {4, "purchase", {{"amount", 30}}, kNow - 7 * kDay},
               {4, "purchase", {{"amount", 40}}, kNow - 2 * kDay},
               {5, "purchase", {{"amount", 100}}, jun1_2024},
               {6, "open", {}, kNow - kDay}});
  }
};

TEST_F(RfmWindowTest, OnlyPurchasesInTheWindowCountAndTiesGoByExternalId) {
  segment::RfmOptions options;
  options.window = segment::parseDuration("365d");
  const auto scores = store_->rfmScores(options, {kNow, "UTC", {}});
  ASSERT_EQ(scores.size(), 4u);
  struct Expected {
    int who, r, f, m;
    int64_t n, amount;
    const char* segment;
  };
  const Expected expected[] = {{1, 3, 2, 1, 1, 10, "about_to_sleep"},
                               {2, 2, 3, 3, 2, 100, "at_risk"},
                               {4, 4, 4, 2, 3, 100, "potential_loyalists"},
                               {5, 1, 1, 4, 1, 100, "at_risk"}};
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(expected[i].who);
    EXPECT_EQ(numberOf(scores[i].contact_id), expected[i].who);
    EXPECT_EQ(scores[i].recency, expected[i].r);
    EXPECT_EQ(scores[i].frequency, expected[i].f);
    EXPECT_EQ(scores[i].monetary, expected[i].m);
    EXPECT_EQ(scores[i].purchases, expected[i].n);
    EXPECT_EQ(scores[i].amount_units, expected[i].amount * 1'000'000);
    EXPECT_EQ(scores[i].segment, expected[i].segment);
  }
  // Without a window every purchase counts: 1..5 are scored.
  EXPECT_EQ(store_->rfmScores({}, {kNow, "UTC", {}}).size(), 5u);
}

TEST_F(RfmWindowTest, RulesRankTheSameWay) {
  EXPECT_EQ(match("{rfm: {window: 365d, segment: at_risk}}"), (Set{2, 5}));
  EXPECT_EQ(match("{rfm: {window: 365d, frequency: {equals: 2}}}"), (Set{1}));
  EXPECT_EQ(match("{rfm: {window: 365d, monetary: {equals: 2}}}"), (Set{4}));
  EXPECT_EQ(match("{rfm: {window: 12mo, segment: potential_loyalists}}"), (Set{4}));
  // A window ending at an earlier as_of: 2024-06-01 .. 2025-05-01 leaves 4 out.
  EXPECT_EQ(match("{rfm: {window: 334d, as_of: 2025-05-01, recency: {at_least: 1}}}"),
            (Set{1, 2, 5}));
}

TEST_F(RfmWindowTest, ASegmentStepRanksOncePerRunAndDay) {
  auto* sqlite = dynamic_cast<sqlite::SqliteStore*>(store_.get());
  ASSERT_NE(sqlite, nullptr);
  auto rule = parseRuleText("{rfm: {window: 365d, segment: at_risk}}");
  const std::vector<int64_t> batch1 = {id_[1], id_[2], id_[3]}, batch2 = {id_[4], id_[5], id_[6]};
  using B = std::vector<bool>;
  EXPECT_EQ(store_->segmentMatch(*rule, {kNow, "UTC", "run-1"}, batch1), (B{false, true, false}));
  EXPECT_EQ(store_->segmentMatch(*rule, {kNow + kHour, "UTC", "run-1"}, batch2),
            (B{false, true, false}));
  EXPECT_EQ(store_->segmentMatch(*rule, {kNow + 2 * kHour, "UTC", "run-1"}, batch1),
            (B{false, true, false}));
  EXPECT_EQ(sqlite->rfmComputations(), 1);
  // Another run, or the next day, ranks again; without a scope nothing is kept.
  store_->segmentMatch(*rule, {kNow, "UTC", "run-2"}, batch1);
  EXPECT_EQ(sqlite->rfmComputations(), 2);
  store_->segmentMatch(*rule, {kNow + 25 * kHour, "UTC", "run-1"}, batch1);
  EXPECT_EQ(sqlite->rfmComputations(), 3);
  store_->segmentMatch(*rule, {kNow, "UTC", {}}, batch1);
  EXPECT_EQ(sqlite->rfmComputations(), 3);
}

}  // namespace
}  // namespace herald::store::testing
