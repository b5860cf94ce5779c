#pragma once
// Rules for the segment tests, read by the real parser from YAML text.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <string>

#include "segment/parse.hpp"
#include "segment/rule.hpp"

namespace herald::store::testing {

inline segment::RulePtr parseRuleText(const std::string& yaml) {
  Diagnostics diags;
  segment::RulePtr rule = segment::parseRule(YAML::Load(yaml), "<test>", nullptr, diags);
  std::ostringstream why;
  diags.print(why);
  EXPECT_TRUE(rule) << yaml << "\n" << why.str();
  if (!rule) throw std::runtime_error("rule does not parse: " + yaml);
  return rule;
}

}  // namespace herald::store::testing
