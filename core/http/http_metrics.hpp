#pragma once
// The HTTP listeners' figures in the daemon's Metrics (exported herald_*):
//   http_requests_total{listener,route,code}        every answer
//   http_request_duration_seconds{listener,route}   read to answer written
//   http_refusals_total{listener,reason}            every refusal, answered
//     or not: connections, timeout, header_too_large, body_too_large,
//     bad_request, unauthorized, invalid_body, batch_too_large, bad_token,
//     webhook_rate
#include <string>

#include "observe/metrics.hpp"

namespace herald::http {

class HttpMetrics {
 public:
  HttpMetrics(observe::Metrics& metrics, std::string listener);
  void request(const std::string& route, int code, double seconds);
  void refusal(const std::string& reason);

 private:
  observe::Metrics& metrics_;
  std::string listener_;
  bool described_ = false;
};

}  // namespace herald::http
