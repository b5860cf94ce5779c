#include "http/http_metrics.hpp"

namespace herald::http {

HttpMetrics::HttpMetrics(observe::Metrics& metrics, std::string listener)
    : metrics_(metrics), listener_(std::move(listener)) {
  // A refusal of each kind shows as 0 before it first happens, so alerts on
  // rate() see the series from the start.
  for (const char* r : {"connections", "timeout", "header_too_large", "body_too_large",
                        "bad_request", "unauthorized"}) {
    metrics_.counterAdd("http_refusals_total", {{"listener", listener_}, {"reason", r}}, 0);
  }
  metrics_.describe("http_refusals_total",
                    "HTTP requests or connections refused, by listener and reason");
}

void HttpMetrics::request(const std::string& route, int code, double seconds) {
  metrics_.counterAdd("http_requests_total",
                      {{"listener", listener_}, {"route", route}, {"code", std::to_string(code)}},
                      1);
  metrics_.observe("http_request_duration_seconds", {{"listener", listener_}, {"route", route}},
                   seconds);
  // Metrics::describe needs the family to exist: once, after the first.
  if (!described_) {
    described_ = true;
    metrics_.describe("http_requests_total", "HTTP requests answered, by listener, route and code");
    metrics_.describe("http_request_duration_seconds",
                      "Time from a request read to its answer written, by listener and route");
  }
}

void HttpMetrics::refusal(const std::string& reason) {
  metrics_.counterAdd("http_refusals_total", {{"listener", listener_}, {"reason", reason}}, 1);
}

}  // namespace herald::http
