#include "workflow/json_schema.hpp"

#include "workflow/builtins.hpp"

namespace herald::workflow {
namespace {

using nlohmann::json;

const char* const kIdPattern = "^[a-z0-9][a-z0-9_-]{0,63}$";

json durationSchema(const std::string& description) {
  return {
      {"type", "string"}, {"pattern", "^([0-9]+(ms|s|m|h|d|w))+$"}, {"description", description}};
}

json triggerSchema() {
  json manual = {{"type", "object"},
                 {"description", "Runs when started by hand: herald run FILE"},
                 {"properties", {{"type", {{"const", "manual"}}}}},
                 {"required", {"type"}},
                 {"additionalProperties", false}};
  json schedule = {
      {"type", "object"},
      {"description", "Runs on a cron schedule"},
      {"properties",
       {{"type", {{"const", "schedule"}}},
        {"cron",
         {{"type", "string"},
          {"description",
           "minute hour day-of-month month day-of-week, e.g. \"0 9 * * MON\" (Mondays 09:00)"}}},
        {"timezone",
         {{"type", "string"},
          {"description",
           "IANA time zone the cron is read in, e.g. Europe/Berlin (default UTC)"}}}}},
      {"required", {"type", "cron"}},
      {"additionalProperties", false}};
  json event = {{"type", "object"},
                {"description", "Enrols a contact when an event of this type arrives for it"},
                {"properties",
                 {{"type", {{"const", "event"}}},
                  {"event", {{"type", "string"}, {"description", "event type, e.g. signup"}}}}},
                {"required", {"type", "event"}},
                {"additionalProperties", false}};
  return {{"description", "What starts a run: manual, schedule or event"},
          {"oneOf",
           {{{"const", "manual"}, {"description", "Runs when started by hand"}},
            manual,
            schedule,
            event}}};
}

json audienceSchema() {
  json value = {{"type", {"string", "number", "boolean"}}};
  json subject = {
      {"attribute", {{"type", "string"}, {"description", "an imported attribute, e.g. plan"}}},
      {"field",
       {{"enum",
         {"email", "phone", "locale", "timezone", "first_name", "last_name", "external_id"}},
        {"description", "a contact field"}}},
      {"tag", {{"type", "string"}, {"description", "contacts that carry this tag"}}},
      {"equals", value},
      {"not_equals", value},
      {"exists", {{"type", "boolean"}}}};
  return {
      {"type", "array"},
      {"description",
       "Who a manual or scheduled run enrols; every condition must hold. Empty: everyone."},
      {"items",
       {{"type", "object"},
        {"properties", subject},
        {"additionalProperties", false},
        {"oneOf",
         {{{"required", {"attribute"}}}, {{"required", {"field"}}}, {{"required", {"tag"}}}}}}}};
}

json stepSchema(const plugin::Registry& registry) {
  json uses_options = json::array();
  json rules = json::array();
  for (const auto* t : registry.stepTypes()) {
    std::string desc = t->summary;
    if (!t->builtin) desc += " (plugin " + t->plugin + ")";
    uses_options.push_back({{"const", t->name}, {"description", desc}});
    json with = toDraft07(t->schema);
    if (t->builtin) addEditorHints(t->name, with);
    json then = {{"properties", {{"with", with}}}};
    const auto req = t->schema.find("required");
    if (req != t->schema.end() && req->is_array() && !req->empty())
      then["required"] = json::array({"with"});
    if (t->name == "condition") {
      then["required"].push_back("branches");
      then["properties"]["branches"] = {{"required", {"then", "else"}}};
    }
    rules.push_back(
        {{"if", {{"properties", {{"uses", {{"const", t->name}}}}}, {"required", {"uses"}}}},
         {"then", then}});
  }
  json step = {
      {"type", "object"},
      {"required", {"id", "uses"}},
      {"additionalProperties", false},
      {"properties",
       {{"id",
         {{"type", "string"},
          {"pattern", kIdPattern},
          {"description", "This step's id, unique in the workflow (next and branches name it)"}}},
        {"uses",
         {{"description", "The step type (`herald plugins` lists them)"}, {"oneOf", uses_options}}},
        {"description", {{"type", "string"}}},
        {"with", {{"type", "object"}, {"description", "The step type's settings"}}},
        {"next",
         {{"type", "string"},
          {"pattern", kIdPattern},
          {"description", "The step to go to afterwards (default: the following step)"}}},
        {"branches",
         {{"type", "object"},
          {"description", "Branch label -> step id (a condition has then and else)"},
          {"additionalProperties", {{"type", "string"}, {"pattern", kIdPattern}}}}},
        {"retry",
         {{"type", "object"},
          {"description", "How often a failing delivery is tried, and how long to wait"},
          {"properties",
           {{"max_attempts", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}},
            {"backoff", durationSchema("wait before the 2nd attempt; doubles after, e.g. 1m")}}},
          {"additionalProperties", false}}}}}};
  if (!rules.empty()) step["allOf"] = rules;
  return step;
}

}  // namespace

nlohmann::json toDraft07(const nlohmann::json& schema) {
  if (!schema.is_object()) return schema;
  json out = schema;
  if (auto props = out.find("properties"); props != out.end() && props->is_object()) {
    for (auto& [key, sub] : props->items()) sub = toDraft07(sub);
    if (!out.contains("additionalProperties")) out["additionalProperties"] = false;
  }
  if (auto extra = out.find("additionalProperties"); extra != out.end() && extra->is_object())
    *extra = toDraft07(*extra);
  if (auto items = out.find("items"); items != out.end() && items->is_object())
    *items = toDraft07(*items);
  return out;
}

nlohmann::json workflowJsonSchema(const plugin::Registry& registry) {
  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"title", "Herald workflow"},
          {"description", "A Herald workflow file (docs/workflows.md)"},
          {"type", "object"},
          {"required", {"name", "trigger", "steps"}},
          {"additionalProperties", false},
          {"properties",
           {{"name",
             {{"type", "string"},
              {"pattern", kIdPattern},
              {"description", "The workflow's name: lower-case letters, digits, - and _"}}},
            {"description", {{"type", "string"}}},
            {"trigger", triggerSchema()},
            {"audience", audienceSchema()},
            {"settings",
             {{"type", "object"},
              {"properties",
               {{"batch_size",
                 {{"type", "integer"},
                  {"minimum", 1},
                  {"maximum", 10000},
                  {"description", "Contacts per step call"}}}}},
              {"additionalProperties", false}}},
            {"steps",
             {{"type", "array"}, {"minItems", 1}, {"items", {{"$ref", "#/definitions/step"}}}}}}},
          {"definitions", {{"step", stepSchema(registry)}}}};
}

}  // namespace herald::workflow
