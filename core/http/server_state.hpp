#pragma once
// What one listener's connections share: its limits, router and figures,
// the live connection count, and whether the listener is stopping. Held by
// shared_ptr so sessions outlive nothing they use.
#include <list>
#include <memory>
#include <string>

#include "config/http_config.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"

namespace herald::http {

class Session;

struct ServerState {
  std::string name;  // "admin" or "public", in logs and metric labels
  config::HttpLimits limits;
  Router router;
  HttpMetrics metrics;
  int live = 0;  // open connections
  bool stopping = false;
  std::list<std::weak_ptr<Session>> sessions;  // to close idle ones on stop()
};

}  // namespace herald::http
