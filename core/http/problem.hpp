#pragma once
// RFC 9457 problem details (application/problem+json): every refusal the
// HTTP API gives. A field error names the field by JSON pointer (RFC 6901)
// and says what would be valid:
//   {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
//    "detail": "2 fields are not valid",
//    "errors": [{"pointer": "/events/0/type", "detail": "must be ..."}]}
#include <string>
#include <vector>

#include "http/exchange.hpp"

namespace herald::http {

struct FieldError {
  std::string pointer;  // "" for the whole body
  std::string detail;
  int line = 0;  // a posted YAML text (workflow validation): where, 1-based
  int column = 0;
};

Response problemResponse(const Request& req, bhttp::status status, std::string detail,
                         const std::vector<FieldError>& errors = {});

// A JSON pointer token: '~' -> "~0", '/' -> "~1".
std::string pointerToken(std::string_view name);

}  // namespace herald::http
