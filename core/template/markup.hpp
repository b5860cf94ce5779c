#pragma once
// The tokens inside an output or a tag: names, literals, punctuation and
// comparison operators, each with its offset in the template source.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald::tmpl {

struct MarkupToken {
  enum class Kind : unsigned char {
    kEnd,
    kName,    // product, first_name, contains, and, empty...
    kString,  // 'x' or "x": text is the content without quotes
    kInt,
    kFloat,
    kDot,
    kDotDot,
    kLBracket,
    kRBracket,
    kLParen,
    kRParen,
    kPipe,
    kColon,
    kComma,
    kCompare,  // == != <> < > <= >=
    kAssign,   // =
  };
  Kind kind = Kind::kEnd;
  std::string_view text;
  size_t offset = 0;  // in the template source
};

struct MarkupError {
  size_t offset = 0;
  std::string message;
};

// Tokens of `markup` (which starts at `offset` in the source), ending with
// one kEnd; false and `error` on an unterminated string or a stray
// character.
bool tokenizeMarkup(std::string_view markup, size_t offset, std::vector<MarkupToken>& out,
                    MarkupError& error);

// How a token is shown in errors: 'name', "string", end of the tag...
std::string describeToken(const MarkupToken& t);

}  // namespace herald::tmpl
