#include "experiment/spec.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "config/daemon_config.hpp"

namespace herald::experiment {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultWindowMs = 7LL * 24 * 3600 * 1000;

class Reader {
 public:
  explicit Reader(std::vector<Problem>& problems) : problems_(problems) {}

  void error(std::string pointer, std::string message) {
    problems_.push_back({std::move(pointer), std::move(message), false});
  }
  void warning(std::string pointer, std::string message) {
    problems_.push_back({std::move(pointer), std::move(message), true});
  }

  std::optional<std::string> text(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  }

  // A duration such as 7d; `fallback` when absent.
  int64_t duration(const json& obj, const char* key, const std::string& pointer, int64_t fallback) {
    const auto value = text(obj, key);
    if (!value) return fallback;
    const auto d = config::parseDuration(*value);
    if (!d || d->count() <= 0) {
      error(pointer + "/" + key,
            fmt::format("{} must be a length of time such as 12h, 3d or 1w (units ms, s, m, h, "
                        "d, w; combined as 1d12h), got '{}'",
                        key, *value));
      return fallback;
    }
    return d->count();
  }

  // A share such as 10% (or 0.1).
  std::optional<double> share(const json& obj, const char* key, const std::string& pointer) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    auto v = parseShare(*it);
    if (!v) {
      error(pointer + "/" + key,
            fmt::format("{} must be a share written as a percentage such as 10% (or a number "
                        "from 0 to 1 such as 0.1), got {}",
                        key, it->dump()));
    }
    return v;
  }

  Goal goal(const json& node, const std::string& pointer, const char* what) {
    Goal g;
    g.window_ms = kDefaultWindowMs;
    if (node.is_string()) {
      g.event = node.get<std::string>();
    } else if (node.is_object()) {
      g.event = text(node, "event").value_or("");
      g.window_ms = duration(node, "within", pointer, kDefaultWindowMs);
      g.value = text(node, "value");
      if (g.value && g.value->empty()) {
        error(pointer + "/value",
              "value names the event property to sum per contact, e.g. amount; it is empty");
      }
    }
    if (g.event.empty()) {
      error(pointer, fmt::format("{} needs the event type that counts, e.g. {{event: purchase, "
                                 "within: 7d}} (open, click, unsubscribe or any event type)",
                                 what));
    }
    return g;
  }

 private:
  std::vector<Problem>& problems_;
};

bool simpleName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void readVariants(Reader& r, const json& with, Spec& spec) {
  auto it = with.find("variants");
  if (it == with.end() || !it->is_array()) return;
  std::set<std::string> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_object()) continue;
    const std::string at = "/variants/" + std::to_string(i);
    Variant variant;
    variant.name = r.text(v, "name").value_or("");
    if (!simpleName(variant.name)) {
      r.error(at + "/name",
              fmt::format("a variant name is 1 to 64 letters, digits, '_' or '-' (it names the "
                          "variant in branches and reports), got '{}'",
                          variant.name));
    } else if (variant.name == kHoldout) {
      r.error(at + "/name",
              "'holdout' is the name of the contacts held out (set with holdout: 10%); give "
              "this variant another name");
    } else if (!seen.insert(variant.name).second) {
      r.error(at + "/name", fmt::format("two variants are named '{}'; every variant needs its "
                                        "own name",
                                        variant.name));
    }
    if (auto w = v.find("weight"); w != v.end() && w->is_number()) {
      variant.weight = w->get<double>();
      if (!(variant.weight > 0) || !std::isfinite(variant.weight)) {
        r.error(at + "/weight",
                fmt::format("weight must be a number above 0 (weights are relative: 50 and 50, "
                            "or 1 and 1, split evenly), got {}",
                            w->dump()));
        variant.weight = 1;
      }
    }
    if (auto s = v.find("set"); s != v.end()) {
      if (s->is_object() && s->empty()) {
        r.error(at + "/set",
                "set is empty; name the fields of the next delivery step this variant changes, "
                "e.g. set: {subject: \"...\"}, or remove it");
      } else {
        variant.set = *s;
      }
    }
    variant.send_after = r.text(v, "send_after").value_or("");
    if (!variant.send_after.empty()) r.duration(v, "send_after", at, 0);
    variant.send_at = r.text(v, "send_at").value_or("");
    spec.variants.push_back(std::move(variant));
  }
  if (spec.variants.size() < 2) {
    r.error("/variants",
            fmt::format("an experiment needs at least two variants: the control (the first) and "
                        "one to test against it; it has {}",
                        spec.variants.size()));
    return;
  }
  double total = 0, smallest = spec.variants.front().weight;
  for (const auto& v : spec.variants) {
    total += v.weight;
    smallest = std::min(smallest, v.weight);
  }
  for (size_t i = 0; i < spec.variants.size(); ++i) {
    const double share = spec.variants[i].weight / total;
    if (share < 0.05) {
      r.warning("/variants/" + std::to_string(i) + "/weight",
                fmt::format("variant '{}' gets {:.1f}% of the contacts in the test; an arm that "
                            "small rarely shows a difference. Weights are relative (50 and 50 "
                            "split evenly)",
                            spec.variants[i].name, share * 100));
    }
  }
}

void readRollout(Reader& r, const json& with, Spec& spec) {
  auto it = with.find("test_then_winner");
  if (it == with.end() || !it->is_object()) return;
  const json& t = *it;
  const std::string at = "/test_then_winner";
  TestThenWinner tw;
  if (auto s = r.share(t, "test_share", at)) {
    tw.test_share = *s;
    if (*s <= 0 || *s >= 1) {
      r.error(at + "/test_share",
              fmt::format("test_share is the part of the audience that takes part in the test; "
                          "the winner goes to the rest. It must be above 0% and below 100%, got "
                          "{}",
                          t["test_share"].dump()));
    }
  }
  tw.decide_after_ms = r.duration(t, "decide_after", at, 0);
  if (tw.decide_after_ms <= 0 && !t.contains("decide_after")) {
    r.error(at,
            "test_then_winner needs decide_after: how long to wait after the test sends "
            "before the rule picks the winner, e.g. decide_after: 3d");
  }
  if (auto rule = r.text(t, "rule"))
    tw.rule = *rule == "bayesian" ? RuleKind::kBayesian : RuleKind::kSequential;
  if (auto a = t.find("alpha"); a != t.end() && a->is_number()) {
    tw.alpha = a->get<double>();
    if (!(tw.alpha > 0 && tw.alpha <= 0.2)) {
      r.error(at + "/alpha",
              fmt::format("alpha is the false-positive rate the rule allows; it must be above 0 "
                          "and at most 0.2 (0.05 is usual), got {}",
                          a->dump()));
    }
  }
  if (auto th = r.share(t, "threshold", at)) {
    tw.threshold = *th;
    if (*th <= 0.5 || *th >= 1) {
      r.error(at + "/threshold",
              fmt::format("threshold is the chance to beat the control a winner needs; it must "
                          "be above 50% and below 100% (95% is usual), got {}",
                          t["threshold"].dump()));
    }
  }
  if (tw.rule == RuleKind::kSequential && t.contains("threshold")) {
    r.warning(at + "/threshold",
              "threshold belongs to rule: bayesian; the sequential rule uses alpha");
  }
  if (tw.rule == RuleKind::kBayesian && t.contains("alpha")) {
    r.warning(at + "/alpha", "alpha belongs to rule: sequential; the bayesian rule uses threshold");
  }
  if (auto m = t.find("min_sample"); m != t.end() && m->is_number_integer()) {
    tw.min_sample = m->get<int64_t>();
  }
  if (auto p = r.text(t, "if_no_winner")) {
    tw.if_no_winner = *p == "best"   ? NoWinner::kBest
                      : *p == "stop" ? NoWinner::kStop
                                     : NoWinner::kControl;
  }
  if (tw.decide_after_ms > 0 && tw.decide_after_ms < spec.goal.window_ms &&
      !spec.goal.event.empty()) {
    r.warning(at + "/decide_after",
              fmt::format("the decision comes before the goal's window closes (decide_after is "
                          "shorter than the goal's within): contacts still converting then are "
                          "not counted yet"));
  }
  spec.rollout = tw;
}

}  // namespace

std::optional<double> parseShare(const json& value) {
  if (value.is_number()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && d >= 0 && d <= 1) return d;
    return std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string s = value.get<std::string>();
  if (s.size() < 2 || s.back() != '%') return std::nullopt;
  try {
    size_t used = 0;
    const double d = std::stod(s.substr(0, s.size() - 1), &used);
    if (used != s.size() - 1 || !std::isfinite(d) || d < 0 || d > 100) return std::nullopt;
    return d / 100;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Spec parseSpec(const json& with, const std::string& default_key, std::vector<Problem>& problems) {
  Reader r(problems);
  Spec spec;
  spec.key = r.text(with, "key").value_or(default_key);
  if (spec.key.empty()) r.error("/key", "key names the experiment; it is empty");
  readVariants(r, with, spec);
  if (auto h = r.share(with, "holdout", "")) {
    spec.holdout = *h;
    if (*h >= 1) {
      r.error("/holdout",
              "a holdout of 100% sends nothing to anyone; holdouts are usually 5% "
              "to 20%");
    } else if (*h > 0.5) {
      r.warning("/holdout",
                fmt::format("a holdout of {:.0f}% sends nothing to most of the audience; "
                            "holdouts are usually 5% to 20%",
                            *h * 100));
    }
  }
  if (auto g = with.find("goal"); g != with.end()) {
    spec.goal = r.goal(*g, "/goal", "goal");
  } else {
    r.error("",
            "an experiment needs a goal: the event that decides it, e.g. goal: {event: "
            "purchase, within: 7d} (open, click, unsubscribe or any event type)");
  }
  if (auto gs = with.find("guardrails"); gs != with.end() && gs->is_array()) {
    std::set<std::string> seen;
    for (size_t i = 0; i < gs->size(); ++i) {
      const std::string at = "/guardrails/" + std::to_string(i);
      Goal g = r.goal((*gs)[i], at, "a guardrail");
      if (g.isValue()) {
        r.error(at + "/value",
                "a guardrail counts contacts with the event (an unsubscribe, a complaint, a "
                "bounce); it takes no value");
      }
      if (!g.event.empty() && !seen.insert(g.event).second) {
        r.error(at, fmt::format("guardrail '{}' is listed twice", g.event));
      }
      spec.guardrails.push_back(std::move(g));
    }
  }
  readRollout(r, with, spec);
  if (auto p = with.find("power"); p != with.end() && p->is_object()) {
    Power power;
    if (auto b = r.share(*p, "baseline", "/power")) power.baseline = *b;
    if (auto m = r.share(*p, "minimum_effect", "/power")) power.minimum_effect = *m;
    if (power.baseline <= 0 || power.baseline >= 1) {
      r.error("/power/baseline",
              "baseline is the control's expected conversion rate, above 0% and below 100%, "
              "e.g. baseline: 3%");
    } else if (power.minimum_effect <= 0) {
      r.error("/power/minimum_effect",
              "minimum_effect is the smallest relative lift worth detecting, above 0%, e.g. "
              "minimum_effect: 10% (3% -> 3.3%)");
    } else if (power.baseline * (1 + power.minimum_effect) >= 1) {
      r.error("/power/minimum_effect",
              fmt::format("a {:.4g}% lift over a {:.4g}% baseline is a rate of 100% or more; "
                          "minimum_effect is relative (10% takes 3% to 3.3%)",
                          power.minimum_effect * 100, power.baseline * 100));
    } else {
      spec.power = power;
    }
  }
  return spec;
}

int Spec::indexOf(const std::string& variant) const {
  for (size_t i = 0; i < variants.size(); ++i)
    if (variants[i].name == variant) return static_cast<int>(i);
  return -1;
}

std::vector<double> Spec::weights() const {
  std::vector<double> out;
  out.reserve(variants.size());
  for (const auto& v : variants) out.push_back(v.weight);
  return out;
}

std::string Goal::describe() const {
  std::string out = event + " within " + config::formatDuration(window_ms);
  if (value) out += " (sum of " + *value + ")";
  return out;
}

const char* toString(RuleKind rule) {
  return rule == RuleKind::kBayesian ? "bayesian" : "sequential";
}

const char* toString(NoWinner policy) {
  switch (policy) {
    case NoWinner::kBest:
      return "best";
    case NoWinner::kStop:
      return "stop";
    case NoWinner::kControl:
      break;
  }
  return "control";
}

}  // namespace herald::experiment
