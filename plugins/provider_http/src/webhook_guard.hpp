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
#include <mutex>
#include <string>
#include <unordered_set>

namespace herald::provider {

inline constexpr int64_t kWebhookToleranceS = 300;

// True when `timestamp_s` (Unix seconds) is within the tolerance of now,
// either side (clocks drift).
bool webhookFresh(int64_t timestamp_s, int64_t tolerance_s = kWebhookToleranceS);

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
