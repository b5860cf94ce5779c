#include "workflow/builtins.hpp"

#include "config/daemon_config.hpp"
#include "experiment/spec.hpp"
#include "util/suggest.hpp"
#include "util/time_zone.hpp"
#include "workflow/expression.hpp"
#include "workflow/scalar_pos.hpp"
#include "workflow/wait.hpp"

namespace herald::workflow {
namespace {

const char* const kConditionSchema = R"({
  "type": "object",
  "properties": {
    "if": {
      "type": "string",
      "minLength": 1,
      "description": "The condition, e.g. contact.locale == 'ko-KR' and attributes.orders >= 2. True goes to branches.then, false to branches.else."
    }
  },
  "required": ["if"],
  "additionalProperties": false
})";

const char* const kWaitSchema = R"({
  "type": "object",
  "properties": {
    "duration": {
      "type": "string",
      "minLength": 1,
      "description": "How long to wait: 30m, 12h, 2d, 1w, or combined as 1d12h (units ms, s, m, h, d, w)."
    },
    "until": {
      "type": "string",
      "minLength": 1,
      "description": "Then wait for the next time the clock reads this time of day (HH:MM, 24-hour) in the contact's time zone."
    },
    "timezone": {
      "type": "string",
      "minLength": 1,
      "description": "Time zone for 'until' when a contact has none, e.g. Europe/Berlin (default UTC)."
    }
  },
  "additionalProperties": false
})";

const char* const kExitSchema = R"({
  "type": "object",
  "properties": {
    "reason": {
      "type": "string",
      "description": "Why journeys end here; shown in run reports."
    }
  },
  "additionalProperties": false
})";

// Shapes and types only; experiment/spec.cpp checks the meaning, with the
// messages (docs/workflows.md "Experiments").
const char* const kExperimentSchema = R"({
  "type": "object",
  "properties": {
    "key": {"type": "string", "description": "Names the experiment: steps and revisions with the same key share its assignments and decision (default: WORKFLOW/STEP)."},
    "variants": {
      "type": "array",
      "description": "The variants, the control first. Each routes to the branch of its name, or changes fields of the next delivery step (set).",
      "items": {
        "type": "object",
        "properties": {
          "name": {"type": "string", "description": "The variant's name (letters, digits, _ and -); a branch of this name receives its contacts."},
          "weight": {"type": "number", "description": "Relative share of the test (default 1)."},
          "set": {"type": "object", "description": "Fields of the next delivery step this variant changes, e.g. {subject: ...} or {message: other_file}."},
          "send_after": {"type": "string", "description": "Send this variant's message later: a duration such as 2h."},
          "send_at": {"type": "string", "description": "Send this variant's message at this time of day (HH:MM) in the contact's time zone."}
        },
        "required": ["name"],
        "additionalProperties": false
      }
    },
    "holdout": {"type": ["string", "number"], "description": "Share that receives nothing and is measured all the same, e.g. 10%."},
    "goal": {
      "type": ["object", "string"],
      "description": "The primary goal: {event: purchase, within: 7d} counts contacts with the event; add value: amount to sum a property instead.",
      "properties": {
        "event": {"type": "string"},
        "within": {"type": "string", "description": "The attribution window after the contact's send (default 7d)."},
        "value": {"type": "string", "description": "Sum this property of the events per contact (e.g. amount) instead of counting converters."}
      },
      "additionalProperties": false
    },
    "guardrails": {
      "type": "array",
      "description": "Events that must not rise (unsubscribe, complained, bounced): a variant significantly worse than the control is stopped.",
      "items": {
        "type": ["string", "object"],
        "properties": {"event": {"type": "string"}, "within": {"type": "string"}},
        "additionalProperties": false
      }
    },
    "test_then_winner": {
      "type": "object",
      "description": "Send to a test share, wait, let the rule pick the winner, send it to the rest.",
      "properties": {
        "test_share": {"type": ["string", "number"], "description": "The part of the audience in the test, e.g. 20%."},
        "decide_after": {"type": "string", "description": "How long after the test sends the rule decides, e.g. 3d."},
        "rule": {"type": "string", "enum": ["sequential", "bayesian"], "description": "sequential (confidence sequences at alpha; safe to check at any time) or bayesian (chance to beat the control >= threshold)."},
        "alpha": {"type": "number", "description": "sequential: the false-positive rate (default 0.05)."},
        "threshold": {"type": ["string", "number"], "description": "bayesian: the chance to beat the control a winner needs (default 95%)."},
        "min_sample": {"type": "integer", "minimum": 1, "description": "Contacts per arm before anything is declared (default 100)."},
        "if_no_winner": {"type": "string", "enum": ["control", "best", "stop"], "description": "What the rest receive when nobody wins: the control (default), the best so far, or nothing."}
      },
      "additionalProperties": false
    },
    "power": {
      "type": "object",
      "description": "What the test should detect, for validate's sample-size warning.",
      "properties": {
        "baseline": {"type": ["string", "number"], "description": "The control's expected conversion rate, e.g. 3%."},
        "minimum_effect": {"type": ["string", "number"], "description": "The smallest relative lift worth detecting, e.g. 10%."}
      },
      "additionalProperties": false
    }
  },
  "additionalProperties": false
})";

void compileExperiment(Step& step, const Workflow& wf, Diagnostics& diags) {
  const std::string where = "step '" + step.id + "': ";
  std::vector<experiment::Problem> problems;
  auto spec = std::make_shared<experiment::Spec>(
      experiment::parseSpec(step.config, wf.name + "/" + step.id, problems));
  bool ok = true;
  for (const auto& p : problems) {
    if (p.warning) {
      diags.warning(configPosition(step, p.pointer), where + p.message);
    } else {
      diags.error(configPosition(step, p.pointer), where + p.message);
      ok = false;
    }
  }
  for (size_t i = 0; i < spec->variants.size(); ++i) {
    const auto& v = spec->variants[i];
    if (v.send_after.empty() && v.send_at.empty()) continue;
    WaitSpec wait;
    if (!v.send_after.empty()) {
      if (auto d = config::parseDuration(v.send_after)) wait.duration_ms = d->count();
    }
    if (!v.send_at.empty()) {
      wait.until_minute = parseTimeOfDay(v.send_at);
      if (!wait.until_minute) {
        diags.error(configPosition(step, "/variants/" + std::to_string(i) + "/send_at"),
                    where +
                        "send_at must be a time of day as HH:MM (24-hour), e.g. \"19:00\", "
                        "got '" +
                        v.send_at + "'");
        ok = false;
        continue;
      }
    }
    step.variant_waits[v.name] = std::make_shared<const WaitSpec>(std::move(wait));
  }
  if (ok) step.experiment = std::move(spec);
}

}  // namespace

void registerBuiltins(plugin::Registry& registry) {
  auto add = [&](const char* name, const char* summary, const char* schema) {
    plugin::StepTypeInfo info;
    info.name = name;
    info.summary = summary;
    info.plugin = "builtin";
    info.schema = nlohmann::json::parse(schema);
    info.builtin = true;
    if (std::string(name) == kConditionStep) info.branches = {"then", "else"};
    registry.addBuiltin(std::move(info));
  };
  add(kConditionStep, "Branch on a condition over the contact and journey variables",
      kConditionSchema);
  add(kWaitStep, "Wait for a duration and/or until a time of day in the contact's time zone",
      kWaitSchema);
  add(kExitStep, "End the journey here", kExitSchema);
  add(kExperimentStep,
      "A/B/n test: assign each contact a variant (sticky), measure a goal, pick a winner",
      kExperimentSchema);
}

void addEditorHints(const std::string& uses, nlohmann::json& with_schema) {
  if (uses != kWaitStep || !with_schema.contains("properties")) return;
  auto& props = with_schema["properties"];
  if (props.contains("duration")) props["duration"]["pattern"] = "^([0-9]+(ms|s|m|h|d|w))+$";
  if (props.contains("until")) props["until"]["pattern"] = "^([01]?[0-9]|2[0-3]):[0-5][0-9]$";
}

bool isBuiltinStep(const std::string& uses) {
  return uses == kConditionStep || uses == kWaitStep || uses == kExitStep ||
         uses == kExperimentStep;
}

void compileBuiltin(Step& step, const Workflow& wf, Diagnostics& diags) {
  const std::string& source = wf.source;
  const std::string where = "step '" + step.id + "': ";
  if (step.uses == kExperimentStep) {
    compileExperiment(step, wf, diags);
    return;
  }
  if (step.uses == kConditionStep) {
    if (!step.config.contains("if") || !step.config["if"].is_string()) return;
    const std::string text = step.config["if"].get<std::string>();
    ExprError err;
    auto expr = Expr::parse(text, &err);
    if (!expr) {
      diags.error(positionInScalar(source, configPosition(step, "/if"), err.offset),
                  where + "in the condition: " + err.message);
      return;
    }
    step.condition = std::make_shared<const Expr>(std::move(*expr));
    return;
  }
  if (step.uses == kWaitStep) {
    WaitSpec spec;
    bool ok = true;
    const bool has_duration = step.config.contains("duration");
    const bool has_until = step.config.contains("until");
    if (!has_duration && !has_until) {
      diags.error(step.with_pos,
                  where + "a wait needs 'duration' (e.g. 2d), 'until' (e.g. \"09:00\"), or both");
      return;
    }
    if (has_duration && step.config["duration"].is_string()) {
      const std::string text = step.config["duration"].get<std::string>();
      const auto d = config::parseDuration(text);
      if (!d || d->count() <= 0) {
        diags.error(configPosition(step, "/duration"),
                    where +
                        "duration must be a length of time such as 30m, 12h, 2d or 1w "
                        "(units ms, s, m, h, d, w; combined as 1d12h), got '" +
                        text + "'");
        ok = false;
      } else {
        spec.duration_ms = d->count();
      }
    }
    if (has_until && step.config["until"].is_string()) {
      const std::string text = step.config["until"].get<std::string>();
      spec.until_minute = parseTimeOfDay(text);
      if (!spec.until_minute) {
        diags.error(configPosition(step, "/until"),
                    where +
                        "until must be a time of day as HH:MM (24-hour), e.g. \"09:00\", got '" +
                        text + "'");
        ok = false;
      }
    }
    if (step.config.contains("timezone") && step.config["timezone"].is_string()) {
      const std::string tz = step.config["timezone"].get<std::string>();
      if (!isKnownTimeZone(tz)) {
        diags.error(configPosition(step, "/timezone"),
                    where + "unknown time zone '" + tz + "'; " + timeZoneHint(tz));
        ok = false;
      } else if (!has_until) {
        diags.warning(configPosition(step, "/timezone#key"),
                      where + "timezone only matters with 'until'; it is ignored here");
      }
      spec.timezone = tz;
    }
    if (ok) step.wait = std::make_shared<const WaitSpec>(std::move(spec));
  }
}

}  // namespace herald::workflow
