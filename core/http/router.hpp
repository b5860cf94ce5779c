#pragma once
// Maps METHOD + path to a handler. Patterns are literal segments and {name}
// parameters ("/api/v1/contacts/{ref}/sends"); the pattern is also the
// `route` label of herald_http_requests_total, so labels stay a bounded set.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/exchange.hpp"

namespace herald::http {

using Handler = std::function<void(const Exchange&, Respond)>;
// Checks a request before a guarded route runs: an answer refuses it.
using Guard = std::function<std::optional<Response>(const Request&)>;

class Router {
 public:
  struct Route {
    bhttp::verb method;
    std::string pattern;
    bool guarded = true;
  };

  void setGuard(Guard guard) { guard_ = std::move(guard); }
  void add(bhttp::verb method, std::string pattern, Handler handler, bool guarded = true);
  // Every method and path under `prefix` (e.g. "/hooks/acme/") not matched
  // by a route above: plugin webhooks. Unguarded; the label is the prefix.
  void addPrefix(std::string prefix, Handler handler);

  // Runs the matching handler, or answers 404 / 405 (with Allow) / 400 for
  // a target that cannot be decoded. Returns the route label: the pattern,
  // or "unmatched". `remote` is the peer's address (Exchange::remote).
  std::string dispatch(const Request& req, Respond respond, std::string remote = {}) const;

  // Every route, in the order added (for the OpenAPI test).
  std::vector<Route> routes() const;

 private:
  struct Entry {
    Route route;
    std::vector<std::string> segments;
    Handler handler;
  };
  Guard guard_;
  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, Handler>> prefixes_;
};

}  // namespace herald::http
