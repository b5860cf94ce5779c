#pragma once
// Splits template text into its top-level pieces: literal text, outputs
// ({{ ... }}) and tags ({% ... %}), applying whitespace control ({{- -}},
// {%- -%}) to the neighbouring text. The body of {% raw %} comes back as one
// text piece.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald::tmpl {

struct Token {
  enum class Kind : unsigned char { kText, kOutput, kTag };
  Kind kind = Kind::kText;
  std::string_view text;     // kText: the text; kOutput: the markup; kTag: what follows the name
  std::string_view name;     // kTag: the tag name ("if", "endfor", "#")
  size_t offset = 0;         // where the piece starts in the source
  size_t markup_offset = 0;  // where `text` starts in the source (kOutput, kTag)
  bool trim_left = false;    // {{- / {%-
  bool trim_right = false;   // -}} / -%}
};

struct LexError {
  size_t offset = 0;
  std::string message;
};

// Tokens of `src`; false and `error` when a delimiter is never closed.
bool lex(std::string_view src, std::vector<Token>& out, LexError& error);

// Liquid's whitespace, as trimmed by whitespace control.
inline bool isLiquidSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace herald::tmpl
