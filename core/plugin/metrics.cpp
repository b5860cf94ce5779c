#include "plugin/metrics.hpp"

#include <fmt/format.h>

#include <cmath>

namespace herald::plugin {
namespace {

std::string escapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool validMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool Metrics::counterAdd(const std::string& name, const Labels& labels, double delta,
                         std::string* why) {
  if (std::isfinite(delta) && delta < 0) {
    if (why) *why = fmt::format("counter '{}' cannot decrease (delta {})", name, delta);
    return false;
  }
  return update(name, Kind::kCounter, labels, delta, why);
}

bool Metrics::gaugeSet(const std::string& name, const Labels& labels, double value,
                       std::string* why) {
  return update(name, Kind::kGauge, labels, value, why);
}

bool Metrics::update(const std::string& name, Kind kind, const Labels& labels, double v,
                     std::string* why) {
  if (!validMetricName(name)) {
    if (why) *why = fmt::format("invalid metric name '{}' (use [a-z_][a-z0-9_]*)", name);
    return false;
  }
  if (!std::isfinite(v)) {
    if (why) *why = fmt::format("metric '{}' got a value that is not a finite number", name);
    return false;
  }
  std::lock_guard lock(mu_);
  auto [it, inserted] = kinds_.emplace(name, kind);
  if (!inserted && it->second != kind) {
    if (why)
      *why = fmt::format("metric '{}' is already a {}", name,
                         it->second == Kind::kCounter ? "counter" : "gauge");
    return false;
  }
  double& slot = values_[{name, labels}];
  slot = kind == Kind::kCounter ? slot + v : v;
  return true;
}

std::optional<double> Metrics::value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = values_.find({name, labels});
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<Metrics::Sample> Metrics::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<Sample> out;
  out.reserve(values_.size());
  for (const auto& [key, v] : values_)
    out.push_back({key.first, kinds_.at(key.first), key.second, v});
  return out;
}

std::string Metrics::prometheusText(std::string_view prefix) const {
  std::string out;
  std::string last;
  for (const auto& s : snapshot()) {
    const std::string name = std::string(prefix) + s.name;
    if (s.name != last) {
      out += fmt::format("# TYPE {} {}\n", name, s.kind == Kind::kCounter ? "counter" : "gauge");
      last = s.name;
    }
    out += name;
    if (!s.labels.empty()) {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : s.labels) {
        if (!first) out += ',';
        first = false;
        out += fmt::format("{}=\"{}\"", k, escapeLabel(v));
      }
      out += '}';
    }
    out += fmt::format(" {}\n", s.value);
  }
  return out;
}

}  // namespace herald::plugin
