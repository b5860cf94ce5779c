#pragma once
// The admin API's bearer tokens (RFC 6750): `Authorization: Bearer TOKEN`
// compared in constant time against each configured token. Tokens are
// never logged nor echoed in answers.
#include <optional>
#include <string>
#include <vector>

#include "http/exchange.hpp"

namespace herald::http {

class BearerAuth {
 public:
  explicit BearerAuth(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}
  // nullopt when the request carries a configured token, else the 401.
  std::optional<Response> check(const Request& req) const;

 private:
  bool known(std::string_view token) const;
  std::vector<std::string> tokens_;
};

}  // namespace herald::http
