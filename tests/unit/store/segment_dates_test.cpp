// birthday: and anniversary: against today's date in each contact's time
// zone, worked out by hand (the comments say why each contact is in or out).
#include <algorithm>
#include <set>

#include "segment/time.hpp"
#include "segment_test_util.hpp"
#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

using Set = std::set<int>;

// ms of an ISO date-time in UTC.
int64_t at(const std::string& iso) {
  return segment::resolve(segment::TimeValue{iso}, segment::EvalContext{0, "UTC", {}});
}

//  #  time zone           attributes
//  1  Etc/GMT+12 (UTC-12) birth_date 1990-06-14
//  2  Pacific/Kiritimati  birth_date 1985-06-16        (UTC+14)
//  3  Pacific/Kiritimati  birth_date 1985-06-15
//  4  (none: the rule's)  birth_date 2000-06-15
//  5  Europe/Berlin       birth_date "1970-06-15T08:00:00Z" (a date-time: its date as written)
//  6  UTC                 birth_date 1992-02-29, signup_date 2020-12-30
//  7  UTC                 birth_date 19900615 (a number: no date), signup_date 2021-01-02
//  8  UTC                 signup_date 2021-01-03
class DatePartsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto import = store_->beginContactImport();
    auto add = [&](const std::string& ext, std::optional<std::string> tz, nlohmann::json attrs) {
      Contact c = makeContact(ext, ext + "@example.com");
      c.timezone = std::move(tz);
      c.attributes = std::move(attrs);
      id_.push_back(import->upsert(c));
    };
    add("D1", "Etc/GMT+12", {{"birth_date", "1990-06-14"}});
    add("D2", "Pacific/Kiritimati", {{"birth_date", "1985-06-16"}});
    add("D3", "Pacific/Kiritimati", {{"birth_date", "1985-06-15"}});
    add("D4", std::nullopt, {{"birth_date", "2000-06-15"}});
    add("D5", "Europe/Berlin", {{"birth_date", "1970-06-15T08:00:00Z"}});
    add("D6", "UTC", {{"birth_date", "1992-02-29"}, {"signup_date", "2020-12-30"}});
    add("D7", "UTC", {{"birth_date", 19900615}, {"signup_date", "2021-01-02"}});
    add("D8", "UTC", {{"signup_date", "2021-01-03"}});
    import->commit();
  }

  Set match(const std::string& yaml, const std::string& now, const std::string& tz = "UTC") {
    auto rule = parseRuleText(yaml);
    const segment::EvalContext ctx{at(now), tz, {}};
    Set out;
    for (int64_t id : store_->segmentMembers(*rule, ctx)) {
      out.insert(static_cast<int>(std::find(id_.begin(), id_.end(), id) - id_.begin()));
    }
    std::vector<int64_t> all(id_.begin() + 1, id_.end());
    const auto matched = store_->segmentMatch(*rule, ctx, all);
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(matched[i], out.count(static_cast<int>(i) + 1) > 0)
          << yaml << " at " << now << ": segmentMatch of contact " << i + 1;
    }
    return out;
  }

  std::vector<int64_t> id_{0};
};

TEST_F(DatePartsTest, BirthdayTodayInEachContactsTimeZone) {
  // 2025-06-15T10:30Z is 06-14 22:30 at UTC-12, 06-15 in UTC and Berlin,
  // 06-16 00:30 in Kiritimati: three dates at once.
  EXPECT_EQ(match("birthday: today", "2025-06-15T10:30:00Z"), (Set{1, 2, 4, 5}));
  // Contact 4 has no zone: the rule's. In Kiritimati's it is already the 16th.
  EXPECT_EQ(match("birthday: today", "2025-06-15T10:30:00Z", "Pacific/Kiritimati"), (Set{1, 2, 5}));
  EXPECT_EQ(match("{birthday: {equals: today}}", "2025-06-15T10:30:00Z"), (Set{1, 2, 4, 5}));
  // Two days from the contact's today: 3 (06-15) is yesterday in Kiritimati.
  EXPECT_EQ(match("birthday: {within: 2d}", "2025-06-15T10:30:00Z"), (Set{1, 2, 4, 5}));
  EXPECT_EQ(match("birthday: {within: 2d}", "2025-06-14T10:30:00Z"), (Set{1, 2, 3, 4, 5}));
}

TEST_F(DatePartsTest, February29FallsOnFebruary28InOtherYears) {
  EXPECT_EQ(match("birthday: today", "2025-02-28T12:00:00Z"), (Set{6}));
  EXPECT_EQ(match("birthday: today", "2024-02-28T12:00:00Z"), (Set{}));
  EXPECT_EQ(match("birthday: today", "2024-02-29T12:00:00Z"), (Set{6}));
  EXPECT_EQ(match("birthday: today", "2025-03-01T12:00:00Z"), (Set{}));
  EXPECT_EQ(match("birthday: {within: 2d}", "2025-02-27T12:00:00Z"), (Set{6}));
}

TEST_F(DatePartsTest, AnniversaryWithinDaysWrapsTheYear) {
  // 7 days from 2025-12-27: 12-27 .. 01-02.
  EXPECT_EQ(match("anniversary: {from: signup_date, within: 7d}", "2025-12-27T12:00:00Z"),
            (Set{6, 7}));
  EXPECT_EQ(match("anniversary: {from: signup_date, within: 1w}", "2025-12-27T12:00:00Z"),
            (Set{6, 7}));
  EXPECT_EQ(match("anniversary: {from: signup_date, equals: today}", "2025-12-30T12:00:00Z"),
            (Set{6}));
  EXPECT_EQ(match("{not: {anniversary: {from: signup_date, within: 7d}}}", "2025-12-27T12:00:00Z"),
            (Set{1, 2, 3, 4, 5, 8}));
}

TEST(MonthDays, ListsTheDaysAndAddsFebruary29ToAShortFebruary) {
  using V = std::vector<std::string>;
  EXPECT_EQ(segment::monthDaysFrom("2025-12-30", 4), (V{"12-30", "12-31", "01-01", "01-02"}));
  EXPECT_EQ(segment::monthDaysFrom("2025-02-28", 2), (V{"02-28", "02-29", "03-01"}));
  EXPECT_EQ(segment::monthDaysFrom("2024-02-28", 2), (V{"02-28", "02-29"}));
}

}  // namespace
}  // namespace herald::store::testing
