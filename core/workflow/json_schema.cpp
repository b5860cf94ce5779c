#include "workflow/json_schema.hpp"

#include "segment/parse.hpp"
#include "workflow/builtins.hpp"

namespace herald::workflow {
namespace {

using nlohmann::json;

json with_description(json schema, const std::string& description) {
  schema["description"] = description;
  return schema;
}

const char* const kIdPattern = "^[a-z0-9][a-z0-9_-]{0,63}$";

json durationSchema(const std::string& description) {
  return {
      {"type", "string"}, {"pattern", "^([0-9]+(ms|s|m|h|d|w))+$"}, {"description", description}};
}

json reentrySchema(const char* default_text) {
  return {{"description", std::string("Who may enter again: once (per contact and revision), "
                                      "always, or {once_per: 30d}; default ") +
                              default_text},
          {"oneOf",
           {{{"enum", {"once", "always"}}},
            {{"type", "object"},
             {"properties", {{"once_per", durationSchema("at most one entry per this long")}}},
             {"required", {"once_per"}},
             {"additionalProperties", false}}}}};
}

json triggerSchema() {
  json manual = {{"type", "object"},
                 {"description", "Runs when started by hand: herald run FILE"},
                 {"properties", {{"type", {{"const", "manual"}}}}},
                 {"required", {"type"}},
                 {"additionalProperties", false}};
  json schedule = {
      {"type", "object"},
      {"description", "Runs on a cron schedule; each firing is a new occurrence"},
      {"properties",
       {{"type", {{"const", "schedule"}}},
        {"cron",
         {{"type", "string"},
          {"description",
           "minute hour day-of-month month day-of-week, e.g. \"0 9 * * MON\" (Mondays 09:00)"}}},
        {"timezone",
         {{"type", "string"},
          {"description", "IANA time zone the cron is read in, e.g. Europe/Berlin (default UTC)"}}},
        {"catch_up",
         {{"enum", {"skip", "once", "all"}},
          {"description",
           "firings missed while the daemon was down: skip them, fire once, or fire all "
           "(default once)"}}},
        {"reentry", reentrySchema("always")}}},
      {"required", {"type", "cron"}},
      {"additionalProperties", false}};
  json event = {
      {"type", "object"},
      {"description", "Enrols a contact when an event of this type arrives for it"},
      {"properties",
       {{"type", {{"const", "event"}}},
        {"event", {{"type", "string"}, {"description", "event type, e.g. signup"}}},
        {"condition",
         {{"type", "string"},
          {"description",
           "only events for which this holds, e.g. event.properties.amount > 100 and 'vip' in "
           "tags"}}},
        {"reentry", reentrySchema("once")}}},
      {"required", {"type", "event"}},
      {"additionalProperties", false}};
  json api = {{"type", "object"},
              {"description", "Runs started over the admin API, with per-contact input variables"},
              {"properties", {{"type", {{"const", "api"}}}, {"reentry", reentrySchema("always")}}},
              {"required", {"type"}},
              {"additionalProperties", false}};
  return {{"description", "What starts a run: manual, schedule, event or api"},
          {"oneOf",
           {{{"const", "manual"}, {"description", "Runs when started by hand"}},
            manual,
            schedule,
            event,
            api}}};
}

// The segment language (docs/workflows.md, "Segments"): enough for editors
// to complete keys and flag typos; `herald validate` checks the rest.
json operatorProperties() {
  const json scalar = {{"type", {"string", "number", "boolean"}}};
  const json list = {{"type", "array"}, {"minItems", 1}, {"items", scalar}};
  const json time = {
      {"type", "string"},
      {"pattern", "^([0-9]+(s|m|h|d|w|mo|y)|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?)$"},
      {"description", "a length of time back from now (30d, 2w, 6mo, 1y) or a date (2024-01-01)"}};
  auto with = [](json schema, const std::string& description) {
    schema["description"] = description;
    return schema;
  };
  return {{"equals", with(scalar, "the value equals this")},
          {"not_equals", with(scalar, "the value differs from this, or is missing")},
          {"less_than", with({{"type", {"number", "string"}}}, "the value is below this")},
          {"at_most", with({{"type", {"number", "string"}}}, "the value is at most this")},
          {"greater_than", with({{"type", {"number", "string"}}}, "the value is above this")},
          {"at_least", with({{"type", {"number", "string"}}}, "the value is at least this")},
          {"between",
           {{"type", "array"},
            {"minItems", 2},
            {"maxItems", 2},
            {"items", scalar},
            {"description", "[low, high], both included; two dates for a time"}}},
          {"in", with(list, "the value is one of these")},
          {"not_in", with(list, "the value is none of these, or is missing")},
          {"exists", {{"type", "boolean"}, {"description", "the value is present (true) or not"}}},
          {"starts_with", {{"type", "string"}, {"description", "the text starts with this"}}},
          {"contains", {{"type", "string"}, {"description", "the text contains this"}}},
          {"older_than", with(time, "the time is before now minus this (or before this date)")},
          {"within", with(time, "the time is between now minus this (or this date) and now")},
          {"before", with(time, "the time is before this date (or now minus this)")},
          {"after", with(time, "the time is at or after this date (or now minus this)")},
          {"has", with(scalar, "the list (tags, an array attribute) holds this")},
          {"has_any", with(list, "the list holds at least one of these")},
          {"has_all", with(list, "the list holds all of these")},
          {"has_none", with(list, "the list holds none of these")}};
}

json segmentDefinitions() {
  const json ops = operatorProperties();
  const json ref_rule = {{"$ref", "#/definitions/rule"}};
  const json rule_list = {{"type", "array"}, {"minItems", 1}, {"items", ref_rule}};
  const json name = {{"type", "string"}, {"pattern", "^[A-Za-z_][A-Za-z0-9_]*$"}};
  json test = {{"type", "object"},
               {"description", "one test, e.g. {at_least: 3}"},
               {"properties", ops},
               {"additionalProperties", false}};
  test["properties"]["property"] = name;
  test["properties"]["property"]["description"] = "the event property (sum, average, where)";
  test["properties"]["from"] = name;
  test["properties"]["from"]["description"] = "the birth date attribute (age; default birth_date)";
  json fields = json::array();
  for (const auto& f : segment::contactFieldNames()) fields.push_back(f);
  json rfm_names = json::array();
  for (const auto& n : segment::rfmSegmentNames()) rfm_names.push_back(n);
  const json rfm_name = {{"enum", rfm_names}};
  const json score = {{"$ref", "#/definitions/test"}, {"description", "a test on the 1-5 score"}};
  const json channel = {{"enum", {"email", "sms"}}};
  json props = ops;
  const json kinds = {
      {"all", with_description(rule_list, "every rule holds")},
      {"any", with_description(rule_list, "at least one rule holds")},
      {"not", {{"$ref", "#/definitions/rule"}, {"description", "the rule does not hold"}}},
      {"segment",
       {{"type", "string"},
        {"pattern", "^[a-z0-9][a-z0-9_-]{0,63}$"},
        {"description", "a named segment: segments/NAME.yaml beside the workflow"}}},
      {"field", {{"enum", fields}, {"description", "a contact field"}}},
      {"attribute", with_description(name, "an imported attribute, e.g. plan")},
      {"tag", {{"type", "string"}, {"description", "contacts with this tag (tags: {has: TAG})"}}},
      {"tags", {{"$ref", "#/definitions/test"}, {"description", "{has: vip}, {has_any: [...]}"}}},
      {"age",
       {{"$ref", "#/definitions/test"}, {"description", "whole years, e.g. {at_least: 18}"}}},
      {"birthday",
       {{"description", "today or {within: 7d}: birth_date's month and day in the contact's zone"},
        {"anyOf", {{{"const", "today"}}, {{"$ref", "#/definitions/test"}}}}}},
      {"anniversary",
       {{"$ref", "#/definitions/test"},
        {"description", "{from: signup_date, within: 7d} or {from: ..., equals: today}"}}},
      {"event", {{"type", "string"}, {"description", "events of this type, e.g. purchase"}}},
      {"where",
       {{"type", {"array", "object"}},
        {"items", {{"$ref", "#/definitions/test"}}},
        {"description", "tests on the event's properties: [{property: sku, equals: X}]"}}},
      {"count", {{"$ref", "#/definitions/test"}, {"description", "how many such events"}}},
      {"sum", {{"$ref", "#/definitions/test"}, {"description", "{property: amount, ...}"}}},
      {"average", {{"$ref", "#/definitions/test"}, {"description", "{property: amount, ...}"}}},
      {"first", {{"$ref", "#/definitions/test"}, {"description", "the first event's time"}}},
      {"last", {{"$ref", "#/definitions/test"}, {"description", "the last event's time"}}},
      {"rfm",
       {{"description", "RFM: a named segment (champions), a list, or score tests"},
        {"anyOf",
         {rfm_name,
          {{"type", "array"}, {"minItems", 1}, {"items", rfm_name}},
          {{"type", "object"},
           {"additionalProperties", false},
           {"properties",
            {{"segment", {{"anyOf", {rfm_name, {{"type", "array"}, {"items", rfm_name}}}}}},
             {"recency", score},
             {"frequency", score},
             {"monetary", score},
             {"event", {{"type", "string"}}},
             {"amount", name},
             {"as_of", ops["before"]},
             {"window",
              {{"type", "string"}, {"description", "look-back window, e.g. 365d"}}}}}}}}}},
      {"reachable", with_description(channel, "has the address, consented, not suppressed")},
      {"consent", with_description(channel, "consented on this channel")},
      {"suppressed", {{"type", "boolean"}}}};
  for (const auto& [k, v] : kinds.items()) props[k] = v;
  const json object = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  return {{"rule",
           {{"description",
             "A segment rule (docs/workflows.md, Segments): one rule, or a list of rules that "
             "must all hold"},
            {"anyOf", {rule_list, object}}}},
          {"test", test}};
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
          {"additionalProperties", false}}},
        {"on_refused",
         {{"type", "string"},
          {"description",
           "Delivery steps: where a journey goes when the delivery policy refuses its message: "
           "continue (the default), exit, or a label of this step's branches"}}},
        {"on_unknown",
         {{"enum", {"skip", "resend"}},
          {"description",
           "Delivery steps: a message whose fate a crash left unknown is not sent again (skip, "
           "the default for marketing) or sent again (resend, the default when "
           "require_consent: false)"}}}}}};
  if (!rules.empty()) step["allOf"] = rules;
  return step;
}

}  // namespace

nlohmann::json toDraft07(const nlohmann::json& schema) {
  if (!schema.is_object()) return schema;
  // A field holding a segment rule (x-segment) completes like `audience:`.
  if (auto seg = schema.find("x-segment"); seg != schema.end() && *seg == true) {
    json ref = {{"$ref", "#/definitions/rule"}};
    if (schema.contains("description")) ref["description"] = schema["description"];
    return ref;
  }
  json out = schema;
  if (auto props = out.find("properties"); props != out.end() && props->is_object()) {
    // With a message file (x-message) the templated parts it holds are not
    // required inline: required only when there is no message.
    std::string message_key;
    for (const auto& [key, sub] : props->items())
      if (sub.is_object() && sub.value("x-message", false)) message_key = key;
    if (auto req = out.find("required");
        !message_key.empty() && req != out.end() && req->is_array()) {
      json keep = json::array(), parts = json::array();
      for (const auto& r : *req) {
        const json* sub = r.is_string() && props->contains(r.get<std::string>())
                              ? &(*props)[r.get<std::string>()]
                              : nullptr;
        const bool templated = sub && sub->is_object() && sub->contains("x-templated") &&
                               (*sub)["x-templated"] != false;
        (templated ? parts : keep).push_back(r);
      }
      if (!parts.empty()) {
        if (keep.empty()) {
          out.erase("required");
        } else {
          out["required"] = keep;
        }
        out["if"] = {{"required", {message_key}}};
        out["else"] = {{"required", parts}};
      }
    }
    for (auto& [key, sub] : props->items()) sub = toDraft07(sub);
    // A secret is named in a workflow file, never written there
    // (workflow/secret_sources.hpp): offer `<key>_file` and `<key>_env`.
    std::vector<std::string> secrets;
    for (const auto& [key, sub] : props->items())
      if (sub.is_object() && sub.value("x-secret", false)) secrets.push_back(key);
    for (const auto& key : secrets) {
      const std::string what = props->at(key).value("description", key);
      (*props)[key + "_file"] = {{"type", "string"},
                                 {"description", what + ": the file holding it (a name in "
                                                        "$CREDENTIALS_DIRECTORY, or a path)"}};
      (*props)[key + "_env"] = {{"type", "string"},
                                {"description", what + ": the environment variable holding it"}};
      props->erase(key);
      if (auto req = out.find("required"); req != out.end() && req->is_array()) {
        json keep = json::array();
        for (const auto& r : *req)
          if (r != key) keep.push_back(r);
        *req = keep;
      }
    }
    if (!out.contains("additionalProperties")) out["additionalProperties"] = false;
  }
  if (auto extra = out.find("additionalProperties"); extra != out.end() && extra->is_object())
    *extra = toDraft07(*extra);
  if (auto items = out.find("items"); items != out.end() && items->is_object())
    *items = toDraft07(*items);
  return out;
}

nlohmann::json workflowJsonSchema(const plugin::Registry& registry) {
  json definitions = segmentDefinitions();
  definitions["step"] = stepSchema(registry);
  return {
      {"$schema", "http://json-schema.org/draft-07/schema#"},
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
        {"audience",
         {{"$ref", "#/definitions/rule"},
          {"description",
           "Who a manual or scheduled run enrols: a segment rule (a list: all of them). "
           "Without it: every contact."}}},
        {"settings",
         {{"type", "object"},
          {"properties",
           {{"batch_size",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", 10000},
              {"description", "Contacts per step call"}}},
            {"timezone",
             {{"type", "string"},
              {"description",
               "IANA time zone the workflow's segment dates, calendar units and ages are "
               "read in (default UTC)"}}},
            {"require_consent",
             {{"type", "boolean"},
              {"description",
               "Deliver only to contacts who consented on the channel (default true); false "
               "for transactional messages"}}},
            {"locale",
             {{"type", "string"},
              {"pattern", "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"},
              {"description",
               "Default locale (BCP 47, e.g. en-US): the message variant contacts without a "
               "matching one get, and number/money formats of contacts with no locale"}}},
            {"undefined_variables",
             {{"enum", {"lenient", "strict"}},
              {"description",
               "lenient (default): an empty variable with no default renders as nothing and "
               "is counted; strict: that contact's journey fails, naming the variable"}}},
            {"currency",
             {{"type", "string"},
              {"pattern", "^[A-Z]{3}$"},
              {"description", "ISO 4217 code `money` uses without an argument (default USD)"}}}}},
          {"additionalProperties", false}}},
        {"steps",
         {{"type", "array"}, {"minItems", 1}, {"items", {{"$ref", "#/definitions/step"}}}}}}},
      {"definitions", definitions}};
}

}  // namespace herald::workflow
