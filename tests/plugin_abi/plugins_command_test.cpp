// `herald plugins` with the real binary over the directory of broken
// plugins: every broken one is listed with its own message, the good ones
// load, and the command exits 1 (0 with --allow-refused). `herald plugins
// --check FILE.so` refuses each broken file with the loader's own message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "expected_refusals.hpp"

namespace {

using herald::testing::brokenPath;
using herald::testing::expectedRefusals;
using nlohmann::json;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs herald with `args` from a scratch directory (so no ./config is found).
CliRun runHerald(const std::string& args) {
  auto dir =
      std::filesystem::temp_directory_path() / ("herald_plugins_cli_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string cmd = "cd '" + dir.string() + "' && '" HERALD_BINARY "' " + args + " >'" +
                          (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'";
  int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  std::filesystem::remove_all(dir);
  return r;
}

TEST(PluginsCommand, JsonListsEveryRefusalWithItsOwnMessage) {
  CliRun r = runHerald("plugins --json --plugin-dir " HERALD_BROKEN_PLUGIN_DIR);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["missing_dirs"], json::array());

  auto expected = expectedRefusals();
  ASSERT_EQ(j["refused"].size(), expected.size()) << j["refused"].dump(2);
  for (const auto& entry : j["refused"]) {
    const std::string path = entry["path"];
    const std::string file = std::filesystem::path(path).filename().string();
    ASSERT_TRUE(expected.count(file)) << path;
    const auto& e = expected[file];
    EXPECT_EQ(path, brokenPath(file));
    EXPECT_EQ(entry["reason"], e.reason);
    EXPECT_EQ(entry["plugin"], e.plugin.empty() ? json() : json(e.plugin));
  }

  std::vector<std::string> loaded;
  for (const auto& p : j["plugins"]) loaded.push_back(p["name"]);
  EXPECT_THAT(loaded, ::testing::ElementsAre("old_minor", "v11", "v12", "branching", "crashy",
                                             "dup_first", "good", "misbehave", "recommendy",
                                             "segmenty", "servicey", "sleepy"));
  const json& good = j["plugins"][6];
  EXPECT_EQ(good["version"], "1.0.0");
  EXPECT_EQ(good["abi"], std::to_string(HERALD_ABI_MAJOR) + "." + std::to_string(HERALD_ABI_MINOR));
  EXPECT_EQ(good["path"], brokenPath("good.so"));
  EXPECT_EQ(good["description"], "A well-behaved plugin for the loader tests");
  EXPECT_EQ(good["step_types"],
            json::parse(R"([{"name": "good.echo", "channel": null, "flags": ["idempotent"],
               "branches": [],
               "summary": "Echo the config, settings and key/value round trip as variables"}])"));
  // ABI 1.1 branch labels; a 1.0 plugin declares none, and loads (as "1.0");
  // a 1.1 plugin loads as "1.1" with its labels.
  EXPECT_EQ(j["plugins"][3]["step_types"][0]["branches"], json::parse(R"(["yes", "no", "maybe"])"));
  EXPECT_EQ(j["plugins"][0]["abi"], std::to_string(HERALD_ABI_MAJOR) + ".0");
  EXPECT_EQ(j["plugins"][0]["step_types"][0]["branches"], json::array());
  EXPECT_EQ(j["plugins"][1]["abi"], std::to_string(HERALD_ABI_MAJOR) + ".1");
  EXPECT_EQ(j["plugins"][1]["step_types"][0]["branches"], json::parse(R"(["seen"])"));

  std::vector<std::string> builtins;
  for (const auto& b : j["builtins"]) builtins.push_back(b["name"]);
  EXPECT_THAT(builtins, ::testing::IsSupersetOf({"condition", "exit", "wait"}));
  // The refusals are the output here; stderr does not repeat them.
  EXPECT_EQ(r.err.find("refused"), std::string::npos) << r.err;
}

TEST(PluginsCommand, InTreePluginsLoadBesideTheBrokenOnes) {
  std::vector<std::string> in_tree;
  for (const auto& e : std::filesystem::directory_iterator(HERALD_PLUGIN_DIR))
    if (e.path().extension() == ".so") in_tree.push_back(e.path().string());
  if (in_tree.empty()) GTEST_SKIP() << "no in-tree plugin built in " HERALD_PLUGIN_DIR;

  CliRun r = runHerald("plugins --json --allow-refused --plugin-dir " HERALD_PLUGIN_DIR
                       " --plugin-dir " HERALD_BROKEN_PLUGIN_DIR);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  const std::string abi = std::to_string(HERALD_ABI_MAJOR) + "." + std::to_string(HERALD_ABI_MINOR);
  for (const auto& path : in_tree) {
    bool found = false;
    for (const auto& p : j["plugins"]) {
      if (p["path"] != path) continue;
      found = true;
      EXPECT_EQ(p["abi"], abi) << path;
      EXPECT_FALSE(p["step_types"].empty()) << path;
    }
    EXPECT_TRUE(found) << path << " did not load: " << j["refused"].dump(2);
  }
  EXPECT_EQ(j["refused"].size(), expectedRefusals().size()) << j["refused"].dump(2);
}

TEST(PluginsCommand, HumanOutputIsAReadableList) {
  CliRun r = runHerald("plugins --plugin-dir " HERALD_BROKEN_PLUGIN_DIR);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const std::string abi = std::to_string(HERALD_ABI_MAJOR) + "." + std::to_string(HERALD_ABI_MINOR);
  EXPECT_THAT(r.out,
              ::testing::StartsWith("12 plugins loaded, " +
                                    std::to_string(expectedRefusals().size()) + " refused\n"));
  EXPECT_THAT(r.out,
              ::testing::HasSubstr("\ngood 1.0.0  (ABI " + abi + ")  " + brokenPath("good.so") +
                                   "\n  A well-behaved plugin for the loader tests\n"
                                   "    good.echo  Echo the config, settings and key/value "
                                   "round trip as variables  [idempotent]\n"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("\nbuilt-in step types\n"));
  for (const auto& [file, e] : expectedRefusals())
    EXPECT_THAT(r.out, ::testing::HasSubstr("\n  " + e.reason + "\n"));
}

TEST(PluginsCommand, MissingDirectoryIsReportedAndFails) {
  CliRun r = runHerald("plugins --plugin-dir /nonexistent/herald-plugins");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, ::testing::StartsWith("0 plugins loaded\n"));
  EXPECT_THAT(
      r.out, ::testing::HasSubstr("\nmissing plugin directories\n  /nonexistent/herald-plugins\n"));
  CliRun j = runHerald("plugins --json --plugin-dir /nonexistent/herald-plugins");
  EXPECT_EQ(j.exit_code, 1);
  EXPECT_EQ(json::parse(j.out)["missing_dirs"], json::parse(R"(["/nonexistent/herald-plugins"])"));
  EXPECT_THAT(r.err, ::testing::HasSubstr(
                         " error [plugins] plugin directory /nonexistent/herald-plugins does not "
                         "exist; no plugins loaded from it\n"));
}

TEST(PluginsCommand, UnknownFlagIsAUsageError) {
  CliRun r = runHerald("plugins --jsn");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace

TEST(PluginsCommand, AllowRefusedKeepsExitCodeZero) {
  EXPECT_EQ(runHerald("plugins --allow-refused --plugin-dir " HERALD_BROKEN_PLUGIN_DIR).exit_code,
            0);
  EXPECT_EQ(runHerald("plugins --allow-refused --plugin-dir /nonexistent/herald-plugins").exit_code,
            0);
}

TEST(PluginsCommand, HealthyDirectoryExitsZero) {
  CliRun r = runHerald("plugins --plugin-dir " HERALD_PLUGIN_DIR);
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST(PluginsCheck, EachBrokenFileIsRefusedWithTheLoadersMessage) {
  for (const auto& [file, e] : expectedRefusals()) {
    // Refused only beside another plugin that provides the same step type.
    if (file == "dup_second.so") continue;
    CliRun r = runHerald("plugins --check " + brokenPath(file));
    EXPECT_EQ(r.exit_code, 1) << file;
    EXPECT_EQ(r.out, "refused " + e.reason + "\n") << file;
    CliRun j = runHerald("plugins --check " + brokenPath(file) + " --json");
    EXPECT_EQ(j.exit_code, 1) << file;
    const json out = json::parse(j.out);
    ASSERT_EQ(out["refused"].size(), 1u) << j.out;
    EXPECT_EQ(out["refused"][0]["reason"], e.reason);
    EXPECT_EQ(out["refused"][0]["path"], brokenPath(file));
    EXPECT_EQ(out["plugins"], json::array());
    EXPECT_FALSE(out.contains("builtins"));
  }
}

TEST(PluginsCheck, AGoodFileIsListedAndExitsZero) {
  CliRun r = runHerald("plugins --check " + brokenPath("good.so"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith("1 plugin loaded\n\ngood 1.0.0  (ABI "));
  EXPECT_EQ(r.out.find("built-in step types"), std::string::npos);
  CliRun j = runHerald("plugins --check " + brokenPath("good.so") + " --json");
  EXPECT_EQ(j.exit_code, 0);
  EXPECT_EQ(json::parse(j.out)["plugins"][0]["name"], "good");
}

TEST(PluginsCheck, AMissingFileIsRefused) {
  CliRun r = runHerald("plugins --check /nonexistent/none.so");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "refused /nonexistent/none.so: no such file\n");
}
