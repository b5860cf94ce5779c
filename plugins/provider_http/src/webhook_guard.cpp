#include "webhook_guard.hpp"

#include <chrono>

namespace herald::provider {

bool webhookFresh(int64_t timestamp_s, int64_t tolerance_s) {
  // The wall clock: a provider signs with its own, not the engine's.
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const int64_t diff = now - timestamp_s;
  return diff <= tolerance_s && diff >= -tolerance_s;
}

bool SeenIds::seen(const std::string& id) const {
  std::lock_guard lock(mu_);
  return ids_.count(id) != 0;
}

bool SeenIds::remember(const std::string& id) {
  std::lock_guard lock(mu_);
  if (!ids_.insert(id).second) return false;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace herald::provider
