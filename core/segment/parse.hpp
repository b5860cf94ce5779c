#pragma once
// Reading segment rules: from a workflow's `audience:`, from a step's config
// field marked `x-segment`, from a named segment file (segments/*.yaml) or
// from the command line. Every mistake is a diagnostic at FILE:LINE:COL that
// says what would be valid; a rule with errors is never returned.
#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "segment/rule.hpp"
#include "util/diagnostic.hpp"

namespace herald::segment {

// A named segment: one file in a segments/ folder.
//   name: lapsed-vips
//   description: VIPs who have not bought for 90 days
//   timezone: Europe/Berlin      (optional; dates and calendar units are read in it)
//   rule: {all: [...]}
struct NamedSegment {
  std::string name;
  std::string description;
  std::string path;
  std::optional<std::string> timezone;
  RulePtr rule;
  SourcePos pos;  // the `name` value
};

// The named segments of one folder. Segments may refer to each other by
// name; a cycle is an error at each reference in it.
class Library {
 public:
  // Loads every *.yaml / *.yml in `dir` (a missing folder is an empty
  // library). Problems go to `diags`; segments with errors are left out.
  static Library load(const std::string& dir, Diagnostics& diags);
  const NamedSegment* find(const std::string& name) const;
  std::vector<std::string> names() const;  // sorted
  const std::string& dir() const { return dir_; }
  // The file of a segment that was left out for its errors, or null.
  const std::string* brokenPath(const std::string& name) const;

 private:
  std::string dir_;
  std::map<std::string, NamedSegment> segments_;
  std::map<std::string, std::string> broken_;  // name -> file, segments with errors
  friend class LibraryBuilder;
};

// Positions of the nodes of a JSON document by JSON pointer (as
// yamlToJson() records them).
using Positions = std::map<std::string, SourcePos>;

// Parses the rule at `pointer` of `doc` (a JSON document converted from YAML
// with `positions`). A list is read as `all:` of its items. `library`
// resolves `segment: NAME` (null: such references are errors). Returns null
// when there were errors (all of them in `diags`).
RulePtr parseRule(const nlohmann::json& doc, const std::string& pointer, const Positions& positions,
                  const Library* library, Diagnostics& diags);

// The same from a YAML node of `file`.
RulePtr parseRule(const YAML::Node& node, const std::string& file, const Library* library,
                  Diagnostics& diags);

// What `herald segment preview ARG` accepts: the name of a segment in
// `library`, the path of a named segment file or of a YAML file holding a
// bare rule, or a rule written inline as YAML/JSON text
// ('{event: purchase, within: 90d}'). Errors in inline text are reported at
// "<rule>:LINE:COL".
struct LoadedRule {
  RulePtr rule;
  std::optional<std::string> timezone;  // a named segment's own time zone
  std::string label;                    // the name, the path, or "<rule>"
};
std::optional<LoadedRule> loadRuleArgument(const std::string& arg, const Library& library,
                                           Diagnostics& diags);

// Every contact field a rule may name (`field: ...`), for messages and docs.
const std::vector<std::string>& contactFieldNames();

}  // namespace herald::segment
