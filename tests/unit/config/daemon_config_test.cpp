#include "config/daemon_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace herald::config {
namespace {

std::filesystem::path writeTemp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / "herald-config-test";
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}

TEST(DaemonConfig, ReadsEverySetting) {
  auto p = writeTemp("ok.yaml",
                     "state_dir: /tmp/st\nplugin_dirs: [/a, /b]\nengine:\n  batch_size: 42\n"
                     "  step_deadline: 90s\nlog_level: debug\nplugins:\n  outbox:\n    dir: /o\n");
  Diagnostics diags;
  auto cfg = loadDaemonConfig(p, diags);
  ASSERT_TRUE(cfg) << diags.items().front().message;
  EXPECT_EQ(cfg->state_dir, "/tmp/st");
  EXPECT_EQ(cfg->database, "/tmp/st/herald.db");
  ASSERT_EQ(cfg->plugin_dirs.size(), 2u);
  EXPECT_EQ(cfg->batch_size, 42);
  EXPECT_EQ(cfg->step_deadline.count(), 90'000);
  EXPECT_EQ(cfg->log_level, "debug");
  EXPECT_EQ(cfg->plugin_settings["outbox"]["dir"], "/o");
}

TEST(DaemonConfig, ReportsEveryProblemWithItsPosition) {
  auto p = writeTemp("bad.yaml", "stat_dir: x\nengine:\n  batch_size: ten\n  deadline: 1s\n");
  Diagnostics diags;
  EXPECT_FALSE(loadDaemonConfig(p, diags));
  ASSERT_EQ(diags.errorCount(), 3u);
  EXPECT_EQ(
      formatDiagnostic(diags.items()[0]),
      p.string() +
          ":1:1: error: unknown setting 'stat_dir'; known settings: bounces, database, delivery, "
          "engine, http, links, log_level, plugin_dirs, plugins, privacy, runtime_dir, "
          "scheduler, shutdown_timeout, state_dir, workflows_dir");
  EXPECT_EQ(formatDiagnostic(diags.items()[1]),
            p.string() + ":3:15: error: batch_size must be a whole number from 1 to 100000");
  EXPECT_EQ(formatDiagnostic(diags.items()[2]),
            p.string() +
                ":4:3: error: unknown engine setting 'deadline'; known: batch_size, "
                "step_deadline");
}

TEST(DaemonConfig, ServeSettingsHaveDefaultsAndCheckTheirValues) {
  auto p = writeTemp("serve-default.yaml", "state_dir: /tmp/st\n");
  Diagnostics diags;
  auto cfg = loadDaemonConfig(p, diags);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->workflows_dir, "workflows");
  EXPECT_EQ(cfg->shutdown_timeout.count(), 30'000);
  if (!std::getenv("RUNTIME_DIRECTORY")) {
    EXPECT_EQ(cfg->runtime_dir, "/tmp/st");
  }

  p = writeTemp("serve.yaml",
                "workflows_dir: /etc/herald/workflows\nruntime_dir: /run/herald\n"
                "shutdown_timeout: 2m\n");
  cfg = loadDaemonConfig(p, diags);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->workflows_dir, "/etc/herald/workflows");
  EXPECT_EQ(cfg->runtime_dir, "/run/herald");
  EXPECT_EQ(cfg->shutdown_timeout.count(), 120'000);

  p = writeTemp("serve-bad.yaml", "shutdown_timeout: soon\n");
  EXPECT_FALSE(loadDaemonConfig(p, diags));
  EXPECT_EQ(formatDiagnostic(diags.items().back()),
            p.string() + ":1:19: error: shutdown_timeout must be a duration such as 30s or 2m");
}

TEST(DaemonConfig, PrivacyKeepsTheFiguresOfErasedEventsByDefault) {
  auto p = writeTemp("privacy-default.yaml", "state_dir: /tmp/st\n");
  Diagnostics diags;
  auto cfg = loadDaemonConfig(p, diags);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->keep_event_properties,
            (std::vector<std::string>{"amount", "currency", "product_id", "items", "quantity"}));

  p = writeTemp("privacy.yaml", "privacy:\n  keep_event_properties: [amount, sku]\n");
  cfg = loadDaemonConfig(p, diags);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->keep_event_properties, (std::vector<std::string>{"amount", "sku"}));

  p = writeTemp("privacy-none.yaml", "privacy:\n  keep_event_properties: []\n");
  cfg = loadDaemonConfig(p, diags);
  ASSERT_TRUE(cfg);
  EXPECT_TRUE(cfg->keep_event_properties.empty());
}

TEST(DaemonConfig, ReportsPrivacyMistakesAtTheirPosition) {
  auto p =
      writeTemp("privacy-bad.yaml",
                "privacy:\n  keep_event_property: [amount]\n  keep_event_properties: amount\n");
  Diagnostics diags;
  EXPECT_FALSE(loadDaemonConfig(p, diags));
  ASSERT_EQ(diags.errorCount(), 2u);
  EXPECT_EQ(formatDiagnostic(diags.items()[0]),
            p.string() +
                ":2:3: error: unknown privacy setting 'keep_event_property'; known: "
                "keep_event_properties");
  EXPECT_EQ(formatDiagnostic(diags.items()[1]),
            p.string() +
                ":3:26: error: keep_event_properties must be a list of event property names, "
                "e.g. [amount, currency]");

  p = writeTemp("privacy-scalar.yaml", "privacy: yes\n");
  Diagnostics d2;
  EXPECT_FALSE(loadDaemonConfig(p, d2));
  ASSERT_EQ(d2.errorCount(), 1u);
  EXPECT_EQ(formatDiagnostic(d2.items()[0]),
            p.string() + ":1:10: error: privacy must be a mapping (keep_event_properties)");
}

TEST(DaemonConfig, ReportsYamlSyntaxErrors) {
  auto p = writeTemp("syntax.yaml", "engine: [1, 2\n");
  Diagnostics diags;
  EXPECT_FALSE(loadDaemonConfig(p, diags));
  ASSERT_EQ(diags.errorCount(), 1u);
  EXPECT_EQ(diags.items()[0].pos.line, 1);  // where the unclosed [ opens
}

TEST(DaemonConfig, RejectsBadDeadlineAndLogLevel) {
  auto p = writeTemp("bad2.yaml", "log_level: loud\nengine: {step_deadline: soon}\n");
  Diagnostics diags;
  EXPECT_FALSE(loadDaemonConfig(p, diags));
  ASSERT_EQ(diags.errorCount(), 2u);
  EXPECT_EQ(diags.items()[0].message, "log_level must be one of debug, info, warn, error");
  EXPECT_EQ(diags.items()[1].message, "step_deadline must be a duration such as 30s, 5m or 1h");
}

TEST(Duration, ParsesUnitsAndCombinations) {
  EXPECT_EQ(parseDuration("500ms")->count(), 500);
  EXPECT_EQ(parseDuration("2d")->count(), 2 * 86'400'000LL);
  EXPECT_EQ(parseDuration("1h30m")->count(), 5'400'000);
  EXPECT_EQ(parseDuration("1w")->count(), 7 * 86'400'000LL);
  EXPECT_FALSE(parseDuration("5"));
  EXPECT_FALSE(parseDuration("5 minutes"));
  EXPECT_FALSE(parseDuration(""));
  EXPECT_FALSE(parseDuration("m5"));
}

TEST(ShippedConfig, TheCheckedInConfigIsValid) {
  Diagnostics diags;
  auto cfg = loadDaemonConfig(HERALD_SOURCE_DIR "/config/herald.yaml", diags);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(diags.items().size(), 0u);
}

}  // namespace
TEST(DaemonConfig, SchedulerPollIsADurationWithinBounds) {
  auto p = writeTemp("sched.yaml", "scheduler:\n  poll: 10ms\n  pol: 1s\n");
  Diagnostics diags;
  EXPECT_FALSE(loadDaemonConfig(p, diags));
  ASSERT_EQ(diags.errorCount(), 2u);
  EXPECT_EQ(formatDiagnostic(diags.items()[0]),
            p.string() +
                ":2:9: error: poll must be a duration from 100ms to 1h, such as 5s (how late the "
                "daemon may notice work another process changed)");
  EXPECT_EQ(formatDiagnostic(diags.items()[1]),
            p.string() + ":3:3: error: unknown scheduler setting 'pol'; known: poll");
  auto ok = writeTemp("sched-ok.yaml", "scheduler:\n  poll: 250ms\n");
  Diagnostics none;
  auto cfg = loadDaemonConfig(ok, none);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->scheduler_poll.count(), 250);
}

}  // namespace herald::config
