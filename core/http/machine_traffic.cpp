#include "http/machine_traffic.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace herald::http {
namespace {

bool containsIgnoringCase(std::string_view text, std::string_view lower_needle) {
  auto it =
      std::search(text.begin(), text.end(), lower_needle.begin(), lower_needle.end(),
                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != text.end();
}

bool containsAny(std::string_view text, const auto& lower_needles) {
  return std::any_of(lower_needles.begin(), lower_needles.end(),
                     [text](std::string_view n) { return containsIgnoringCase(text, n); });
}

// Mail security gateways that fetch every link and image of an incoming
// message to judge it, by the names in their user agents.
constexpr std::array<std::string_view, 6> kSecurityScanners = {
    "barracuda", "proofpoint", "mimecast", "safelinks", "microsoft defender", "symantec"};

// Crawlers, link checkers, headless browsers and HTTP libraries: no person
// reads mail with these. Gmail's "GoogleImageProxy" matches none of them on
// purpose: Gmail fetches the image when the person opens the message.
constexpr std::array<std::string_view, 14> kAutomatedClients = {
    "bot",         "crawler", "spider",          "headlesschrome", "phantomjs",
    "curl/",       "wget/",   "python-requests", "python-urllib",  "go-http-client",
    "libwww-perl", "okhttp",  "java/",           "scanner"};

// Apple's 17.0.0.0/8, where Mail Privacy Protection's prefetches come from;
// also written IPv4-mapped in IPv6 ("::ffff:17.1.2.3").
bool appleNetwork(std::string_view remote) {
  if (remote.starts_with("::ffff:")) remote.remove_prefix(7);
  return remote.starts_with("17.");
}

}  // namespace

std::optional<std::string> machineReason(const TrafficRequest& request) {
  const std::string_view ua = request.user_agent;
  // Mail Privacy Protection's proxy names no browser, only "Mozilla/5.0";
  // every browser and mail client says more.
  if (ua == "Mozilla/5.0") return "apple-privacy-proxy";
  if (containsAny(ua, kSecurityScanners)) return "security-scanner";
  if (containsAny(ua, kAutomatedClients)) return "automated-client";
  if (appleNetwork(request.remote)) return "apple-network";
  if (request.since_send_ms && *request.since_send_ms < kFasterThanAPersonMs) return "too-fast";
  return std::nullopt;
}

}  // namespace herald::http
