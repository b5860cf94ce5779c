// The query plans of the common predicates use the indexes meant for them
// (EXPLAIN QUERY PLAN, as `herald segment explain` shows it).
#include "segment_test_util.hpp"
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

class SegmentPlanTest : public StoreTest {
 protected:
  std::string plan(const std::string& yaml) {
    auto rule = parseRuleText(yaml);
    SegmentPlan p = store_->explainSegment(*rule, {1750000000000, "UTC"});
    std::string out;
    for (const auto& line : p.plan) out += line + "\n";
    return out;
  }
};

bool has(const std::string& plan, const std::string& step) {
  return plan.find(step) != std::string::npos;
}

TEST_F(SegmentPlanTest, ATagDrivesTheQueryThroughTheTagKey) {
  std::string p = plan("[{attribute: plan, equals: pro}, {tags: {has_any: [vip, press]}}]");
  EXPECT_TRUE(has(p, "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)")) << p;
  EXPECT_TRUE(has(p, "SEARCH t USING PRIMARY KEY (tag=?)")) << p;
  EXPECT_FALSE(has(p, "SCAN c")) << p;
}

TEST_F(SegmentPlanTest, OtherTestsBesideADriverAreOneSeekPerContact) {
  std::string p = plan(
      "[{tags: {has: vip}}, {tags: {has_none: [churned]}}, {event: purchase, within: 90d, "
      "count: {at_least: 2}}, {consent: email}]");
  EXPECT_TRUE(has(p, "SEARCH t USING PRIMARY KEY (tag=?)")) << p;
  EXPECT_TRUE(has(p, "SEARCH t USING PRIMARY KEY (tag=? AND contact_id=?)")) << p;
  EXPECT_TRUE(has(p, "SEARCH e USING COVERING INDEX events_by_")) << p;
  EXPECT_TRUE(has(p, "contact_id=?")) << p;
  EXPECT_TRUE(has(p, "SEARCH k USING PRIMARY KEY (contact_id=? AND channel=?)")) << p;
  EXPECT_FALSE(has(p, "SCAN c")) << p;
}

TEST_F(SegmentPlanTest, EventSetsReadOnlyTheTypeIndex) {
  for (const char* rule :
       {"{event: purchase, within: 90d}", "{event: purchase, within: 90d, count: {at_least: 2}}",
        "{event: purchase, within: 1y, sum: {property: amount, greater_than: 200}}",
        "{event: open, within: 60d, count: {equals: 0}}",
        "{event: purchase, last: {older_than: 60d}}"}) {
    std::string p = plan(rule);
    // The amount is in the index too (SQLite 3.40 does not call that
    // "COVERING" but reads it from the index, never from the event row).
    EXPECT_TRUE(has(p, "INDEX events_by_type_contact (type=?)")) << rule << "\n" << p;
    EXPECT_FALSE(has(p, "SCAN e")) << rule << "\n" << p;
    EXPECT_FALSE(has(p, "TEMP B-TREE FOR GROUP BY")) << rule << "\n" << p;
  }
}

TEST_F(SegmentPlanTest, ConsentIsOneSeekOnTheConsentKey) {
  std::string p = plan("{reachable: email}");
  EXPECT_TRUE(has(p, "SEARCH k USING PRIMARY KEY (contact_id=? AND channel=?)")) << p;
}

TEST_F(SegmentPlanTest, RfmGroupsInIndexOrderAndSkipsErasedByTheirIndex) {
  std::string p = plan("{rfm: champions}");
  EXPECT_TRUE(has(p, "INDEX events_by_type_contact (type=?)")) << p;
  EXPECT_TRUE(has(p, "contacts_erased")) << p;
  EXPECT_FALSE(has(p, "TEMP B-TREE FOR GROUP BY")) << p;
}

}  // namespace
}  // namespace herald::store::testing
