#include "util/json_nesting.hpp"

#include <string>

namespace herald {

size_t findJsonTooDeep(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > limit) return i;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return std::string_view::npos;
}

std::string_view jsonTooDeepMessage() {
  static const std::string message =
      "nested more than " + std::to_string(kMaxJsonNesting) +
      " levels deep (arrays and objects inside each other; Herald reads at most " +
      std::to_string(kMaxJsonNesting) + " levels)";
  return message;
}

}  // namespace herald
