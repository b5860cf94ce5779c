#pragma once
// Internal to core/plugin: the host's rate limiter behind
// host->permit_acquire (ABI 1.3). A token bucket per key, rates from the
// plugin's `rate_limits:` settings:
//   rate_limits:
//     "provider:acct1":   {per_second: 50, burst: 100}   # this key
//     "domain:*":         {per_second: 5}                # any key "domain:..."
//     "*":                {per_second: 200}              # any other key
// The most specific entry wins. A key no entry covers is not limited, except
// the recipient domains of the big mailbox providers ("domain:gmail.com",
// ...), which have built-in paces (defaultRateLimits()).
// `burst` defaults to max(1, per_second). Waiters of a key are granted in
// order. Used on the loop thread only.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/token_bucket.hpp"

namespace herald::plugin {

struct RateLimit {
  double per_second = 0;
  double burst = 1;
};

// The built-in paces of the big mailbox providers' domains, by key.
const std::map<std::string, RateLimit, std::less<>>& defaultRateLimits();

// Reads a `rate_limits:` object; problems ("rate_limits/KEY: ...") go to
// `problems` and their entries are left out.
std::map<std::string, RateLimit> parseRateLimits(const nlohmann::json& section,
                                                 std::vector<std::string>& problems);

class PermitLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // Replaces the limits of `owner` (a plugin); buckets start full.
  void configure(const std::string& owner, std::map<std::string, RateLimit> limits);

  // Calls `granted` on `loop` (never inside acquire) once a token of `key`'s
  // bucket is free.
  void acquire(boost::asio::io_context& loop, const std::string& owner, const std::string& key,
               std::function<void()> granted);

  // Drops the waiters of `owner` (their callbacks are not called).
  void drop(const std::string& owner);

 private:
  struct Bucket {
    TokenBucket tokens;
    std::deque<std::function<void()>> waiters;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  const RateLimit* limitFor(const std::string& owner, const std::string& key) const;
  void serve(boost::asio::io_context& loop, const std::string& id);

  std::map<std::string, std::map<std::string, RateLimit>> limits_;  // owner -> pattern -> limit
  std::map<std::string, Bucket> buckets_;                           // owner + '\n' + key
};

}  // namespace herald::plugin
