#include "observe/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace herald::observe {
namespace {

constexpr double kSecondsBuckets[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                      0.5,   1,     2.5,  5,     10,   30,  60};

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

const char* kindName(Metrics::Kind k) {
  switch (k) {
    case Metrics::Kind::kCounter:
      return "counter";
    case Metrics::Kind::kGauge:
      return "gauge";
    case Metrics::Kind::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// `{a="1",b="2"}` with an optional extra label (le) last; empty for none.
std::string labelText(const Labels& labels, const std::string& extra_key = {},
                      const std::string& extra_value = {}) {
  if (labels.empty() && extra_key.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += fmt::format("{}=\"{}\"", k, escapeLabel(v));
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += fmt::format("{}=\"{}\"", extra_key, extra_value);
  }
  out += '}';
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
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

std::span<const double> defaultSecondsBuckets() { return kSecondsBuckets; }

bool Metrics::check(const std::string& name, Kind kind, double v, std::string* why) {
  if (!validMetricName(name)) {
    if (why) *why = fmt::format("invalid metric name '{}' (use [a-z_][a-z0-9_]*)", name);
    return false;
  }
  if (!std::isfinite(v)) {
    if (why) *why = fmt::format("metric '{}' got a value that is not a finite number", name);
    return false;
  }
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.kind = kind;
  } else if (it->second.kind != kind) {
    if (why) *why = fmt::format("metric '{}' is already a {}", name, kindName(it->second.kind));
    return false;
  }
  return true;
}

bool Metrics::counterAdd(const std::string& name, const Labels& labels, double delta,
                         std::string* why) {
  if (std::isfinite(delta) && delta < 0) {
    if (why) *why = fmt::format("counter '{}' cannot decrease (delta {})", name, delta);
    return false;
  }
  std::lock_guard lock(mu_);
  if (!check(name, Kind::kCounter, delta, why)) return false;
  series_[{name, labels}].value += delta;
  return true;
}

bool Metrics::gaugeSet(const std::string& name, const Labels& labels, double value,
                       std::string* why) {
  std::lock_guard lock(mu_);
  if (!check(name, Kind::kGauge, value, why)) return false;
  series_[{name, labels}].value = value;
  return true;
}

bool Metrics::gaugeAdd(const std::string& name, const Labels& labels, double delta,
                       std::string* why) {
  std::lock_guard lock(mu_);
  if (!check(name, Kind::kGauge, delta, why)) return false;
  series_[{name, labels}].value += delta;
  return true;
}

bool Metrics::observe(const std::string& name, const Labels& labels, double value,
                      std::span<const double> bounds, std::string* why) {
  std::lock_guard lock(mu_);
  if (!check(name, Kind::kHistogram, value, why)) return false;
  Family& family = families_[name];
  if (family.bounds.empty()) family.bounds.assign(bounds.begin(), bounds.end());
  Series& s = series_[{name, labels}];
  if (s.buckets.empty()) s.buckets.assign(family.bounds.size() + 1, 0);
  const auto at = std::lower_bound(family.bounds.begin(), family.bounds.end(), value);
  ++s.buckets[static_cast<size_t>(at - family.bounds.begin())];
  ++s.count;
  s.value += value;
  return true;
}

std::optional<double> Metrics::value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find({name, labels});
  if (it == series_.end()) return std::nullopt;
  return it->second.value;
}

std::optional<uint64_t> Metrics::count(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find({name, labels});
  if (it == series_.end()) return std::nullopt;
  return it->second.count;
}

void Metrics::describe(const std::string& name, std::string help) {
  std::lock_guard lock(mu_);
  helps_[name] = std::move(help);
}

void Metrics::setDefaultHelp(std::string help) {
  std::lock_guard lock(mu_);
  default_help_ = std::move(help);
}

std::vector<Metrics::Sample> Metrics::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<Sample> out;
  out.reserve(series_.size());
  for (const auto& [key, s] : series_) {
    const Family& family = families_.at(key.first);
    Sample sample{key.first, family.kind, key.second, s.value, s.count, {}, family.bounds};
    uint64_t running = 0;
    for (uint64_t b : s.buckets) sample.bucket.push_back(running += b);
    out.push_back(std::move(sample));
  }
  return out;
}

std::string Metrics::prometheusText(std::string_view prefix) const {
  std::map<std::string, std::string> helps;
  std::string default_help;
  {
    std::lock_guard lock(mu_);
    helps = helps_;
    default_help = default_help_;
  }
  std::string out;
  std::string last;
  for (const auto& s : snapshot()) {
    const std::string name = std::string(prefix) + s.name;
    if (s.name != last) {
      const auto it = helps.find(s.name);
      const std::string& help = it != helps.end() ? it->second : default_help;
      if (!help.empty()) out += fmt::format("# HELP {} {}\n", name, help);
      out += fmt::format("# TYPE {} {}\n", name, kindName(s.kind));
      last = s.name;
    }
    if (s.kind != Kind::kHistogram) {
      out += fmt::format("{}{} {}\n", name, labelText(s.labels), number(s.value));
      continue;
    }
    for (size_t i = 0; i < s.bucket.size(); ++i) {
      const double le = i < s.bounds.size() ? s.bounds[i] : std::numeric_limits<double>::infinity();
      out +=
          fmt::format("{}_bucket{} {}\n", name, labelText(s.labels, "le", number(le)), s.bucket[i]);
    }
    out += fmt::format("{}_sum{} {}\n", name, labelText(s.labels), number(s.value));
    out += fmt::format("{}_count{} {}\n", name, labelText(s.labels), s.count);
  }
  return out;
}

}  // namespace herald::observe
