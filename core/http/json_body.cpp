#include "http/json_body.hpp"

#include <fmt/format.h>

#include "util/json_nesting.hpp"

namespace herald::http {

JsonBody parseJsonBody(std::string_view body) {
  JsonBody out;
  if (body.empty()) {
    out.error = "the body is empty; send a JSON document (Content-Type: application/json)";
    return out;
  }
  // Nesting is checked on the text before parsing (nlohmann's parser
  // recurses per level before any callback could stop it): the one limit
  // the importers use too.
  if (const size_t at = findJsonTooDeep(body); at != std::string_view::npos) {
    out.error = fmt::format("the JSON nests deeper than {} levels (byte {}); flatten the document",
                            kMaxJsonNesting, at + 1);
    return out;
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
