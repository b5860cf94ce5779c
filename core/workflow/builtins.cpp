#include "workflow/builtins.hpp"

#include "config/daemon_config.hpp"
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

SourcePos posOf(const Step& step, const std::string& pointer) {
  auto it = step.config_positions.find(pointer);
  return it != step.config_positions.end() ? it->second : step.with_pos;
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
}

void addEditorHints(const std::string& uses, nlohmann::json& with_schema) {
  if (uses != kWaitStep || !with_schema.contains("properties")) return;
  auto& props = with_schema["properties"];
  if (props.contains("duration")) props["duration"]["pattern"] = "^([0-9]+(ms|s|m|h|d|w))+$";
  if (props.contains("until")) props["until"]["pattern"] = "^([01]?[0-9]|2[0-3]):[0-5][0-9]$";
}

bool isBuiltinStep(const std::string& uses) {
  return uses == kConditionStep || uses == kWaitStep || uses == kExitStep;
}

void compileBuiltin(Step& step, const std::string& source, Diagnostics& diags) {
  const std::string where = "step '" + step.id + "': ";
  if (step.uses == kConditionStep) {
    if (!step.config.contains("if") || !step.config["if"].is_string()) return;
    const std::string text = step.config["if"].get<std::string>();
    ExprError err;
    auto expr = Expr::parse(text, &err);
    if (!expr) {
      diags.error(positionInScalar(source, posOf(step, "/if"), err.offset),
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
        diags.error(posOf(step, "/duration"),
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
        diags.error(posOf(step, "/until"),
                    where +
                        "until must be a time of day as HH:MM (24-hour), e.g. \"09:00\", got '" +
                        text + "'");
        ok = false;
      }
    }
    if (step.config.contains("timezone") && step.config["timezone"].is_string()) {
      const std::string tz = step.config["timezone"].get<std::string>();
      if (!isKnownTimeZone(tz)) {
        diags.error(posOf(step, "/timezone"),
                    where + "unknown time zone '" + tz + "'; " + timeZoneHint(tz));
        ok = false;
      } else if (!has_until) {
        diags.warning(posOf(step, "/timezone#key"),
                      where + "timezone only matters with 'until'; it is ignored here");
      }
      spec.timezone = tz;
    }
    if (ok) step.wait = std::make_shared<const WaitSpec>(std::move(spec));
  }
}

}  // namespace herald::workflow
