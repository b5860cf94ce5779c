#include "config/http_config.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config/daemon_config.hpp"

namespace herald::config {
namespace {

std::filesystem::path dir() {
  auto d = std::filesystem::temp_directory_path() / "herald-http-config-test";
  std::filesystem::create_directories(d);
  return d;
}

std::filesystem::path writeTemp(const std::string& name, const std::string& text) {
  auto p = dir() / name;
  std::ofstream(p) << text;
  return p;
}

std::vector<std::string> errors(const std::string& yaml) {
  Diagnostics diags;
  EXPECT_FALSE(loadDaemonConfig(writeTemp("bad.yaml", yaml), diags));
  std::vector<std::string> out;
  for (const auto& d : diags.items()) out.push_back(formatDiagnostic(d));
  return out;
}

TEST(HttpConfig, ReadsEverySettingAndCredentialFiles) {
  writeTemp("token", "# admin\nfile-token-0123456789\n\n");
  writeTemp("key", std::string(40, 'k') + "\n");
  ::setenv("CREDENTIALS_DIRECTORY", dir().c_str(), 1);
  auto p = writeTemp("ok.yaml",
                     "http:\n  admin:\n    listen: '[::1]:9000'\n    tokens: [abcdefghijklmnop]\n"
                     "    token_file: token\n  public:\n    listen: 0.0.0.0:80\n"
                     "    base_url: https://l.example/x/\n  limits:\n    max_connections: 10\n"
                     "    read_timeout: 500ms\n    max_batch_events: 5\n"
                     "    webhook_per_second: 7\n    webhook_burst: 9\n"
                     "links:\n  lifetime: 30d\n  keys:\n    - {id: new, secret_file: key}\n"
                     "    - {id: old, secret: " +
                         std::string(32, 's') + "}\n");
  Diagnostics diags;
  auto cfg = loadDaemonConfig(p, diags);
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_TRUE(cfg) << formatDiagnostic(diags.items().front());
  EXPECT_EQ(cfg->http.admin_listen, "[::1]:9000");
  EXPECT_EQ(cfg->http.admin_tokens,
            (std::vector<std::string>{"abcdefghijklmnop", "file-token-0123456789"}));
  EXPECT_EQ(cfg->http.public_base_url, "https://l.example/x");
  EXPECT_EQ(cfg->http.limits.max_connections, 10);
  EXPECT_EQ(cfg->http.limits.read_timeout.count(), 500);
  EXPECT_EQ(cfg->http.limits.max_batch_events, 5);
  EXPECT_EQ(cfg->http.limits.webhook_per_second, 7);
  EXPECT_EQ(cfg->http.limits.webhook_burst, 9);
  ASSERT_EQ(cfg->links.keys.size(), 2u);
  EXPECT_EQ(cfg->links.keys[0].id, "new");
  EXPECT_EQ(cfg->links.keys[0].secret, std::string(40, 'k'));
  EXPECT_EQ(cfg->links.lifetime.count(), 30LL * 86'400'000);
}

TEST(HttpConfig, ReportsEveryProblemWithItsPosition) {
  const auto e = errors(
      "http:\n  admin:\n    listen: localhost\n    tokens: [short]\n    token_file: "
      "/nonexistent/t\n"
      "  public: {base_url: ftp://x}\n  limits: {max_connections: 0, read_timeout: soon}\n"
      "  proxy: 1\n");
  ASSERT_EQ(e.size(), 7u);
  EXPECT_EQ(errors("http:\n  limits: {webhook_per_second: 0}\n").at(0),
            (dir() / "bad.yaml").string() +
                ":2:32: error: http.limits.webhook_per_second must be a whole number from 1 to "
                "1000000");
  const std::string f = (dir() / "bad.yaml").string();
  EXPECT_EQ(e[0], f + ":3:13: error: http.admin.listen must be HOST:PORT, e.g. 127.0.0.1:8470 or "
                      "[::1]:8470");
  EXPECT_EQ(e[1], f + ":4:14: error: an admin token must have at least 16 characters (e.g. "
                      "`openssl rand -hex 32`)");
  EXPECT_EQ(e[2], f + ":5:17: error: cannot read the token file /nonexistent/t");
  EXPECT_EQ(e[3], f + ":6:22: error: http.public.base_url must start with https:// (or http://)");
  EXPECT_EQ(e[4], f + ":7:29: error: http.limits.max_connections must be a whole number from 1 "
                      "to 1000000");
  EXPECT_EQ(e[5], f + ":7:46: error: http.limits.read_timeout must be a duration such as 500ms, "
                      "10s or 1m");
  EXPECT_EQ(e[6], f + ":8:3: error: unknown http setting 'proxy'; known: admin, limits, public");
}

TEST(HttpConfig, LinkKeyProblems) {
  const auto e = errors(
      "links:\n  keys:\n    - {id: 'a b', secret: short}\n    - {id: k}\n"
      "    - {id: k, secret: " +
      std::string(32, 's') + "}\n" + "    - {id: k, secret: " + std::string(32, 't') + "}\n");
  ASSERT_EQ(e.size(), 5u);
  const std::string f = (dir() / "bad.yaml").string();
  EXPECT_EQ(e[0], f + ":3:12: error: a link key id must be 1 to 16 letters, digits, '-' or '_'");
  EXPECT_EQ(e[1], f + ":3:27: error: a link key secret must have at least 32 characters (e.g. "
                      "`openssl rand -hex 32`)");
  EXPECT_EQ(e[2],
            f + ":3:7: error: each links.keys entry needs an id and a secret_file (or secret)");
  EXPECT_EQ(e[3],
            f + ":4:7: error: each links.keys entry needs an id and a secret_file (or secret)");
  EXPECT_EQ(e[4], f + ":6:7: error: links.keys repeats the key id 'k'");
}

}  // namespace
}  // namespace herald::config
