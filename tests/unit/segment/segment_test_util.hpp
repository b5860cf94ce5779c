#pragma once
// Helpers shared by the segment tests.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "segment/parse.hpp"
#include "util/diagnostic.hpp"

namespace herald::segment::testing {

// Every diagnostic as "FILE:LINE:COL: error: MESSAGE", sorted.
inline std::vector<std::string> lines(Diagnostics diags) {
  diags.sort();
  std::vector<std::string> out;
  for (const auto& d : diags.items()) out.push_back(formatDiagnostic(d));
  return out;
}

struct Parsed {
  RulePtr rule;
  std::vector<std::string> diags;
};

// Parses `yaml` (a rule) as the file r.yaml.
inline Parsed parse(const std::string& yaml, const Library* library = nullptr) {
  Diagnostics d;
  Parsed p;
  p.rule = parseRule(YAML::Load(yaml), "r.yaml", library, d);
  p.diags = lines(d);
  return p;
}

// The diagnostics of a rule that must fail.
inline std::vector<std::string> errors(const std::string& yaml, const Library* library = nullptr) {
  return parse(yaml, library).diags;
}

}  // namespace herald::segment::testing
