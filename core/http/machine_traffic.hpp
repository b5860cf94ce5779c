#pragma once
// Opens and clicks made by machines, not people: Apple Mail Privacy
// Protection fetching every image on delivery, mail security scanners and
// link checkers following every link, anything faster than a person.
// A documented heuristic (docs/workflows.md, "Machine opens and clicks"):
// it says why it thinks so, and a goal that counts opens leaves these out.
// Pure: no I/O, no clock.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::http {

// Sooner than this after the send, no person has opened or clicked yet.
inline constexpr int64_t kFasterThanAPersonMs = 5000;

struct TrafficRequest {
  std::string_view user_agent;  // the User-Agent header, "" when absent
  std::string_view remote;      // the peer's IP address, "" when unknown
  // Since the message was sent (its send ledger row became sent); nullopt
  // when unknown (no row, or not sent).
  std::optional<int64_t> since_send_ms;
};

// Why the request looks made by a machine ("apple-privacy-proxy",
// "apple-network", "security-scanner", "automated-client", "too-fast"),
// or nullopt when it looks like a person's.
std::optional<std::string> machineReason(const TrafficRequest& request);

}  // namespace herald::http
