// herald.yaml's `delivery:` section: caps, quiet hours, the default zone,
// their defaults, and every mistake at its position.
#include "config/delivery_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/daemon_config.hpp"

namespace herald::config {
namespace {

std::filesystem::path writeTemp(const std::string& text) {
  auto d = std::filesystem::temp_directory_path() / "herald-delivery-config-test";
  std::filesystem::create_directories(d);
  auto p = d / "herald.yaml";
  std::ofstream(p) << text;
  return p;
}

TEST(DeliveryConfig, DefaultsQuietSmsAtNightAndNothingElse) {
  const DeliveryConfig d;
  EXPECT_TRUE(d.caps.empty());
  ASSERT_EQ(d.quiet_hours.size(), 1u);
  EXPECT_EQ(d.quiet_hours.at("sms").start_minute, 21 * 60);
  EXPECT_EQ(d.quiet_hours.at("sms").end_minute, 8 * 60);
  EXPECT_EQ(d.default_timezone, "");
}

TEST(DeliveryConfig, ReadsEverySetting) {
  Diagnostics diags;
  auto cfg = loadDaemonConfig(writeTemp("delivery:\n"
                                        "  default_timezone: Asia/Seoul\n"
                                        "  caps:\n"
                                        "    email: {max: 3, per: 7d}\n"
                                        "    sms: {max: 1, per: 36h}\n"
                                        "  quiet_hours:\n"
                                        "    sms: off\n"
                                        "    email: \"22:30-07:15\"\n"),
                              diags);
  ASSERT_TRUE(cfg) << (diags.items().empty() ? "" : formatDiagnostic(diags.items()[0]));
  const DeliveryConfig& d = cfg->delivery;
  EXPECT_EQ(d.default_timezone, "Asia/Seoul");
  EXPECT_EQ(d.caps.at("email").max, 3);
  EXPECT_EQ(d.caps.at("email").per, std::chrono::hours(24 * 7));
  EXPECT_EQ(d.caps.at("sms").per, std::chrono::hours(36));
  EXPECT_FALSE(d.quiet_hours.count("sms"));
  EXPECT_EQ(d.quiet_hours.at("email").start_minute, 22 * 60 + 30);
  EXPECT_EQ(d.quiet_hours.at("email").end_minute, 7 * 60 + 15);
}

TEST(DeliveryConfig, ReportsEveryProblemWithItsPosition) {
  Diagnostics diags;
  const auto p = writeTemp(
      "delivery:\n"
      "  default_timezone: Europe/Berln\n"
      "  caps:\n"
      "    email: {max: many, per: 7d}\n"
      "  quiet_hours: {sms: [21, 8]}\n"
      "  rules: none\n");
  EXPECT_FALSE(loadDaemonConfig(p, diags));
  std::vector<std::string> got;
  for (const auto& d : diags.items()) got.push_back(formatDiagnostic(d));
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].substr(0, p.string().size() + 70),
            (p.string() + ":2:21: error: delivery.default_timezone: unknown time zone "
                          "'Europe/Berln'; ")
                .substr(0, p.string().size() + 70));
  EXPECT_EQ(got[1], p.string() +
                        ":4:18: error: delivery.caps.email.max must be a whole number "
                        "from 0 to 10000");
  EXPECT_EQ(got[2], p.string() + ":5:22: error: delivery.quiet_hours.sms must be a single value");
  EXPECT_EQ(got[3], p.string() +
                        ":6:3: error: unknown delivery setting 'rules'; known: caps, "
                        "default_timezone, quiet_hours");
}

}  // namespace
}  // namespace herald::config
