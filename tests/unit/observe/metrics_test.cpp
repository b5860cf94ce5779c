#include "observe/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace herald::observe {
namespace {

const Labels kLabels{{"plugin", "outbox"}, {"step", "welcome"}};

TEST(Metrics, CountersAddGaugesSet) {
  Metrics m;
  EXPECT_TRUE(m.counterAdd("sent_total", kLabels, 2));
  EXPECT_TRUE(m.counterAdd("sent_total", kLabels, 3));
  EXPECT_TRUE(m.gaugeSet("queue", kLabels, 7));
  EXPECT_TRUE(m.gaugeSet("queue", kLabels, 4));
  EXPECT_EQ(m.value("sent_total", kLabels), 5.0);
  EXPECT_EQ(m.value("queue", kLabels), 4.0);
  EXPECT_EQ(m.value("queue", {}), std::nullopt);
}

TEST(Metrics, RejectsWithAReason) {
  Metrics m;
  std::string why;
  EXPECT_FALSE(m.counterAdd("Sent-Total", kLabels, 1, &why));
  EXPECT_EQ(why, "invalid metric name 'Sent-Total' (use [a-z_][a-z0-9_]*)");
  EXPECT_FALSE(m.counterAdd("9lives", kLabels, 1, &why));
  EXPECT_FALSE(m.counterAdd("", kLabels, 1, &why));
  EXPECT_FALSE(m.counterAdd("sent_total", kLabels, -1, &why));
  EXPECT_EQ(why, "counter 'sent_total' cannot decrease (delta -1)");
  EXPECT_FALSE(m.gaugeSet("g", kLabels, std::nan(""), &why));
  EXPECT_EQ(why, "metric 'g' got a value that is not a finite number");
  EXPECT_TRUE(m.counterAdd("x", kLabels, 1));
  EXPECT_FALSE(m.gaugeSet("x", kLabels, 1, &why));
  EXPECT_EQ(why, "metric 'x' is already a counter");
  EXPECT_TRUE(m.snapshot().size() == 1);
}

TEST(Metrics, PrometheusText) {
  Metrics m;
  m.counterAdd("sent_total", kLabels, 3);
  m.counterAdd("sent_total", {{"plugin", "outbox"}, {"step", "say \"hi\""}}, 1);
  m.gaugeSet("queue", {}, 2.5);
  EXPECT_EQ(m.prometheusText("herald_plugin_"),
            "# TYPE herald_plugin_queue gauge\n"
            "herald_plugin_queue 2.5\n"
            "# TYPE herald_plugin_sent_total counter\n"
            "herald_plugin_sent_total{plugin=\"outbox\",step=\"say \\\"hi\\\"\"} 1\n"
            "herald_plugin_sent_total{plugin=\"outbox\",step=\"welcome\"} 3\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  const double bounds[] = {0.1, 1};
  EXPECT_TRUE(m.observe("lag_seconds", {}, 0.05, bounds));
  EXPECT_TRUE(m.observe("lag_seconds", {}, 0.5, bounds));
  EXPECT_TRUE(m.observe("lag_seconds", {}, 5, bounds));
  m.describe("lag_seconds", "Wake-up lag.");
  EXPECT_EQ(m.count("lag_seconds", {}), 3u);
  EXPECT_EQ(m.prometheusText("herald_"),
            "# HELP herald_lag_seconds Wake-up lag.\n"
            "# TYPE herald_lag_seconds histogram\n"
            "herald_lag_seconds_bucket{le=\"0.1\"} 1\n"
            "herald_lag_seconds_bucket{le=\"1\"} 2\n"
            "herald_lag_seconds_bucket{le=\"+Inf\"} 3\n"
            "herald_lag_seconds_sum 5.55\n"
            "herald_lag_seconds_count 3\n");
  std::string why;
  EXPECT_FALSE(m.counterAdd("lag_seconds", {}, 1, &why));
  EXPECT_EQ(why, "metric 'lag_seconds' is already a histogram");
}

// The daemon describes its metrics at start-up, before any sample: the HELP
// line must still be there once samples come.
TEST(Metrics, ADescriptionBeforeTheFirstSampleIsKept) {
  Metrics m;
  m.describe("journeys_waiting", "Journeys waiting for their wake-up time");
  EXPECT_EQ(m.prometheusText("herald_"), "");
  EXPECT_TRUE(m.gaugeSet("journeys_waiting", {}, 4));
  EXPECT_EQ(m.prometheusText("herald_"),
            "# HELP herald_journeys_waiting Journeys waiting for their wake-up time\n"
            "# TYPE herald_journeys_waiting gauge\n"
            "herald_journeys_waiting 4\n");
}

}  // namespace
}  // namespace herald::observe
