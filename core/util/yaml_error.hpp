#pragma once
// YAML syntax errors in words a person who writes YAML by hand can act on.
// yaml-cpp says "end of map not found" or "illegal map value", often at the
// line after the mistake (a missing ':' shows up where the next key starts);
// this looks at the text around that place and says what is wrong, where.
#include <yaml-cpp/exceptions.h>

#include <optional>
#include <string>

#include "util/diagnostic.hpp"

namespace herald {

struct YamlSyntaxError {
  SourcePos pos;            // where the mistake is
  std::string explanation;  // what is wrong there and what to write instead
};

// The place of the mistake in `text` (the whole file yaml-cpp parsed, as
// `file`) and what to do about it. Callers say "YAML syntax error: " first.
YamlSyntaxError explainYamlError(const std::string& file, const std::string& text,
                                 const YAML::ParserException& e);

// A quote left open at the end of the file, which yaml-cpp accepts (the
// rest of the file becomes the value): where it opened. Call it on a file
// that parsed.
std::optional<YamlSyntaxError> unclosedQuote(const std::string& file, const std::string& text);

}  // namespace herald
