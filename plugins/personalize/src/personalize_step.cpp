#include "personalize_step.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace herald::personalize {

const char* const PersonalizeStep::kSchema = R"({
  "type": "object",
  "properties": {
    "blocks": {
      "type": "object",
      "description": "Content blocks: variable name -> cases in order. Each contact gets the content of the first case whose `when` rule it matches; a case without `when` is the fallback. A block with no matching case leaves its variable unset.",
      "additionalProperties": {
        "type": "array",
        "items": {
          "type": "object",
          "required": ["content"],
          "properties": {
            "when": {
              "x-segment": true,
              "description": "A segment rule (docs/workflows.md, Segments); absent: the fallback, matching every contact."
            },
            "content": {
              "type": "string",
              "x-templated": "html",
              "description": "HTML (a Liquid template, rendered per contact with HTML-escaped output). Output it with {{ vars.NAME | raw }}."
            }
          }
        }
      }
    },
    "values": {
      "type": "object",
      "description": "Computed values: variable name -> cases in order, chosen like blocks.",
      "additionalProperties": {
        "type": "array",
        "items": {
          "type": "object",
          "required": ["value"],
          "properties": {
            "when": {
              "x-segment": true,
              "description": "A segment rule; absent: the fallback."
            },
            "value": {
              "type": ["string", "number", "boolean"],
              "x-templated": true,
              "description": "A number or boolean (kept as is) or text (a Liquid template rendered per contact)."
            }
          }
        }
      }
    },
    "recommendations": {
      "type": "object",
      "description": "Product recommendations from purchase history (also bought; best sellers for contacts without purchases).",
      "properties": {
        "count": {"type": "integer", "minimum": 1, "maximum": 50, "default": 3,
                  "description": "Products per contact, 1 to 50."},
        "as": {"type": "string", "default": "recommendations",
               "description": "The variable that holds the list: vars.<as>."}
      }
    }
  }
})";

PersonalizeStep::PersonalizeStep(herald::StepContext& ctx, const nlohmann::json& config)
    : Step(ctx), plan_(readPlan(ctx, config)) {}

void PersonalizeStep::run(herald::Batch batch) {
  const size_t n = batch.size();
  std::vector<nlohmann::json> vars(n, nlohmann::json::object());

  // Which contacts match each rule: one host query per distinct rule, asked
  // only while some contact still waits for a case of that output.
  std::map<std::string, std::vector<uint8_t>> matches;  // rule text -> per contact
  for (const Output& out : plan_.outputs) {
    std::vector<bool> decided(n, false);
    size_t open = n;
    for (const Case& c : out.cases) {
      if (open == 0) break;
      const std::vector<uint8_t>* match = nullptr;
      if (c.when) {
        auto it = matches.find(c.rule_key);
        if (it == matches.end()) {
          std::vector<uint8_t> m;
          const herald_status status = batch.segmentMatch(*c.when, m);
          if (status == HERALD_ERR_UNSUPPORTED) {
            const std::string reason =
                "personalize: this Herald cannot evaluate the segment rule at " + *c.when +
                " (no store, or a host older than ABI 1.1)";
            for (size_t i = 0; i < n; ++i) batch.set(i, herald::Fail{reason});
            batch.complete();
            return;
          }
          if (status != HERALD_OK) {
            batch.fail("personalize: the segment rule at " + *c.when +
                       " could not be evaluated (see the log)");
            return;
          }
          it = matches.emplace(c.rule_key, std::move(m)).first;
        }
        match = &it->second;
      }
      for (size_t i = 0; i < n; ++i) {
        if (decided[i] || (match && (*match)[i] == 0)) continue;
        decided[i] = true;
        --open;
        // The host rendered the templated fields of this contact's config.
        const nlohmann::json& config = batch.contact(i).config();
        const nlohmann::json::json_pointer field(c.field);
        if (config.contains(field)) vars[i][out.name] = config.at(field);
      }
    }
  }

  if (plan_.recommendations) {
    std::vector<nlohmann::json> picks;
    const herald_status status = batch.recommend(plan_.recommendations->count, picks);
    if (status == HERALD_ERR_UNSUPPORTED) {
      // Retrying cannot help: fail each journey with the reason.
      const std::string reason =
          "personalize: " + herald::Batch::recommendError(status, plan_.recommendations->count);
      for (size_t i = 0; i < n; ++i) batch.set(i, herald::Fail{reason});
      batch.complete();
      return;
    }
    if (status != HERALD_OK) {
      batch.fail("personalize: " +
                 herald::Batch::recommendError(status, plan_.recommendations->count));
      return;
    }
    for (size_t i = 0; i < n; ++i) vars[i][plan_.recommendations->as] = std::move(picks[i]);
  }

  for (size_t i = 0; i < n; ++i) batch.set(i, herald::Continue{std::move(vars[i])});
  context().counter("personalized_total", static_cast<double>(n));
  batch.complete();
}

}  // namespace herald::personalize
