#include "http/machine_traffic.hpp"

#include <gtest/gtest.h>

namespace herald::http {
namespace {

constexpr std::string_view kSafari =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15";
constexpr std::string_view kAppleMail =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148";
constexpr std::string_view kGmailProxy =
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
constexpr int64_t kAnHour = 3'600'000;

std::optional<std::string> reason(std::string_view ua, std::string_view remote = "203.0.113.9",
                                  std::optional<int64_t> since_send_ms = kAnHour) {
  return machineReason({ua, remote, since_send_ms});
}

TEST(MachineTraffic, PeopleBrowsersAndMailClientsAreNotMachines) {
  EXPECT_EQ(reason(kSafari), std::nullopt);
  EXPECT_EQ(reason(kAppleMail), std::nullopt);
  EXPECT_EQ(reason("Microsoft Outlook 16.0.17029; Microsoft Outlook 16.0.17029; Pro"),
            std::nullopt);
  EXPECT_EQ(reason("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 "
                   "Firefox/121.0"),
            std::nullopt);
}

TEST(MachineTraffic, GmailImageProxyIsARealOpen) {
  // Gmail fetches the image when the person opens the message (from
  // Google's addresses, any time after delivery).
  EXPECT_EQ(reason(kGmailProxy, "66.249.84.1"), std::nullopt);
}

TEST(MachineTraffic, ApplePrivacyProxyByItsBareUserAgent) {
  EXPECT_EQ(reason("Mozilla/5.0"), "apple-privacy-proxy");
  EXPECT_EQ(reason("Mozilla/5.0", "104.28.1.1"), "apple-privacy-proxy");
  // Only the bare string: every browser says more after it.
  EXPECT_EQ(reason("Mozilla/5.0 (X11; Linux x86_64)"), std::nullopt);
}

TEST(MachineTraffic, AppleNetworkByAddress) {
  EXPECT_EQ(reason(kSafari, "17.58.100.3"), "apple-network");
  EXPECT_EQ(reason(kSafari, "::ffff:17.58.100.3"), "apple-network");
  // Not 17.0.0.0/8: 170.x, 117.x, an IPv6 address that merely starts with 17.
  EXPECT_EQ(reason(kSafari, "170.1.2.3"), std::nullopt);
  EXPECT_EQ(reason(kSafari, "117.58.100.3"), std::nullopt);
  EXPECT_EQ(reason(kSafari, "2001:db8::17"), std::nullopt);
  EXPECT_EQ(reason(kSafari, ""), std::nullopt);
}

TEST(MachineTraffic, SecurityScannersByUserAgent) {
  for (std::string_view ua :
       {"Barracuda Sentinel (EE)", "Mozilla/5.0 (compatible; Proofpoint URL Defense)",
        "Mimecast-URL-Protect/1.0", "Mozilla/5.0 SafeLinks/1.0 (Microsoft)",
        "Microsoft Defender for Office 365", "Symantec Email Security.cloud"}) {
    EXPECT_EQ(reason(ua), "security-scanner") << ua;
  }
}

TEST(MachineTraffic, AutomatedClientsByUserAgent) {
  for (std::string_view ua :
       {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0.0.0 Safari/537.36",
        "curl/7.88.1", "Wget/1.21.3", "python-requests/2.31.0", "Python-urllib/3.11",
        "Go-http-client/1.1", "okhttp/4.12.0", "Java/17.0.9", "libwww-perl/6.72",
        "Some Crawler 1.0", "Spider/2", "PhantomJS/2.1.1", "LinkScanner/3"}) {
    EXPECT_EQ(reason(ua), "automated-client") << ua;
  }
}

TEST(MachineTraffic, FasterThanAPersonAfterTheSend) {
  EXPECT_EQ(reason(kSafari, "203.0.113.9", 0), "too-fast");
  EXPECT_EQ(reason(kSafari, "203.0.113.9", kFasterThanAPersonMs - 1), "too-fast");
  // Recorded before the ledger row said "sent" (the message left first).
  EXPECT_EQ(reason(kSafari, "203.0.113.9", -200), "too-fast");
  EXPECT_EQ(reason(kSafari, "203.0.113.9", kFasterThanAPersonMs), std::nullopt);
  // No sent row to time it from: no opinion.
  EXPECT_EQ(reason(kSafari, "203.0.113.9", std::nullopt), std::nullopt);
}

TEST(MachineTraffic, NoUserAgentIsNotEvidenceAlone) { EXPECT_EQ(reason(""), std::nullopt); }

TEST(MachineTraffic, UserAgentRulesComeBeforeAddressAndTime) {
  EXPECT_EQ(reason("Mozilla/5.0", "17.1.1.1", 10), "apple-privacy-proxy");
  EXPECT_EQ(reason("curl/8.0", "17.1.1.1", 10), "automated-client");
  EXPECT_EQ(reason(kSafari, "17.1.1.1", 10), "apple-network");
}

}  // namespace
}  // namespace herald::http
