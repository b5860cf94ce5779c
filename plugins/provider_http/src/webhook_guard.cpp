#include "webhook_guard.hpp"

#include <charconv>
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

bool webhookFresh(std::string_view timestamp_s) {
  int64_t ts = 0;
  const char* last = timestamp_s.data() + timestamp_s.size();
  const auto [end, ec] = std::from_chars(timestamp_s.data(), last, ts);
  return ec == std::errc() && end == last && !timestamp_s.empty() && webhookFresh(ts);
}

bool webhookReady(const herald::WebhookRequest& req, herald::WebhookResponse& res, bool has_key,
                  const herald::PluginContext& plugin, const std::string& missing) {
  res.content_type = "text/plain";
  if (req.method != "POST") {
    res.status = 405;
    res.headers.emplace_back("Allow", "POST");
    return false;
  }
  if (has_key) return true;
  refuse(res, 503, missing + " is not set in herald.yaml\n");
  plugin.log(HERALD_LOG_WARN,
             "a webhook post to " + std::string(req.path) + " was refused (503): " + res.body);
  return false;
}

void refuse(herald::WebhookResponse& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);
}

std::string jsonText(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
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
