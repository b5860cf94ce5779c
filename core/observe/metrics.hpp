#pragma once
// In-process metrics in the Prometheus data model: counters, gauges and
// histograms with labels. The daemon keeps one Metrics for its own figures
// (exported as herald_*) and the plugin host keeps one for what plugins
// report through counter_add / gauge_set (exported as herald_plugin_*);
// GET /metrics concatenates both with prometheusText(). Thread-safe.
//
// Labels never carry a contact: only bounded sets (workflow, step, route,
// code, plugin).
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace herald::observe {

using Labels = std::map<std::string, std::string>;

// Names: [a-z_][a-z0-9_]*.
bool validMetricName(std::string_view name);

// Default histogram bounds in seconds: 1 ms .. 60 s.
std::span<const double> defaultSecondsBuckets();

class Metrics {
 public:
  enum class Kind { kCounter, kGauge, kHistogram };

  struct Sample {
    std::string name;
    Kind kind = Kind::kCounter;
    Labels labels;
    double value = 0;              // counter / gauge value; histogram: sum
    uint64_t count = 0;            // histogram: observations
    std::vector<uint64_t> bucket;  // histogram: cumulative counts per bound of `bounds`
    std::span<const double> bounds;
  };

  // Each returns false and says why in `why` (nothing changed) for an
  // invalid name, a non-finite value, a negative counter delta, or a name
  // already used with another kind.
  bool counterAdd(const std::string& name, const Labels& labels, double delta,
                  std::string* why = nullptr);
  bool gaugeSet(const std::string& name, const Labels& labels, double value,
                std::string* why = nullptr);
  bool gaugeAdd(const std::string& name, const Labels& labels, double delta,
                std::string* why = nullptr);
  // Records one observation into a histogram with `bounds` (ascending; the
  // +Inf bucket is implicit). The first observation of a name fixes its bounds.
  bool observe(const std::string& name, const Labels& labels, double value,
               std::span<const double> bounds = defaultSecondsBuckets(),
               std::string* why = nullptr);

  // Counter or gauge value; a histogram's sum.
  std::optional<double> value(const std::string& name, const Labels& labels) const;
  // A histogram's observation count.
  std::optional<uint64_t> count(const std::string& name, const Labels& labels) const;
  // Sets the HELP text printed for `name` (without prefix).
  void describe(const std::string& name, std::string help);
  // The HELP text of every metric not described (e.g. those plugins report:
  // the host cannot know what they mean). Empty: no HELP line for them.
  void setDefaultHelp(std::string help);

  // Sorted by name, then labels.
  std::vector<Sample> snapshot() const;
  // Prometheus text exposition format (version 0.0.4); every name gets
  // `prefix` in front, e.g. herald_plugin_messages_sent_total{plugin="outbox",step="welcome"} 3
  std::string prometheusText(std::string_view prefix) const;

 private:
  struct Series {
    double value = 0;
    uint64_t count = 0;
    std::vector<uint64_t> buckets;  // not cumulative; one per bound plus +Inf
  };
  struct Family {
    Kind kind = Kind::kCounter;
    std::vector<double> bounds;
  };
  bool check(const std::string& name, Kind kind, double v, std::string* why);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  // HELP texts, by name: a metric may be described before its first sample.
  std::map<std::string, std::string> helps_;
  std::string default_help_;
  std::map<std::pair<std::string, Labels>, Series> series_;
};

}  // namespace herald::observe
