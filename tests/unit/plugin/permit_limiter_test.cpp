// The host's token buckets behind host->permit_acquire: configured limits,
// and the built-in paces of the big mailbox providers' domains.
#include "plugin/host_services/permit_limiter.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace herald::plugin {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Asks `n` permits of `key` for plugin "mailer" at once; the time until the
// last is granted.
Clock::duration timeForPermits(PermitLimiter& limiter, const std::string& key, int n) {
  boost::asio::io_context loop;
  int granted = 0;
  const auto begin = Clock::now();
  for (int i = 0; i < n; ++i) limiter.acquire(loop, "mailer", key, [&granted] { ++granted; });
  const auto deadline = begin + 10s;
  while (granted < n && Clock::now() < deadline) loop.run_one_for(10ms);
  EXPECT_EQ(granted, n);
  return Clock::now() - begin;
}

TEST(PermitLimiter, TheBigMailboxProvidersHaveBuiltInPaces) {
  const auto& defaults = defaultRateLimits();
  ASSERT_TRUE(defaults.count("domain:gmail.com"));
  EXPECT_EQ(defaults.at("domain:gmail.com").per_second, 20);
  EXPECT_EQ(defaults.at("domain:gmail.com").burst, 40);
  EXPECT_TRUE(defaults.count("domain:naver.com"));
  EXPECT_TRUE(defaults.count("domain:outlook.com"));

  PermitLimiter limiter;
  // 40 at once (the burst), the other 5 at 20 a second.
  EXPECT_GE(timeForPermits(limiter, "domain:Gmail.COM", 45), 200ms);
}

TEST(PermitLimiter, OtherDomainsAreNotLimitedUnlessConfigured) {
  PermitLimiter limiter;
  EXPECT_LT(timeForPermits(limiter, "domain:example.org", 200), 150ms);
}

TEST(PermitLimiter, AConfiguredEntryReplacesTheBuiltInPace) {
  PermitLimiter limiter;
  std::vector<std::string> problems;
  limiter.configure(
      "mailer",
      parseRateLimits(nlohmann::json::parse(R"({"*": {"per_second": 10000}})"), problems));
  ASSERT_TRUE(problems.empty());
  EXPECT_LT(timeForPermits(limiter, "domain:gmail.com", 45), 150ms);
}

}  // namespace
}  // namespace herald::plugin
