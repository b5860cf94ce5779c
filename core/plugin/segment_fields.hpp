#pragma once
// Internal to core/plugin: the config fields a step type's schema marks
// "x-segment": true, parsed into segment rules when an instance is created,
// so that a mistake in a rule is a `validate` error at FILE:LINE:COL and
// host->segment_match() never parses at run time.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plugin/registry.hpp"
#include "segment/rule.hpp"

namespace herald::plugin {

// JSON pointer of the field in the config -> its compiled rule.
using SegmentRules = std::map<std::string, segment::RulePtr>;

// Parses every x-segment field of `config` (patterns such as "/rules/*"
// expand over the config; absent fields are skipped). Each mistake is added
// to `problems` with `pos` set when the parser knew the place. Returns false
// when any rule had a mistake.
bool parseSegmentFields(const nlohmann::json& schema, const nlohmann::json& config,
                        const StepSetup& setup, SegmentRules& out,
                        std::vector<ConfigProblem>& problems);

}  // namespace herald::plugin
