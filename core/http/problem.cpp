#include "http/problem.hpp"

namespace herald::http {

Response problemResponse(const Request& req, bhttp::status status, std::string detail,
                         const std::vector<FieldError>& errors) {
  nlohmann::json body = {{"type", "about:blank"},
                         {"title", std::string(sv(bhttp::obsolete_reason(status)))},
                         {"status", static_cast<int>(status)},
                         {"detail", std::move(detail)}};
  if (!errors.empty()) {
    auto& list = body["errors"] = nlohmann::json::array();
    for (const auto& e : errors) {
      nlohmann::json one = {{"pointer", e.pointer}, {"detail", e.detail}};
      if (e.line > 0) one["line"] = e.line;
      if (e.column > 0) one["column"] = e.column;
      list.push_back(std::move(one));
    }
  }
  auto res =
      makeResponse(req, status, "application/problem+json",
                   body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  return res;
}

std::string pointerToken(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out.push_back(c);
  }
  return out;
}

}  // namespace herald::http
