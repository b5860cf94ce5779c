#include "http/json_body.hpp"

#include <fmt/format.h>

#include "util/json_limits.hpp"

namespace herald::http {

JsonBody parseJsonBody(std::string_view body) {
  JsonBody out;
  if (body.empty()) {
    out.error = "the body is empty; send a JSON document (Content-Type: application/json)";
    return out;
  }
  // Nesting is checked in a scan before parsing, since nlohmann's parser
  // recurses per level before any callback could stop it. Strings are
  // skipped so brackets inside them do not count.
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        out.error =
            fmt::format("the JSON nests deeper than {} levels (byte {}); flatten the document",
                        kMaxJsonDepth, i + 1);
        return out;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  try {
    out.value = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::exception& e) {
    // A parse_error, or an out_of_range for a number too large for a double
    // (1E99999; found by tests/fuzz). e.what() is "[json.exception.parse_error
    // .101] parse error at line 1, column 5: ..."; keep the part after the bracket.
    std::string what = e.what();
    const auto cut = what.find("] ");
    out.error =
        "the body is not valid JSON: " + (cut == std::string::npos ? what : what.substr(cut + 2));
  }
  return out;
}

}  // namespace herald::http
