// The report and the decision over a real SQLite store: the counts come
// from stored assignments and events, the figures are the stats module's
// for those counts, machine opens are left out of an open goal, the
// holdout and the rest are kept out of the statistics, a guardrail stops a
// variant, and the first decision stands.
#include "experiment/report.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "experiment/decision.hpp"
#include "experiment/power_check.hpp"
#include "stats/mean.hpp"
#include "stats/proportion.hpp"
#include "store_fixture.hpp"

namespace herald::experiment {
namespace {

using store::ExperimentAssignment;
using store::ExperimentPhase;

constexpr int64_t kT0 = 1'800'000'000'000;
constexpr int64_t kHour = 3'600'000;

class ReportTest : public store::testing::StoreTest {
 protected:
  store::ExperimentRecord record(const std::string& with) {
    store::ExperimentRecord r{"k", "wf", "rev", "test", with, kT0, kT0};
    store_->experiments().registerExperiment(r);
    return *store_->experiments().experiment("k");
  }

  // Assigns `ids` to `variant` in `phase` at kT0.
  void assign(const std::vector<int64_t>& ids, const std::string& variant, ExperimentPhase phase) {
    std::vector<ExperimentAssignment> rows;
    for (int64_t id : ids) rows.push_back({id, variant, phase, kT0, kT0, 1});
    store_->experiments().assign("k", rows);
  }

  void events(const std::vector<int64_t>& ids, const std::string& type, int64_t at,
              nlohmann::json properties = nlohmann::json::object()) {
    auto import = store_->beginEventImport();
    for (int64_t id : ids) import->insert({0, id, type, properties, at, std::nullopt});
    import->commit();
  }

  static std::vector<int64_t> slice(const std::vector<int64_t>& ids, size_t from, size_t to) {
    return {ids.begin() + static_cast<ptrdiff_t>(from), ids.begin() + static_cast<ptrdiff_t>(to)};
  }
};

constexpr const char* kSplit = R"({"variants": [{"name": "a"}, {"name": "b"}],
  "holdout": "10%", "goal": {"event": "purchase", "within": "2d"}})";

TEST_F(ReportTest, FiguresAreTheStatisticsOfTheStoredCounts) {
  const auto ids = addContacts(500);
  const auto rec = record(kSplit);
  assign(slice(ids, 0, 200), "a", ExperimentPhase::kSplit);
  assign(slice(ids, 200, 400), "b", ExperimentPhase::kSplit);
  assign(slice(ids, 400, 450), "holdout", ExperimentPhase::kHoldout);
  assign(slice(ids, 450, 500), "", ExperimentPhase::kWaiting);
  events(slice(ids, 0, 20), "purchase", kT0 + kHour);          // a: 20 of 200
  events(slice(ids, 200, 250), "purchase", kT0 + kHour);       // b: 50 of 200
  events(slice(ids, 250, 260), "purchase", kT0 + 72 * kHour);  // outside the 2d window
  events(slice(ids, 400, 405), "purchase", kT0 + kHour);       // holdout: 5 of 50

  const Report r = buildReport(store_->experiments(), rec, kT0 + 100 * kHour);
  ASSERT_EQ(r.arms.size(), 3u);
  EXPECT_EQ(r.arms[0].name, "a");
  EXPECT_TRUE(r.arms[0].control);
  EXPECT_EQ(r.arms[2].name, "holdout");
  EXPECT_EQ(r.arms[0].goal.n, 200);
  EXPECT_EQ(r.arms[0].goal.conversions, 20);
  EXPECT_EQ(r.arms[1].goal.conversions, 50);
  EXPECT_EQ(r.arms[2].goal.conversions, 5);
  EXPECT_EQ(r.waiting, 50);
  const auto expected = stats::compareConversions({200, 20, 20}, {200, 50, 50}, 0.95);
  ASSERT_TRUE(r.arms[1].goal.vs_control);
  EXPECT_DOUBLE_EQ(r.arms[1].goal.vs_control->p_value, expected.p_value);
  EXPECT_DOUBLE_EQ(r.arms[1].goal.vs_control->rel_lift, 1.5);
  // One treatment: Holm leaves its p-value as it is.
  EXPECT_DOUBLE_EQ(*r.arms[1].goal.p_adjusted, expected.p_value);
  EXPECT_GT(r.arms[1].goal.bayes->chance_to_beat, 0.99);
  // 200/200/50 against 45/45/10: the split is what the weights say.
  EXPECT_FALSE(r.srm_mismatch);
  const auto json = toJson(r);
  EXPECT_EQ(json["arms"][1]["goal"]["conversions"], 50);
  EXPECT_EQ(json["arms"][2]["goal"]["lift"]["against"], "holdout");
}

TEST_F(ReportTest, AValueGoalComparesTheMeanPerRecipient) {
  const auto ids = addContacts(300);
  const auto rec = record(R"({"variants": [{"name": "a"}, {"name": "b"}],
    "goal": {"event": "purchase", "within": "1d", "value": "amount"}})");
  assign(slice(ids, 0, 150), "a", ExperimentPhase::kSplit);
  assign(slice(ids, 150, 300), "b", ExperimentPhase::kSplit);
  events(slice(ids, 0, 30), "purchase", kT0 + kHour, {{"amount", 10}});
  events(slice(ids, 150, 180), "purchase", kT0 + kHour, {{"amount", 40}});
  events(slice(ids, 150, 160), "purchase", kT0 + 2 * kHour, {{"amount", 5}});
  const Report r = buildReport(store_->experiments(), rec, kT0 + 30 * kHour);
  EXPECT_DOUBLE_EQ(r.arms[0].goal.value_sum, 300);
  EXPECT_DOUBLE_EQ(r.arms[1].goal.value_sum, 1250);
  EXPECT_DOUBLE_EQ(r.arms[0].goal.rate, 2.0);
  // Per recipient: 10 of b's have 45, 20 have 40, 120 have 0.
  const stats::Arm a{150, 300, 30 * 100.0};
  const stats::Arm b{150, 1250, 10 * 45.0 * 45 + 20 * 40.0 * 40};
  const auto expected = stats::compareMeans(a, b, 0.95);
  ASSERT_TRUE(r.arms[1].goal.vs_control);
  EXPECT_DOUBLE_EQ(r.arms[1].goal.vs_control->p_value, expected.p_value);
  EXPECT_DOUBLE_EQ(r.arms[1].goal.vs_control->abs_lift, expected.abs_lift);
  EXPECT_EQ(toJson(r)["goal"]["kind"], "value");
}

TEST_F(ReportTest, ASplitUnlikeTheWeightsIsFlagged) {
  const auto ids = addContacts(400);
  const auto rec = record(R"({"variants": [{"name": "a"}, {"name": "b"}], "goal": "purchase"})");
  assign(slice(ids, 0, 250), "a", ExperimentPhase::kSplit);
  assign(slice(ids, 250, 400), "b", ExperimentPhase::kSplit);
  const Report r = buildReport(store_->experiments(), rec, kT0);
  EXPECT_LT(r.srm_p, kSrmAlpha);
  EXPECT_TRUE(r.srm_mismatch);
  EXPECT_NE(r.status.find("sample ratio mismatch"), std::string::npos) << r.status;
}

TEST_F(ReportTest, MachineOpensAreLeftOutOfAnOpenGoal) {
  const auto ids = addContacts(40);
  const auto rec = record(R"({"variants": [{"name": "a"}, {"name": "b"}],
    "goal": {"event": "open", "within": "1d"}})");
  assign(slice(ids, 0, 20), "a", ExperimentPhase::kSplit);
  assign(slice(ids, 20, 40), "b", ExperimentPhase::kSplit);
  events(slice(ids, 0, 10), "open", kT0 + kHour, {{"machine", true}});
  events(slice(ids, 10, 12), "open", kT0 + kHour);
  const Report r = buildReport(store_->experiments(), rec, kT0 + 2 * kHour);
  EXPECT_EQ(r.arms[0].goal.conversions, 2);
}

TEST_F(ReportTest, AGuardrailStopsAWorseVariantAndTheFirstDecisionStands) {
  const auto ids = addContacts(2000);
  const std::string with = R"({"variants": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
    "goal": {"event": "purchase", "within": "1d"}, "guardrails": ["unsubscribe"],
    "test_then_winner": {"test_share": "60%", "decide_after": "1d", "min_sample": 50}})";
  const auto rec = record(with);
  assign(slice(ids, 0, 400), "a", ExperimentPhase::kTest);
  assign(slice(ids, 400, 800), "b", ExperimentPhase::kTest);
  assign(slice(ids, 800, 1200), "c", ExperimentPhase::kTest);
  assign(slice(ids, 1200, 2000), "", ExperimentPhase::kWaiting);
  events(slice(ids, 400, 700), "purchase", kT0 + kHour);     // b converts best...
  events(slice(ids, 400, 600), "unsubscribe", kT0 + kHour);  // ...and drives people away
  events(slice(ids, 800, 1000), "purchase", kT0 + kHour);    // c: 200 of 400
  events(slice(ids, 0, 40), "purchase", kT0 + kHour);        // a: 40 of 400

  std::vector<Problem> problems;
  const Spec spec = parseSpec(nlohmann::json::parse(with), "k", problems);
  ASSERT_TRUE(problems.empty());
  const auto decided = decideNow(store_->experiments(), spec, rec, kT0 + 25 * kHour);
  const auto stops = store_->experiments().stoppedVariants("k");
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0].variant, "b");
  EXPECT_NE(stops[0].reason.find("guardrail 'unsubscribe'"), std::string::npos);
  EXPECT_EQ(decided.outcome, "winner");
  EXPECT_EQ(decided.variant, "c");  // b was better but is stopped
  EXPECT_FALSE(nlohmann::json::parse(decided.figures)["arms"].empty());

  // More data later cannot change a stored decision.
  events(slice(ids, 0, 400), "purchase", kT0 + 2 * kHour);
  const auto again = decideNow(store_->experiments(), spec, rec, kT0 + 30 * kHour);
  EXPECT_EQ(again.variant, "c");
  EXPECT_EQ(again.decided_ms, decided.decided_ms);
}

TEST_F(ReportTest, NoWinnerFollowsThePolicy) {
  const auto ids = addContacts(400);
  for (const char* policy : {"control", "best", "stop"}) {
    SCOPED_TRACE(policy);
    reopen();
    const std::string key = std::string("k-") + policy;
    const std::string with = std::string(R"({"variants": [{"name": "a"}, {"name": "b"}],
      "goal": "purchase", "test_then_winner": {"test_share": "50%", "decide_after": "1d",
      "min_sample": 10, "if_no_winner": ")") +
                             policy + R"("}})";
    store_->experiments().registerExperiment({key, "wf", "rev", "test", with, kT0, kT0});
    std::vector<ExperimentAssignment> rows;
    for (size_t i = 0; i < 40; ++i)
      rows.push_back({ids[i], i < 20 ? "a" : "b", ExperimentPhase::kTest, kT0, kT0, 1});
    store_->experiments().assign(key, rows);
    std::vector<Problem> problems;
    const Spec spec = parseSpec(nlohmann::json::parse(with), key, problems);
    const auto d =
        decideNow(store_->experiments(), spec, *store_->experiments().experiment(key), kT0);
    EXPECT_EQ(d.outcome, "no_winner");
    EXPECT_EQ(d.variant, std::string(policy) == "stop" ? "" : "a");
  }
}

TEST(PowerCheck, WarnsWithTheNumbersAndStaysQuietWhenBigEnough) {
  std::vector<Problem> problems;
  const Spec spec = parseSpec(nlohmann::json::parse(R"({"variants": [{"name": "a"},
    {"name": "b"}], "goal": "purchase", "power": {"baseline": "5%", "minimum_effect": "10%"}})"),
                              "k", problems);
  ASSERT_TRUE(problems.empty());
  const auto small = powerWarning(spec, 20000);
  ASSERT_TRUE(small);
  EXPECT_NE(small->find("gets about 10,000 contacts"), std::string::npos) << *small;
  EXPECT_NE(small->find("needs 31,218 per variant"), std::string::npos) << *small;
  EXPECT_FALSE(powerWarning(spec, 70000));
}

TEST(Spec, ShareAndPowerMistakesAreNamed) {
  std::vector<Problem> problems;
  parseSpec(nlohmann::json::parse(R"({"variants": [{"name": "a"}, {"name": "b"}],
    "goal": "purchase", "power": {"baseline": "60%", "minimum_effect": "80%"}})"),
            "k", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/power/minimum_effect");
  EXPECT_EQ(problems[0].message,
            "a 80% lift over a 60% baseline is a rate of 100% or more; minimum_effect is "
            "relative (10% takes 3% to 3.3%)");
  EXPECT_EQ(parseShare("12.5%"), 0.125);
  EXPECT_EQ(parseShare(0.3), 0.3);
  EXPECT_FALSE(parseShare(30));
  EXPECT_FALSE(parseShare("30"));
  EXPECT_FALSE(parseShare("lots%"));
}

}  // namespace
}  // namespace herald::experiment
