#pragma once
// An experiment as a workflow declares it (the `with` of an `experiment`
// step, docs/workflows.md "Experiments"): its variants and weights, the
// holdout, the goal and guardrails, and the test-then-winner rule. Parsed
// from JSON so that the same code reads a workflow file (validation places
// each problem at FILE:LINE:COL from its JSON pointer) and the copy the
// store keeps for reports.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace herald::experiment {

struct Variant {
  std::string name;
  double weight = 1;  // relative: any positive scale
  // Fields of the next delivery step this variant changes (`set:`), a JSON
  // object; null when it sends the step as written.
  nlohmann::json set;
  // When this variant's message goes (`send_after: 2h`, `send_at: "19:00"`
  // in the contact's time zone): the journey waits at the experiment step.
  std::string send_after;
  std::string send_at;
};

// A goal: contacts with an event of this type within `window_ms` after
// their exposure (conversion), or the sum of a property of those events per
// contact (`value:`, e.g. revenue).
struct Goal {
  std::string event;
  int64_t window_ms = 0;
  std::optional<std::string> value;  // a property of the event; "amount" is exact
  // Opens and clicks made by machines (mail privacy proxies, scanners) are
  // left out of open and click goals.
  bool skipsMachines() const { return event == "open" || event == "click"; }
  bool isValue() const { return value.has_value(); }
  std::string describe() const;  // "purchase within 7d (sum of amount)"
};

enum class RuleKind { kSequential, kBayesian };
enum class NoWinner { kControl, kBest, kStop };

// Send to a test share, wait, decide, send the winner to the rest.
struct TestThenWinner {
  double test_share = 0.2;  // of the contacts not held out
  int64_t decide_after_ms = 0;
  RuleKind rule = RuleKind::kSequential;
  double alpha = 0.05;       // sequential
  double threshold = 0.95;   // bayesian: chance to beat control
  int64_t min_sample = 100;  // per arm, before anything is declared
  NoWinner if_no_winner = NoWinner::kControl;
};

// What the test is meant to detect (for validate's power warning).
struct Power {
  double baseline = 0;        // the control's expected conversion rate
  double minimum_effect = 0;  // the smallest relative lift worth detecting
};

struct Spec {
  std::string key;
  std::vector<Variant> variants;  // [0] is the control
  double holdout = 0;             // share that receives nothing
  Goal goal;
  std::vector<Goal> guardrails;
  std::optional<TestThenWinner> rollout;
  std::optional<Power> power;

  int indexOf(const std::string& variant) const;  // -1 when none
  std::vector<double> weights() const;
};

// The name reserved for contacts held out (its own arm in reports).
inline constexpr const char* kHoldout = "holdout";

struct Problem {
  std::string pointer;  // JSON pointer into `with`
  std::string message;
  bool warning = false;
};

// Reads an experiment step's `with` (already checked against its schema for
// shapes and types). `default_key`: the key when none is given. Problems go
// to `problems`; the Spec is usable when none is an error.
Spec parseSpec(const nlohmann::json& with, const std::string& default_key,
               std::vector<Problem>& problems);

// "10%", 0.1 -> 0.1; nullopt for anything else (a number outside [0, 1],
// text that is not a percentage).
std::optional<double> parseShare(const nlohmann::json& value);

const char* toString(RuleKind rule);
const char* toString(NoWinner policy);

}  // namespace herald::experiment
