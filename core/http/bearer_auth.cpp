#include "http/bearer_auth.hpp"

#include <openssl/crypto.h>

#include "http/problem.hpp"

namespace herald::http {

bool BearerAuth::known(std::string_view token) const {
  bool found = false;
  // Every configured token is compared (no early exit) and each comparison
  // takes the same time for equal lengths, so timing says nothing.
  for (const auto& t : tokens_) {
    if (t.size() == token.size() && CRYPTO_memcmp(t.data(), token.data(), t.size()) == 0) {
      found = true;
    }
  }
  return found;
}

std::optional<Response> BearerAuth::check(const Request& req) const {
  const auto it = req.find(bhttp::field::authorization);
  std::string detail;
  if (tokens_.empty()) {
    detail =
        "the admin API has no token configured (http.admin.tokens or http.admin.token_file "
        "in herald.yaml); every request is refused";
  } else if (it == req.end()) {
    detail = "send the admin token as 'Authorization: Bearer TOKEN'";
  } else {
    std::string_view v = sv(it->value());
    constexpr std::string_view kScheme = "Bearer ";
    if (v.size() > kScheme.size() &&
        std::equal(kScheme.begin(), kScheme.end(), v.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      if (known(v.substr(kScheme.size()))) return std::nullopt;
      detail = "the bearer token is not one of the configured admin tokens";
    } else {
      detail = "the Authorization header must be 'Bearer TOKEN'";
    }
  }
  auto res = problemResponse(req, bhttp::status::unauthorized, detail);
  res.set(bhttp::field::www_authenticate, "Bearer realm=\"herald\"");
  return res;
}

}  // namespace herald::http
