#pragma once
// What every provider webhook checks after its signature: the signed
// timestamp is recent (a captured request cannot be replayed later), and an
// id (a token, an event id) is handled once. The ids are kept in memory, the
// newest `capacity` of them: the plugin-wide side of the SDK has no
// key/value store (kv_get/kv_put are per step). A restart forgets them,
// which is safe: a replay older than the timestamp tolerance is refused
// anyway, and events carry their id to record_event, which stores each once.
#include <cstdint>
#include <deque>
#include <herald/sdk.hpp>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace herald::provider {

inline constexpr int64_t kWebhookToleranceS = 300;

// True when `timestamp_s` (Unix seconds) is within the tolerance of now,
// either side (clocks drift).
bool webhookFresh(int64_t timestamp_s, int64_t tolerance_s = kWebhookToleranceS);
// The same for a timestamp as the provider sends it (decimal seconds);
// false when it is not one.
bool webhookFresh(std::string_view timestamp_s);

// The checks every webhook route starts with: POST only (else 405), and
// its verification key configured (else 503, logged: `missing` says which
// setting). False when `res` is the answer.
bool webhookReady(const herald::WebhookRequest& req, herald::WebhookResponse& res, bool has_key,
                  const herald::PluginContext& plugin, const std::string& missing);

// Answers `status` with a one-line text body.
void refuse(herald::WebhookResponse& res, int status, std::string body);

// The value at `key` of a JSON object as text (a number as its JSON), ""
// when absent, null or not an object: provider payloads mix the two.
std::string jsonText(const nlohmann::json& object, const char* key);

class SeenIds {
 public:
  explicit SeenIds(size_t capacity) : capacity_(capacity) {}
  bool seen(const std::string& id) const;
  // Remembers `id` (the oldest is forgotten beyond capacity); false when it
  // was already there.
  bool remember(const std::string& id);

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  std::unordered_set<std::string> ids_;
  std::deque<std::string> order_;
};

}  // namespace herald::provider
