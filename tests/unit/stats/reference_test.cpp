// core/stats against SciPy/statsmodels: every case of reference_cases.json, each
// value to 1e-6 relative (1e-9 absolute near 0). The table is recorded by
//   /usr/bin/python3 tests/unit/stats/record_reference.py
// (python3-scipy, python3-statsmodels); rerun it when a case is added.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "stats/bayes.hpp"
#include "stats/decision_rule.hpp"
#include "stats/holm.hpp"
#include "stats/mean.hpp"
#include "stats/nps.hpp"
#include "stats/power.hpp"
#include "stats/proportion.hpp"
#include "stats/sequential.hpp"
#include "stats/srm.hpp"

namespace herald::stats {
namespace {

using nlohmann::json;

json loadCases() {
  std::ifstream in(std::string(HERALD_STATS_TEST_DIR) + "/reference_cases.json");
  return json::parse(in);
}

// null is NaN, "inf"/"-inf" the infinities, a number itself.
double expectedNumber(const json& value) {
  if (value.is_null()) return std::nan("");
  if (value.is_string()) {
    return value.get<std::string>() == "inf" ? INFINITY : -INFINITY;
  }
  return value.get<double>();
}

::testing::AssertionResult agrees(const char* what, double actual, const json& expected_json) {
  const double expected = expectedNumber(expected_json);
  if (std::isnan(expected) ? std::isnan(actual)
      : std::isinf(expected)
          ? actual == expected
          : std::abs(actual - expected) <= std::max(1e-6 * std::abs(expected), 1e-9)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << what << ": Herald " << actual << ", reference " << expected_json.dump()
         << " (difference " << actual - expected << ")";
}

void expectInterval(const char* what, const Interval& actual, const json& expected) {
  EXPECT_TRUE(agrees(what, actual.low, expected[0]));
  EXPECT_TRUE(agrees(what, actual.high, expected[1]));
}

Arm armOf(const json& j) {
  return {j.at("n").get<int64_t>(), j.at("sum").get<double>(), j.at("sum_sq").get<double>()};
}

void expectComparison(const Comparison& c, const json& e) {
  ASSERT_EQ(c.defined, e.at("defined").get<bool>());
  if (!c.defined) {
    EXPECT_TRUE(std::isnan(c.p_value) && std::isnan(c.abs_lift) && std::isnan(c.rel_lift));
    return;
  }
  EXPECT_TRUE(agrees("control", c.control, e["control"]));
  EXPECT_TRUE(agrees("variant", c.variant, e["variant"]));
  expectInterval("variant_ci", c.variant_ci, e["variant_ci"]);
  EXPECT_TRUE(agrees("abs_lift", c.abs_lift, e["abs_lift"]));
  expectInterval("abs_ci", c.abs_ci, e["abs_ci"]);
  EXPECT_EQ(c.rel_defined, e.at("rel_defined").get<bool>());
  EXPECT_TRUE(agrees("rel_lift", c.rel_lift, e["rel_lift"]));
  expectInterval("rel_ci", c.rel_ci, e["rel_ci"]);
  EXPECT_TRUE(agrees("p_value", c.p_value, e["p_value"]));
}

void expectBayes(const Bayes& b, const json& e) {
  ASSERT_EQ(b.defined, e.at("defined").get<bool>());
  if (!b.defined) {
    EXPECT_TRUE(std::isnan(b.chance_to_beat));
    return;
  }
  EXPECT_TRUE(agrees("chance_to_beat", b.chance_to_beat, e["chance_to_beat"]));
  EXPECT_TRUE(agrees("loss_variant", b.loss_variant, e["loss_variant"]));
  EXPECT_TRUE(agrees("loss_control", b.loss_control, e["loss_control"]));
}

void expectNps(const Nps& actual, const json& e) {
  EXPECT_EQ(actual.n, e.at("n").get<int64_t>());
  ASSERT_EQ(actual.defined, e.at("defined").get<bool>());
  if (!actual.defined) {
    EXPECT_TRUE(std::isnan(actual.score));
    return;
  }
  EXPECT_TRUE(agrees("score", actual.score, e["score"]));
  EXPECT_TRUE(agrees("standard_error", actual.standard_error, e["standard_error"]));
  expectInterval("ci", actual.ci, e["ci"]);
}

Rule ruleOf(const json& j) {
  Rule rule;
  rule.kind = j.at("kind") == "sequential" ? Rule::Kind::kSequential : Rule::Kind::kBayesian;
  rule.alpha = j.at("alpha");
  rule.threshold = j.at("threshold");
  rule.min_sample = j.at("min_sample");
  rule.higher_is_better = j.at("higher_is_better");
  rule.tuning = j.at("tuning");
  return rule;
}

void check(const json& c) {
  const std::string function = c.at("function");
  const json& in = c.at("inputs");
  const json& e = c.at("expected");
  if (function == "wilson") {
    expectInterval("wilson", wilsonInterval(in["conversions"], in["n"], in["confidence"]),
                   e["interval"]);
  } else if (function == "compareConversions") {
    expectComparison(
        compareConversions(armOf(in["control"]), armOf(in["variant"]), in["confidence"]), e);
  } else if (function == "compareMeans") {
    expectComparison(compareMeans(armOf(in["control"]), armOf(in["variant"]), in["confidence"]), e);
  } else if (function == "betaChanceToBeat") {
    expectBayes(betaChanceToBeat(armOf(in["control"]), armOf(in["variant"])), e);
  } else if (function == "normalChanceToBeat") {
    expectBayes(normalChanceToBeat(armOf(in["control"]), armOf(in["variant"])), e);
  } else if (function == "srmPValue") {
    const auto observed = in["observed"].get<std::vector<int64_t>>();
    const auto weights = in["weights"].get<std::vector<double>>();
    EXPECT_TRUE(agrees("p_value", srmPValue(observed, weights), e["p_value"]));
  } else if (function == "holm") {
    std::vector<double> p;
    for (const json& v : in["p_values"]) p.push_back(expectedNumber(v));
    const std::vector<double> adjusted = holm(p);
    ASSERT_EQ(adjusted.size(), e["adjusted"].size());
    for (size_t i = 0; i < adjusted.size(); ++i) {
      EXPECT_TRUE(agrees("adjusted", adjusted[i], e["adjusted"][i])) << "index " << i;
    }
  } else if (function == "confidenceSequence") {
    expectInterval("sequence",
                   confidenceSequence(in["estimate"], in["variance"], in["n_total"], in["alpha"],
                                      in["tuning"]),
                   e["interval"]);
  } else if (function == "sampleSizePerVariant") {
    EXPECT_EQ(
        sampleSizePerVariant(in["baseline_rate"], in["relative_mde"], in["alpha"], in["power"]),
        e["n"].get<int64_t>());
  } else if (function == "minimumDetectableEffect") {
    EXPECT_TRUE(agrees(
        "relative",
        minimumDetectableEffect(in["baseline_rate"], in["n_per_variant"], in["alpha"], in["power"]),
        e["relative"]));
  } else if (function == "nps") {
    expectNps(nps(in["promoters"], in["passives"], in["detractors"], in["confidence"]), e);
  } else if (function == "npsDifference") {
    const double confidence = in["confidence"];
    const json& a = in["from"];
    const json& b = in["to"];
    expectNps(npsDifference(nps(a[0], a[1], a[2], confidence), nps(b[0], b[1], b[2], confidence),
                            confidence),
              e);
  } else if (function == "csat") {
    const Csat actual = csat(in["satisfied"], in["n"], in["confidence"]);
    ASSERT_EQ(actual.defined, e.at("defined").get<bool>());
    if (actual.defined) {
      EXPECT_TRUE(agrees("percent", actual.percent, e["percent"]));
      expectInterval("ci", actual.ci, e["ci"]);
    }
  } else if (function == "decide") {
    std::vector<Arm> arms;
    for (const json& arm : in["arms"]) arms.push_back(armOf(arm));
    const Verdict v =
        decide(ruleOf(in["rule"]),
               in["goal"] == "conversion" ? GoalKind::kConversion : GoalKind::kValue, arms);
    EXPECT_EQ(v.winner, e["winner"].get<int>()) << v.reason;
    EXPECT_EQ(v.ready, e["ready"].get<bool>()) << v.reason;
    ASSERT_EQ(v.sequential.size(), e["sequential"].size());
    for (size_t t = 0; t < v.sequential.size(); ++t) {
      expectInterval("sequential", v.sequential[t], e["sequential"][t]);
      EXPECT_TRUE(agrees("chance_to_beat", v.bayes[t].chance_to_beat, e["chance_to_beat"][t]));
      EXPECT_TRUE(agrees("p_holm", v.p_holm[t], e["p_holm"][t]));
    }
  } else {
    FAIL() << "unknown function in the table: " << function;
  }
}

TEST(StatsReference, EveryCaseAgreesWithScipyAndStatsmodels) {
  const json cases = loadCases();
  ASSERT_GE(cases.size(), 100u);
  std::set<std::string> functions;
  for (const json& c : cases) {
    SCOPED_TRACE(c.dump());
    functions.insert(c.at("function").get<std::string>());
    check(c);
  }
  // Every function of the module is covered by the table.
  EXPECT_EQ(functions, (std::set<std::string>{"wilson", "compareConversions", "compareMeans",
                                              "betaChanceToBeat", "normalChanceToBeat", "srmPValue",
                                              "holm", "confidenceSequence", "sampleSizePerVariant",
                                              "minimumDetectableEffect", "nps", "npsDifference",
                                              "csat", "decide"}));
}

}  // namespace
}  // namespace herald::stats
