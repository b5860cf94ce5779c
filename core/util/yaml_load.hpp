#pragma once
// The one way Herald turns YAML text into yaml-cpp nodes (workflows,
// segments, messages, the daemon config). yaml-cpp shares the node an alias
// names, so loading is cheap, but every walk over the tree (to JSON, schema
// checks) visits each alias's node again: an 11-line "billion laughs" file,
// anchors whose aliases repeat anchors, stands for billions of nodes and
// kept `validate` busy for ever. So the aliases of a file may repeat at most
// kMaxYamlAliasNodes nodes in all, counted on the parser's events before
// any node is built, and an alias that refers to the node it sits in (a
// loop no walk would leave) is refused too.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

namespace herald {

// Far above what sharing defaults between steps needs (a few hundred), far
// below what makes a walk over the file slow (about 0.1 s).
inline constexpr uint64_t kMaxYamlAliasNodes = 100'000;

// An alias past the limit, or one that loops; `mark` is the alias and `msg`
// says which and why. A ParserException, so callers that report syntax
// errors at FILE:LINE:COL report it there too.
class YamlAliasError : public YAML::ParserException {
 public:
  using YAML::ParserException::ParserException;
};

// As YAML::Load (the first document), after the alias check. Throws
// YamlAliasError, or YAML::ParserException for a syntax error.
YAML::Node loadYaml(const std::string& text);
// As YAML::LoadFile; YAML::BadFile when it cannot be read.
YAML::Node loadYamlFile(const std::string& path);

}  // namespace herald
