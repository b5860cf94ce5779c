#pragma once
// The `http:` and `links:` sections of herald.yaml: the daemon's two HTTP
// listeners (core/http/) and the keys that sign public links (core/links/).
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "util/diagnostic.hpp"

namespace herald::config {

// Limits shared by both listeners; every refusal is counted in
// herald_http_refusals_total{reason}.
struct HttpLimits {
  int max_connections = 1024;           // per listener; more are closed at once
  size_t max_header_bytes = 16 * 1024;  // request line + headers (431 beyond)
  size_t max_body_bytes = 1024 * 1024;  // 413 beyond
  // A request must arrive whole within this time of the previous answer (or
  // of the connection): slow clients and idle kept-alive connections close.
  std::chrono::milliseconds read_timeout{10'000};
  int max_batch_events = 1000;  // events in one POST /api/v1/events
  // Requests a second to each plugin's webhook routes (public listener),
  // with bursts up to webhook_burst; more are answered 429 with Retry-After
  // (providers retry) and counted as refusals "webhook_rate".
  int webhook_per_second = 200;
  int webhook_burst = 1000;
};

struct HttpConfig {
  std::string admin_listen = "127.0.0.1:8470";
  // Bearer tokens accepted by the admin API: `tokens` in the file, plus one
  // per line of `token_file` (relative to $CREDENTIALS_DIRECTORY when set,
  // so systemd's LoadCredential= works). Never logged.
  std::vector<std::string> admin_tokens;
  std::string public_listen = "127.0.0.1:8471";
  // Scheme, host and path prefix of the links the daemon writes into
  // messages, as recipients reach the public listener (behind a proxy).
  std::string public_base_url = "http://127.0.0.1:8471";
  HttpLimits limits;
};

struct LinkKey {
  std::string id;      // short, printable; written into every token it signs
  std::string secret;  // at least 32 bytes
};

struct LinksConfig {
  // The first key signs; every key verifies (rotate by putting a new key
  // first and keeping the old one until its links have expired).
  std::vector<LinkKey> keys;
  std::chrono::milliseconds lifetime{std::chrono::hours(24 * 365)};  // of a signed link
};

// Parse one section into `out`; every problem goes to `diags` at FILE:LINE:COL.
void parseHttpSection(const YAML::Node& node, const std::filesystem::path& file, HttpConfig& out,
                      Diagnostics& diags);
void parseLinksSection(const YAML::Node& node, const std::filesystem::path& file, LinksConfig& out,
                       Diagnostics& diags);

// "HOST:PORT" ("127.0.0.1:8470", "[::1]:8470", "0.0.0.0:80"); false when not.
bool splitListenAddress(const std::string& text, std::string& host, unsigned short& port);

}  // namespace herald::config
