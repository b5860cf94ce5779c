#include "workflow/scalar_pos.hpp"

namespace herald::workflow {
namespace {

bool isBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

SourcePos positionInScalar(const std::string& source, const SourcePos& scalar, size_t offset) {
  if (scalar.line <= 0 || scalar.column <= 0) return scalar;
  // Byte index of the scalar's first character.
  size_t i = 0;
  for (int line = 1; line < scalar.line; ++line) {
    i = source.find('\n', i);
    if (i == std::string::npos) return scalar;
    ++i;
  }
  i += static_cast<size_t>(scalar.column - 1);
  if (i >= source.size()) return scalar;

  int line = scalar.line;
  int col = scalar.column;
  const size_t n = source.size();
  auto step = [&](size_t count) {
    for (size_t k = 0; k < count && i < n; ++k, ++i) {
      if (source[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
  };
  // Consumes a line break and the next line's indentation (folded into one
  // decoded character by YAML's flow folding).
  auto foldBreak = [&]() {
    step(1);
    while (i < n && isBlank(source[i])) step(1);
  };

  const char first = source[i];
  size_t decoded = 0;
  if (first == '|' || first == '>') {
    // Block scalar: content starts on the next line, at the indentation of
    // its first non-empty line.
    while (i < n && source[i] != '\n') step(1);
    step(1);
    size_t indent = 0;
    for (size_t k = i; k < n && source[k] == ' '; ++k) ++indent;
    while (i < n) {
      // A less indented, non-blank line ends the block.
      size_t lead = 0;
      while (i + lead < n && source[i + lead] == ' ') ++lead;
      if (lead < indent && i + lead < n && source[i + lead] != '\n') break;
      size_t skipped = 0;
      while (i < n && skipped < indent && source[i] == ' ') {
        step(1);
        ++skipped;
      }
      while (i < n && source[i] != '\n') {
        if (decoded == offset) return {scalar.file, line, col};
        step(1);
        ++decoded;
      }
      if (decoded == offset) return {scalar.file, line, col};
      step(1);
      ++decoded;
    }
    return scalar;
  }

  const bool single = first == '\'';
  const bool dbl = first == '"';
  if (single || dbl) step(1);
  while (i < n) {
    if (decoded == offset) return {scalar.file, line, col};
    const char c = source[i];
    if (single && c == '\'') {
      if (i + 1 < n && source[i + 1] == '\'') {
        step(2);
        ++decoded;
        continue;
      }
      break;
    }
    if (dbl && c == '"') break;
    if (dbl && c == '\\' && i + 1 < n) {
      const char e = source[i + 1];
      step(e == 'x' ? 4 : e == 'u' ? 6 : e == 'U' ? 10 : 2);
      ++decoded;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (!single && !dbl && decoded == 0) break;
      foldBreak();
      ++decoded;
      continue;
    }
    step(1);
    ++decoded;
  }
  // An offset at the very end of the value points just past its last character.
  if (decoded == offset) return {scalar.file, line, col};
  return scalar;
}

}  // namespace herald::workflow
