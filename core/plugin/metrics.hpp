#pragma once
// In-process counters and gauges that plugins report through the host API
// (counter_add / gauge_set), labelled with the plugin and the step. The
// daemon's /metrics endpoint exports them with prometheusText().
// Thread-safe.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::plugin {

using Labels = std::map<std::string, std::string>;

// Names plugins may use: [a-z_][a-z0-9_]*.
bool validMetricName(std::string_view name);

class Metrics {
 public:
  enum class Kind { kCounter, kGauge };

  struct Sample {
    std::string name;
    Kind kind = Kind::kCounter;
    Labels labels;
    double value = 0;
  };

  // Both return false and say why in `why` (value left unchanged) for an
  // invalid name, a non-finite value, a negative counter delta, or a name
  // already used with the other kind.
  bool counterAdd(const std::string& name, const Labels& labels, double delta,
                  std::string* why = nullptr);
  bool gaugeSet(const std::string& name, const Labels& labels, double value,
                std::string* why = nullptr);

  std::optional<double> value(const std::string& name, const Labels& labels) const;
  // Sorted by name, then labels.
  std::vector<Sample> snapshot() const;
  // Prometheus text exposition format (version 0.0.4); every name gets
  // `prefix` in front, e.g. herald_plugin_messages_sent_total{plugin="outbox",step="welcome"} 3
  std::string prometheusText(std::string_view prefix = "herald_plugin_") const;

 private:
  bool update(const std::string& name, Kind kind, const Labels& labels, double v, std::string* why);

  mutable std::mutex mu_;
  std::map<std::string, Kind> kinds_;
  std::map<std::pair<std::string, Labels>, double> values_;
};

}  // namespace herald::plugin
