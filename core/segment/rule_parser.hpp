#pragma once
// Internal to segment/: the rule parser with a pluggable way of resolving
// `segment: NAME`, shared by parseRule() and the named segment library
// (which resolves names among its own files and detects cycles).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "segment/parse.hpp"

namespace herald::segment::detail {

class Resolver {
 public:
  virtual ~Resolver() = default;
  // The rule of the named segment, or null after reporting why at `at`.
  virtual RulePtr resolve(const std::string& name, const SourcePos& at, Diagnostics& diags) = 0;
};

// Resolves names in a finished Library (null: no named segments here).
class LibraryResolver : public Resolver {
 public:
  explicit LibraryResolver(const Library* library) : library_(library) {}
  RulePtr resolve(const std::string& name, const SourcePos& at, Diagnostics& diags) override;

 private:
  const Library* library_;
};

// "unknown segment 'x' (did you mean ...?); named segments in DIR/: ...".
void reportUnknownSegment(const std::string& name, const SourcePos& at,
                          const std::vector<std::string>& known, const std::string& library_dir,
                          Diagnostics& diags);

RulePtr parseRuleWith(const nlohmann::json& doc, const std::string& pointer,
                      const Positions& positions, Resolver& resolver, Diagnostics& diags);

// Reports "duplicate key" for every repeated key in `node` and below (JSON
// keeps only the last one, so this runs on the YAML).
void checkDuplicateKeys(const YAML::Node& node, const std::string& file, Diagnostics& diags);

// Whether `s` is a valid name: lower-case letters, digits, '-' and '_',
// starting with a letter or digit, at most 64 characters.
bool isSegmentName(const std::string& s);

}  // namespace herald::segment::detail
