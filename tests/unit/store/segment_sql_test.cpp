// Every operator of the segment language against answers worked out by hand
// on a small fixture (the comments say why each contact is in or out).
#include "store/sqlite/segment_sql.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "segment_test_util.hpp"
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

constexpr int64_t kDay = 86400000;
// 2025-06-15T23:30:00Z: already 2025-06-16 (01:30) in Europe/Berlin.
constexpr int64_t kNow = 1750030200000;
constexpr int64_t k90Days = 90 * kDay;

// Contacts 1..6 (the comments of each test refer to them by number):
//  1 Ann  pro, orders 5, born 1990-06-15, interests [golf, wine], tags vip+newsletter,
//         phone, email consent revoked (newest), sms consent, created 30d+1ms ago
//  2 Bob  free, orders 0, born 2007-06-16 (18 on the 16th), interests [golf],
//         tag newsletter, email consent granted (newest), created exactly 30d ago
//  3 Cy   pro, born 2007-06-15, tag vip, email consent, suppressed
//  4 Dee  erased (never matches), a big recent purchase
//  5 Eve  attributes that look like SQL and LIKE patterns, no consents
//  6 Fay  a look-alike of Eve's values, tag "a%", email consent
class SegmentSqlTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto import = store_->beginContactImport();
    auto add = [&](const std::string& ext, const std::string& email, nlohmann::json attrs,
                   std::vector<std::string> tags, std::vector<Consent> consents,
                   int64_t created_ms) {
      Contact c = makeContact(ext, email);
      c.attributes = std::move(attrs);
      c.tags = std::move(tags);
      c.consents = std::move(consents);
      c.created_ms = created_ms;
      c.updated_ms = created_ms;
      id_.push_back(import->upsert(c));
      return id_.back();
    };
    id_.push_back(0);  // contacts are numbered from 1
    add("C1", "ann@example.com",
        {{"plan", "pro"},
         {"orders", 5},
         {"birth_date", "1990-06-15"},
         {"interests", {"golf", "wine"}},
         {"signed_up", "2025-03-01"}},
        {"vip", "newsletter"},
        {{"email", true, "form", 1000, ""},
         {"email", false, "unsubscribe", 2000, ""},
         {"sms", true, "form", 1000, ""}},
        kNow - 30 * kDay - 1);
    add("C2", "bob@example.com",
        {{"plan", "free"},
         {"orders", 0},
         {"birth_date", "2007-06-16"},
         {"interests", {"golf"}},
         {"signed_up", "2025-03-16"}},
        {"newsletter"}, {{"email", false, "form", 1000, ""}, {"email", true, "form", 2000, ""}},
        kNow - 30 * kDay);
    add("C3", "cy@example.org",
        {{"plan", "pro"}, {"birth_date", "2007-06-15"}, {"signed_up", "2025-03-16T00:10:00Z"}},
        {"vip"}, {{"email", true, "form", 1000, ""}}, kNow);
    add("C4", "dee@example.com", {{"plan", "pro"}}, {"vip"}, {{"email", true, "form", 1000, ""}},
        kNow);
    add("C5", "eve@example.com", {{"nick", "'; DROP TABLE contacts; --"}, {"code", "a%b_c"}}, {},
        {}, kNow);
    add("C6", "fay@example.com", {{"nick", "robert"}, {"code", "aXbYc"}}, {"a%"},
        {{"email", true, "form", 1000, ""}}, kNow);
    import->commit();
    rawExec(dbPath(),
            "UPDATE contacts SET phone = '+4915112345678' WHERE id = " + std::to_string(id_[1]));

    auto events = store_->beginEventImport();
    auto ev = [&](int who, const std::string& type, nlohmann::json props, int64_t at) {
      Event e;
      e.contact_id = id_[static_cast<size_t>(who)];
      e.type = type;
      e.properties = std::move(props);
      e.at_ms = at;
      events->insert(e);
    };
    ev(1, "purchase", {{"amount", 100}}, kNow - k90Days);  // exactly 90 days ago
    ev(1, "purchase", {{"amount", 50}}, kNow - 10 * kDay);
    ev(1, "open", {}, kNow - 5 * kDay);
    ev(1, "view", {{"product_id", "p1"}}, kNow - 3 * kDay);
    ev(2, "purchase", {{"amount", 30}}, kNow - k90Days + 1);  // 1 ms inside 90 days
    ev(2, "view", {{"product_id", "p1"}}, kNow - 2 * kDay);
    ev(2, "view", {{"product_id", "p2"}}, kNow - 1 * kDay);
    ev(3, "purchase", {{"amount", 500}}, kNow - k90Days - 1);  // 1 ms outside
    ev(3, "open", {}, kNow - 100 * kDay);
    ev(4, "purchase", {{"amount", 1000}}, kNow - kDay);
    ev(5, "purchase", {{"amount", 20}}, kNow - 400 * kDay);
    ev(5, "purchase", {{"amount", 20}}, kNow - 300 * kDay);
    ev(5, "purchase", {{"amount", 20}}, kNow - 200 * kDay);
    ev(5, "visit", {}, 1742081400000);  // 2025-03-15T23:30Z (00:30 on the 16th in Berlin)
    ev(6, "visit", {}, 1742083200000);  // 2025-03-16T00:00Z
    events->commit();

    rawExec(dbPath(), "UPDATE contacts SET suppressed_ms = 1 WHERE id = " + std::to_string(id_[3]));
    rawExec(dbPath(), "UPDATE contacts SET erased_ms = 1 WHERE id = " + std::to_string(id_[4]));
  }

  // The numbers (1..6) of the contacts matching `yaml`, checked the same
  // through segmentMembers, segmentCount, segmentSample and segmentMatch.
  std::set<int> match(const std::string& yaml, const std::string& tz = "UTC", int64_t now = kNow) {
    auto rule = parseRuleText(yaml);
    segment::EvalContext ctx{now, tz};
    std::set<int> out;
    std::vector<int64_t> members = store_->segmentMembers(*rule, ctx);
    for (int64_t id : members) {
      auto it = std::find(id_.begin(), id_.end(), id);
      EXPECT_NE(it, id_.end());
      out.insert(static_cast<int>(it - id_.begin()));
    }
    EXPECT_TRUE(std::is_sorted(members.begin(), members.end()));
    EXPECT_EQ(store_->segmentCount(*rule, ctx), static_cast<int64_t>(members.size())) << yaml;
    auto sample = store_->segmentSample(*rule, ctx, 100);
    EXPECT_EQ(sample.size(), members.size()) << yaml;
    for (size_t i = 0; i < sample.size() && i < members.size(); ++i) {
      EXPECT_EQ(sample[i].id, members[i]);
    }
    // One by one, the way a journey step asks (every test a correlated lookup).
    std::vector<int64_t> all(id_.begin() + 1, id_.end());
    std::vector<bool> matched = store_->segmentMatch(*rule, ctx, all);
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(matched[i], out.count(static_cast<int>(i) + 1) > 0)
          << yaml << ": segmentMatch of contact " << i + 1;
    }
    return out;
  }

  std::vector<int64_t> id_;
};

using Set = std::set<int>;

TEST_F(SegmentSqlTest, ComparisonsOnAttributes) {
  EXPECT_EQ(match("{attribute: plan, equals: pro}"), (Set{1, 3}));         // 4 is erased
  EXPECT_EQ(match("{attribute: plan, not_equals: pro}"), (Set{2, 5, 6}));  // missing: not equal
  EXPECT_EQ(match("{attribute: orders, greater_than: 0}"), (Set{1}));
  EXPECT_EQ(match("{attribute: orders, at_least: 5}"), (Set{1}));
  EXPECT_EQ(match("{attribute: orders, less_than: 5}"), (Set{2}));
  EXPECT_EQ(match("{attribute: orders, at_most: 0}"), (Set{2}));
  EXPECT_EQ(match("{attribute: orders, between: [0, 5]}"), (Set{1, 2}));
  EXPECT_EQ(match("{attribute: orders, between: [1, 4]}"), (Set{}));
  EXPECT_EQ(match("{attribute: plan, in: [pro, free]}"), (Set{1, 2, 3}));
  EXPECT_EQ(match("{attribute: plan, not_in: [pro]}"), (Set{2, 5, 6}));
  EXPECT_EQ(match("{attribute: plan, exists: true}"), (Set{1, 2, 3}));
  EXPECT_EQ(match("{attribute: plan, exists: false}"), (Set{5, 6}));
  EXPECT_EQ(match("{attribute: nick, starts_with: rob}"), (Set{6}));
  EXPECT_EQ(match("{attribute: nick, contains: ober}"), (Set{6}));
}

TEST_F(SegmentSqlTest, ComparisonsOnFields) {
  EXPECT_EQ(match("{field: email, equals: bob@example.com}"), (Set{2}));
  EXPECT_EQ(match("{field: email, starts_with: bob}"), (Set{2}));
  EXPECT_EQ(match("{field: email, starts_with: BOB}"), (Set{}));  // case-sensitive
  EXPECT_EQ(match("{field: email, contains: example.org}"), (Set{3}));
  EXPECT_EQ(match("{field: phone, exists: true}"), (Set{1}));
  EXPECT_EQ(match("{field: phone, exists: false}"), (Set{2, 3, 5, 6}));
  EXPECT_EQ(match("{field: external_id, in: [C1, C4, C6]}"), (Set{1, 6}));
  // Created 30 days + 1 ms ago (1) is older than 30 days; exactly 30 days (2) is not.
  EXPECT_EQ(match("{field: created_at, older_than: 30d}"), (Set{1}));
  EXPECT_EQ(match("{field: created_at, within: 30d}"), (Set{2, 3, 5, 6}));
}

TEST_F(SegmentSqlTest, ArrayAttributesAndTags) {
  EXPECT_EQ(match("{attribute: interests, has: golf}"), (Set{1, 2}));
  EXPECT_EQ(match("{attribute: interests, has_any: [wine, chess]}"), (Set{1}));
  EXPECT_EQ(match("{attribute: interests, has_all: [golf, wine]}"), (Set{1}));
  EXPECT_EQ(match("{attribute: interests, has_none: [wine]}"), (Set{2, 3, 5, 6}));
  EXPECT_EQ(match("{tags: {has: vip}}"), (Set{1, 3}));
  EXPECT_EQ(match("{tags: {has_any: [vip, newsletter]}}"), (Set{1, 2, 3}));
  EXPECT_EQ(match("{tags: {has_all: [vip, newsletter]}}"), (Set{1}));
  EXPECT_EQ(match("{tags: {has_none: [vip]}}"), (Set{2, 5, 6}));
}

TEST_F(SegmentSqlTest, AllAnyNotNested) {
  EXPECT_EQ(match("{not: {attribute: plan, equals: pro}}"), (Set{2, 5, 6}));
  EXPECT_EQ(match("[{tags: {has: vip}}, {attribute: plan, equals: pro}]"), (Set{1, 3}));
  EXPECT_EQ(match("{any: [{attribute: plan, equals: free},"
                  "       {all: [{tags: {has: vip}}, {not: {attribute: orders, exists: true}}]}]}"),
            (Set{2, 3}));
  EXPECT_EQ(match("{not: {any: [{tags: {has: vip}}, {not: {attribute: plan, exists: true}}]}}"),
            (Set{2}));
}

TEST_F(SegmentSqlTest, AgeFromBirthDateInTheRulesTimeZone) {
  // UTC: 2025-06-15. Ann is 35, Bob 17 (18 tomorrow), Cy 18 today.
  EXPECT_EQ(match("{age: {at_least: 18}}"), (Set{1, 3}));
  EXPECT_EQ(match("{age: {less_than: 18}}"), (Set{2}));
  EXPECT_EQ(match("{age: {equals: 18}}"), (Set{3}));
  EXPECT_EQ(match("{age: {at_most: 17}}"), (Set{2}));
  EXPECT_EQ(match("{age: {greater_than: 35}}"), (Set{}));
  EXPECT_EQ(match("{age: {between: [18, 35]}}"), (Set{1, 3}));
  EXPECT_EQ(match("{age: {not_equals: 18}}"), (Set{1, 2, 5, 6}));
  // Berlin: already 2025-06-16, Bob's birthday.
  EXPECT_EQ(match("{age: {at_least: 18}}", "Europe/Berlin"), (Set{1, 2, 3}));
  EXPECT_EQ(match("{age: {equals: 18}}", "Europe/Berlin"), (Set{2, 3}));
}

TEST_F(SegmentSqlTest, EventWindowsAtTheirEdges) {
  // 1 bought exactly 90 days ago (inside), 2 1 ms inside, 3 1 ms outside.
  EXPECT_EQ(match("{event: purchase, within: 90d}"), (Set{1, 2}));
  EXPECT_EQ(match("{event: purchase, older_than: 90d}"), (Set{3, 5}));
  EXPECT_EQ(match("{event: purchase}"), (Set{1, 2, 3, 5}));  // 4 is erased
  // 1 ms later 1's purchase is older than 90 days, and 3's exactly 90 days
  // old (not older) 1 ms earlier.
  EXPECT_EQ(match("{event: purchase, older_than: 90d}", "UTC", kNow + 1), (Set{1, 3, 5}));
  EXPECT_EQ(match("{event: purchase, older_than: 90d}", "UTC", kNow - 1), (Set{5}));
}

TEST_F(SegmentSqlTest, CalendarUnitsAndDatesInTheRulesTimeZone) {
  // 3 months before 2025-06-15T23:30Z: 2025-03-15T23:30Z in UTC, but
  // 2025-03-16T01:30 Berlin time = 2025-03-16T00:30Z in Berlin.
  EXPECT_EQ(match("{event: visit, within: 3mo}"), (Set{5, 6}));  // 5 exactly at the edge
  EXPECT_EQ(match("{event: visit, within: 3mo}", "Europe/Berlin"), (Set{}));
  // Midnight of 2025-03-16: 00:00Z in UTC, 2025-03-15T23:00Z in Berlin.
  EXPECT_EQ(match("{event: visit, before: 2025-03-16}"), (Set{5}));
  EXPECT_EQ(match("{event: visit, before: 2025-03-16}", "Europe/Berlin"), (Set{}));
  EXPECT_EQ(match("{event: visit, after: 2025-03-16}"), (Set{6}));
  EXPECT_EQ(match("{event: visit, after: 2025-03-16}", "Europe/Berlin"), (Set{5, 6}));
  // A date-time without an offset is read in the rule's time zone.
  EXPECT_EQ(match("{event: visit, before: \"2025-03-16T00:30\"}"), (Set{5, 6}));
  EXPECT_EQ(match("{event: visit, before: \"2025-03-16T00:30\"}", "Europe/Berlin"), (Set{}));
  // between: the last date is included whole.
  EXPECT_EQ(match("{event: visit, between: [2025-03-16, 2025-03-16]}"), (Set{6}));
  EXPECT_EQ(match("{event: visit, between: [2025-03-16, 2025-03-16]}", "Europe/Berlin"),
            (Set{5, 6}));
  // Date attributes: 2025-03-16 (2) is midnight in the rule's zone; 3 has an instant.
  EXPECT_EQ(match("{attribute: signed_up, within: 3mo}"), (Set{2, 3}));
  EXPECT_EQ(match("{attribute: signed_up, within: 3mo}", "Europe/Berlin"), (Set{}));
  EXPECT_EQ(match("{attribute: signed_up, before: 2025-03-16}"), (Set{1}));
  EXPECT_EQ(match("{attribute: signed_up, after: 2025-03-16}"), (Set{2, 3}));
  EXPECT_EQ(match("{attribute: signed_up, between: [2025-03-01, 2025-03-15]}"), (Set{1}));
}

TEST_F(SegmentSqlTest, EventAggregates) {
  EXPECT_EQ(match("{event: purchase, within: 90d, count: {at_least: 2}}"), (Set{1}));
  EXPECT_EQ(match("{event: purchase, count: {at_least: 3}}"), (Set{5}));
  EXPECT_EQ(match("{event: purchase, count: {equals: 0}}"), (Set{6}));
  // "No open in 60 days": 1 opened 5 days ago; 3's open is 100 days old.
  EXPECT_EQ(match("{event: open, within: 60d, count: {equals: 0}}"), (Set{2, 3, 5, 6}));
  // Sums: 1 150, 2 30, 3 500, 5 60.
  EXPECT_EQ(match("{event: purchase, sum: {property: amount, greater_than: 120}}"), (Set{1, 3}));
  // Within a year: 5's purchase 400 days ago is out (40 left); 6 has none (0).
  EXPECT_EQ(match("{event: purchase, within: 1y, sum: {property: amount, at_most: 60}}"),
            (Set{2, 5, 6}));
  // Averages: 1 75, 2 30, 3 500, 5 20; nobody without purchases.
  EXPECT_EQ(match("{event: purchase, average: {property: amount, at_least: 50}}"), (Set{1, 3}));
  EXPECT_EQ(match("{event: purchase, first: {older_than: 90d}}"), (Set{3, 5}));
  EXPECT_EQ(match("{event: purchase, last: {older_than: 60d}}"), (Set{2, 3, 5}));
  EXPECT_EQ(match("{event: purchase, last: {within: 30d}}"), (Set{1}));
  EXPECT_EQ(match("{event: view, where: [{property: product_id, equals: p1}]}"), (Set{1, 2}));
  EXPECT_EQ(match("{event: view, where: [{property: product_id, not_in: [p1]}]}"), (Set{2}));
  // Viewed p1 but did not buy in the last 30 days.
  EXPECT_EQ(match("[{event: view, where: [{property: product_id, equals: p1}]},"
                  " {not: {event: purchase, within: 30d}}]"),
            (Set{2}));
  // The same tests while a tag drives the query (correlated lookups).
  EXPECT_EQ(match("[{tags: {has: newsletter}}, {event: purchase, within: 90d, count: {at_least: "
                  "2}}]"),
            (Set{1}));
  EXPECT_EQ(match("[{tags: {has_any: [vip, newsletter]}},"
                  " {event: purchase, within: 1y, sum: {property: amount, at_most: 60}}]"),
            (Set{2}));
  EXPECT_EQ(match("[{tags: {has: vip}}, {event: open, count: {equals: 0}}]"), (Set{}));
  EXPECT_EQ(match("[{tags: {has: vip}}, {event: purchase, last: {older_than: 60d}}]"), (Set{3}));
}

TEST_F(SegmentSqlTest, ConsentReachabilityAndSuppression) {
  // 1 revoked email consent after giving it: the newest answer wins.
  EXPECT_EQ(match("{consent: email}"), (Set{2, 3, 6}));
  EXPECT_EQ(match("{not: {consent: email}}"), (Set{1, 5}));
  EXPECT_EQ(match("{reachable: email}"), (Set{2, 6}));  // 3 is suppressed
  EXPECT_EQ(match("{reachable: sms}"), (Set{1}));
  EXPECT_EQ(match("{suppressed: true}"), (Set{3}));
  EXPECT_EQ(match("{suppressed: false}"), (Set{1, 2, 5, 6}));
}

TEST_F(SegmentSqlTest, ValuesThatLookLikeSqlOrPatternsAreLiteral) {
  EXPECT_EQ(match("{attribute: nick, equals: \"'; DROP TABLE contacts; --\"}"), (Set{5}));
  EXPECT_EQ(match("{attribute: nick, starts_with: \"'; DROP\"}"), (Set{5}));
  EXPECT_EQ(match("{field: email, equals: \"x' OR '1'='1\"}"), (Set{}));
  EXPECT_EQ(match("{attribute: code, equals: \"a%b_c\"}"), (Set{5}));
  EXPECT_EQ(match("{attribute: code, starts_with: \"a%\"}"), (Set{5}));  // not aXbYc
  EXPECT_EQ(match("{attribute: code, contains: \"%b_\"}"), (Set{5}));
  EXPECT_EQ(match("{attribute: code, contains: _}"), (Set{5}));
  EXPECT_EQ(match("{field: email, contains: \"%\"}"), (Set{}));
  EXPECT_EQ(match("{tags: {has: \"a%\"}}"), (Set{6}));
  EXPECT_EQ(match("{tags: {has: \"a_\"}}"), (Set{}));
  // The table is still there, and the values never reached the SQL text.
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM contacts"), "6");
  auto rule = parseRuleText("{attribute: nick, equals: \"'; DROP TABLE contacts; --\"}");
  SegmentPlan plan = store_->explainSegment(*rule, {kNow, "UTC"});
  EXPECT_EQ(plan.sql.find("DROP"), std::string::npos) << plan.sql;
  EXPECT_EQ(plan.params, nlohmann::json::array({"'; DROP TABLE contacts; --"}));
}

TEST_F(SegmentSqlTest, NamesAreCheckedBeforeTheyReachSql) {
  segment::Rule rule;
  segment::ValueTest t;
  t.subject.kind = segment::Subject::Kind::kAttribute;
  t.subject.name = "plan') OR 1=1 --";
  t.test.op = segment::Op::kEquals;
  t.test.value = "pro";
  rule.node = t;
  try {
    store_->segmentCount(rule, {kNow, "UTC"});
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("attribute name 'plan') OR 1=1 --' is not valid"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(SegmentSqlTest, ExplainShowsSqlParamsAndPlan) {
  auto rule = parseRuleText("[{tags: {has: vip}}, {event: purchase, within: 90d}]");
  SegmentPlan plan = store_->explainSegment(*rule, {kNow, "UTC"});
  EXPECT_NE(plan.sql.find("SELECT c.id FROM contacts c WHERE"), std::string::npos);
  EXPECT_EQ(plan.params, nlohmann::json::array({"vip", "purchase", kNow - k90Days, kNow}));
  ASSERT_FALSE(plan.plan.empty());
  bool indented = false;
  for (const auto& line : plan.plan) indented = indented || line.starts_with("  ");
  EXPECT_TRUE(indented);
}

// ---- RFM ----

// 2025-06-01T00:00:00Z
constexpr int64_t kAsOf = 1748736000000;

// Ten purchasers with hand-ranked scores (NTILE(5) of 10: two per score):
//   i  last(days before as_of)  purchases  total   R F M  FM  segment
//   1  100                      5          50      1 4 2  3   at_risk
//   2   90                      6          60      1 4 3  4   at_risk
//   3   80                      1         500      2 1 3  2   hibernating
//   4   70                      2          40      2 2 2  2   hibernating
//   5   60                      3          30      3 3 1  2   about_to_sleep
//   6   50                      4          20      3 3 1  2   about_to_sleep
//   7   40                      7         700      4 5 4  5   loyal
//   8   30                      8         800      4 5 4  5   loyal
//   9   20                      1         900      5 2 5  4   champions
//  10    0 (exactly as_of)      1        1000      5 1 5  3   potential_loyalists
// F: 3, 9 and 10 bought once; the tie goes by external_id, in byte order:
// C10 < C3 < C9, so 9 ranks above 3 and 10 (by contact id 10 would).
// 11 bought only after as_of (1 ms), 12 is erased: neither is scored.
class RfmScoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ids_ = addContacts(12);
    const int days[] = {100, 90, 80, 70, 60, 50, 40, 30, 20, 0};
    const int counts[] = {5, 6, 1, 2, 3, 4, 7, 8, 1, 1};
    const int totals[] = {50, 60, 500, 40, 30, 20, 700, 800, 900, 1000};
    auto events = store_->beginEventImport();
    for (int i = 0; i < 10; ++i) {
      for (int k = 0; k < counts[i]; ++k) {
        Event e;
        e.contact_id = ids_[static_cast<size_t>(i)];
        e.type = "purchase";
        e.properties = {{"amount", static_cast<double>(totals[i]) / counts[i]}};
        e.at_ms = kAsOf - (days[i] + k) * kDay;
        events->insert(e);
      }
    }
    Event late;
    late.contact_id = ids_[10];
    late.type = "purchase";
    late.properties = {{"amount", 5000}};
    late.at_ms = kAsOf + 1;
    events->insert(late);
    late.type = "open";
    late.at_ms = kAsOf - kDay;
    events->insert(late);
    Event erased = late;
    erased.contact_id = ids_[11];
    erased.type = "purchase";
    events->insert(erased);
    events->commit();
    rawExec(dbPath(), "UPDATE contacts SET erased_ms = 1 WHERE id = " + std::to_string(ids_[11]));
  }

  std::set<int> match(const std::string& yaml) {
    auto rule = parseRuleText(yaml);
    std::set<int> out;
    for (int64_t id : store_->segmentMembers(*rule, {kAsOf, "UTC"})) {
      out.insert(static_cast<int>(std::find(ids_.begin(), ids_.end(), id) - ids_.begin()) + 1);
    }
    return out;
  }

  std::vector<int64_t> ids_;
};

TEST_F(RfmScoreTest, ScoresAndNamedSegmentsByHand) {
  segment::RfmOptions options;
  auto scores = store_->rfmScores(options, {kAsOf, "UTC"});
  ASSERT_EQ(scores.size(), 10u);
  const int r[] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
  const int f[] = {4, 4, 1, 2, 3, 3, 5, 5, 2, 1};
  const int m[] = {2, 3, 3, 2, 1, 1, 4, 4, 5, 5};
  const char* seg[] = {
      "at_risk",        "at_risk", "hibernating", "hibernating", "about_to_sleep",
      "about_to_sleep", "loyal",   "loyal",       "champions",   "potential_loyalists"};
  const int counts[] = {5, 6, 1, 2, 3, 4, 7, 8, 1, 1};
  for (size_t i = 0; i < 10; ++i) {
    SCOPED_TRACE(i + 1);
    EXPECT_EQ(scores[i].contact_id, ids_[i]);
    EXPECT_EQ(scores[i].recency, r[i]);
    EXPECT_EQ(scores[i].frequency, f[i]);
    EXPECT_EQ(scores[i].monetary, m[i]);
    EXPECT_EQ(scores[i].segment, seg[i]);
    EXPECT_EQ(scores[i].purchases, counts[i]);
  }
  EXPECT_EQ(scores[9].last_ms, kAsOf);  // a purchase at as_of counts
  EXPECT_EQ(scores[9].amount_units, 1000'000'000);
  // A later as_of sees contact 11's purchase.
  options.as_of = segment::TimeValue{std::string("2025-06-02")};
  EXPECT_EQ(store_->rfmScores(options, {kAsOf, "UTC"}).size(), 11u);
}

TEST_F(RfmScoreTest, RfmInRules) {
  EXPECT_EQ(match("{rfm: champions}"), (Set{9}));
  EXPECT_EQ(match("{rfm: [loyal, at_risk]}"), (Set{1, 2, 7, 8}));
  EXPECT_EQ(match("{rfm: {recency: {at_least: 4}, frequency: {at_least: 5}}}"), (Set{7, 8}));
  EXPECT_EQ(match("{rfm: {segment: [hibernating], monetary: {equals: 2}}}"), (Set{4}));
  // As of 2025-05-01 (31 days earlier) only 1..8 had bought, and 8 ranks top
  // on all three (its 7 purchases tie with 7's, and 8 has the higher id).
  EXPECT_EQ(match("{rfm: {segment: champions, as_of: 2025-05-01}}"), (Set{8}));
  EXPECT_EQ(match("{not: {rfm: [lost, at_risk, hibernating, about_to_sleep]}}"),
            (Set{7, 8, 9, 10, 11}));
  // With a tag driving (3, 6, 9 are vip in addContacts) and RFM as a filter.
  EXPECT_EQ(match("[{tags: {has: vip}}, {rfm: [hibernating, champions]}]"), (Set{3, 9}));
}

TEST_F(RfmScoreTest, EnrolsByAnRfmRuleInOneStatement) {
  store::Run run = store_->createRun("w", "rev1", "manual", false, 100);
  auto rule = parseRuleText("{rfm: [champions, loyal]}");
  EXPECT_EQ(store_->enrollAudience(run.id, "first", rule.get(), {kAsOf, "UTC"}, std::nullopt, 100),
            3);
  EXPECT_EQ(rawQuery(dbPath(),
                     "SELECT group_concat(contact_id) FROM (SELECT contact_id FROM "
                     "journeys ORDER BY contact_id)"),
            fmt::format("{},{},{}", ids_[6], ids_[7], ids_[8]));
}

}  // namespace
}  // namespace herald::store::testing

namespace herald::store::testing {
namespace {

// A first import into an empty store drops the contact and event indexes and
// builds them at commit: the segment indexes come back too, and are used.
TEST_F(StoreTest, BulkImportsRebuildTheSegmentIndexes) {
  auto contacts = store_->beginBulkContactImport();
  std::vector<int64_t> ids;
  for (int i = 1; i <= 3; ++i) {
    ids.push_back(contacts->upsert(
        makeContact("B" + std::to_string(i), "b" + std::to_string(i) + "@example.com")));
  }
  contacts->commit();
  auto events = store_->beginEventImport();
  for (int64_t id : ids) {
    Event e;
    e.contact_id = id;
    e.type = "purchase";
    e.properties = {{"amount", 10 * id}};
    e.at_ms = 1000 * id;
    events->insert(e);
  }
  events->commit();
  EXPECT_EQ(rawQuery(dbPath(),
                     "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema WHERE name IN "
                     "('contacts_erased', 'events_by_type_contact') ORDER BY name)"),
            "contacts_erased,events_by_type_contact");
  rawExec(dbPath(), "UPDATE contacts SET erased_ms = 1 WHERE id = " + std::to_string(ids[0]));
  auto scores = store_->rfmScores({}, {5000, "UTC"});
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(scores[0].contact_id, ids[1]);
  // Two purchasers: scores 1 and 2 (NTILE(5) of two rows); 3 ranks above 2 on all three.
  EXPECT_EQ(scores[1].recency, 2);
  EXPECT_EQ(scores[1].segment, "hibernating");
  EXPECT_EQ(store_->segmentCount(
                *parseRuleText("{event: purchase, sum: {property: amount, at_least: 20}}"),
                {5000, "UTC"}),
            2);
}

}  // namespace
}  // namespace herald::store::testing
