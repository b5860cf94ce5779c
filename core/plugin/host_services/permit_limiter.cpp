#include "plugin/host_services/permit_limiter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>

namespace herald::plugin {

// Paces for the big mailbox providers' domains, for plugins that ask
// permits per recipient domain ("domain:gmail.com") and configure nothing
// that covers it. Conservative: what a sender with a warm reputation can
// keep up without 421/4.7.x deferrals; the AIMD pace of the transports
// (net/aimd_pace.hpp) slows further when a provider asks. docs/operations.md
// lists them; any `rate_limits:` entry that covers the key replaces them.
const std::map<std::string, RateLimit, std::less<>>& defaultRateLimits() {
  static const std::map<std::string, RateLimit, std::less<>> kDefaults = [] {
    std::map<std::string, RateLimit, std::less<>> m;
    const auto add = [&m](std::initializer_list<const char*> domains, double per_second) {
      for (const char* d : domains) m[std::string("domain:") + d] = {per_second, per_second * 2};
    };
    add({"gmail.com", "googlemail.com"}, 20);
    add({"outlook.com", "hotmail.com", "live.com", "msn.com"}, 10);
    add({"yahoo.com", "ymail.com", "aol.com"}, 10);
    add({"icloud.com", "me.com", "mac.com"}, 10);
    add({"naver.com"}, 10);
    add({"daum.net", "hanmail.net", "kakao.com"}, 5);
    return m;
  }();
  return kDefaults;
}

std::map<std::string, RateLimit> parseRateLimits(const nlohmann::json& section,
                                                 std::vector<std::string>& problems) {
  std::map<std::string, RateLimit> out;
  if (section.is_null()) return out;
  if (!section.is_object()) {
    problems.push_back("rate_limits must be a map of key -> {per_second, burst}");
    return out;
  }
  for (const auto& [key, v] : section.items()) {
    const std::string where = "rate_limits/" + key;
    const auto ps = v.is_object() ? v.find("per_second") : v.end();
    if (!v.is_object() || ps == v.end() || !ps->is_number() || ps->get<double>() <= 0) {
      problems.push_back(where + ": needs per_second, a number above 0 (e.g. {per_second: 10})");
      continue;
    }
    RateLimit limit;
    limit.per_second = ps->get<double>();
    limit.burst = std::max(1.0, limit.per_second);
    if (auto b = v.find("burst"); b != v.end()) {
      if (!b->is_number() || b->get<double>() < 1) {
        problems.push_back(where + ": burst must be a number of at least 1");
        continue;
      }
      limit.burst = b->get<double>();
    }
    for (const auto& [k, ignored] : v.items()) {
      if (k != "per_second" && k != "burst")
        problems.push_back(
            fmt::format("{}: unknown key '{}'; known keys: burst, per_second", where, k));
    }
    out[key] = limit;
  }
  return out;
}

void PermitLimiter::configure(const std::string& owner, std::map<std::string, RateLimit> limits) {
  limits_[owner] = std::move(limits);
}

const RateLimit* PermitLimiter::limitFor(const std::string& owner, const std::string& key) const {
  if (auto o = limits_.find(owner); o != limits_.end()) {
    const auto& m = o->second;
    if (auto it = m.find(key); it != m.end()) return &it->second;
    if (auto colon = key.find(':'); colon != std::string::npos) {
      if (auto it = m.find(key.substr(0, colon + 1) + "*"); it != m.end()) return &it->second;
    }
    if (auto it = m.find("*"); it != m.end()) return &it->second;
  }
  // Recipient domains are matched without case ("domain:Gmail.COM").
  std::string lowered = key;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (auto it = defaultRateLimits().find(lowered); it != defaultRateLimits().end())
    return &it->second;
  return nullptr;
}

void PermitLimiter::acquire(boost::asio::io_context& loop, const std::string& owner,
                            const std::string& key, std::function<void()> granted) {
  const RateLimit* limit = limitFor(owner, key);
  if (!limit) {
    boost::asio::post(loop, std::move(granted));
    return;
  }
  const std::string id = owner + '\n' + key;
  auto it = buckets_.find(id);
  if (it == buckets_.end())
    it =
        buckets_
            .emplace(id, Bucket{TokenBucket(limit->per_second, limit->burst, Clock::now()), {}, {}})
            .first;
  Bucket& b = it->second;
  b.waiters.push_back(std::move(granted));
  if (!b.timer) serve(loop, id);
}

// Grants what the bucket holds, then sleeps until the next token.
void PermitLimiter::serve(boost::asio::io_context& loop, const std::string& id) {
  auto it = buckets_.find(id);
  if (it == buckets_.end()) return;
  Bucket& b = it->second;
  const auto now = Clock::now();
  while (!b.waiters.empty() && b.tokens.tryTake(now)) {
    boost::asio::post(loop, std::move(b.waiters.front()));
    b.waiters.pop_front();
  }
  if (b.waiters.empty()) {
    b.timer.reset();
    return;
  }
  if (!b.timer) b.timer = std::make_unique<boost::asio::steady_timer>(loop);
  b.timer->expires_after(b.tokens.untilNextToken(now));
  b.timer->async_wait([this, &loop, id](const boost::system::error_code& ec) {
    if (!ec) serve(loop, id);
  });
}

void PermitLimiter::drop(const std::string& owner) {
  const std::string prefix = owner + '\n';
  for (auto it = buckets_.lower_bound(prefix);
       it != buckets_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    if (it->second.timer) it->second.timer->cancel();
    it = buckets_.erase(it);
  }
}

}  // namespace herald::plugin
