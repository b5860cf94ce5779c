// Loads the directory of deliberately broken plugins through the Registry:
// each is refused with its own message (file, plugin, reason), nothing of a
// refused plugin stays registered, and the good ones still load.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "expected_refusals.hpp"
#include "plugin/abi_version.hpp"
#include "plugin/registry.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

using herald::testing::brokenPath;
using herald::testing::expectedRefusals;

void addBuiltins(Registry& reg) {
  for (const char* name : {"condition", "wait", "exit"}) {
    StepTypeInfo info;
    info.name = name;
    info.summary = "built-in";
    info.schema = {{"type", "object"}};
    reg.addBuiltin(info);
  }
}

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSink([this](const std::string& line) { lines_.push_back(line); });
    addBuiltins(reg_);
    reg_.loadDirectory(HERALD_BROKEN_PLUGIN_DIR);
  }
  void TearDown() override { log::setSink(nullptr); }

  Registry reg_;
  std::vector<std::string> lines_;
};

TEST_F(LoaderTest, EachBrokenPluginIsRefusedWithItsOwnMessage) {
  auto expected = expectedRefusals();
  std::set<std::string> seen;
  for (const auto& r : reg_.refused()) {
    const std::string file = r.path.filename().string();
    seen.insert(file);
    auto it = expected.find(file);
    if (it == expected.end()) {
      ADD_FAILURE() << "unexpected refusal: " << r.reason;
      continue;
    }
    EXPECT_EQ(r.reason, it->second.reason) << file;
    EXPECT_EQ(r.plugin, it->second.plugin) << file;
    EXPECT_EQ(r.path.string(), brokenPath(file));
  }
  for (const auto& [file, e] : expected)
    EXPECT_TRUE(seen.count(file)) << file << " was not refused";
}

TEST_F(LoaderTest, RefusalsAreLoggedToo) {
  std::string all;
  for (const auto& l : lines_) all += l + "\n";
  EXPECT_THAT(all, ::testing::HasSubstr("warn [plugins] refused " +
                                        expectedRefusals()["abi_major.so"].reason));
}

TEST_F(LoaderTest, GoodPluginsStillLoad) {
  std::vector<std::string> names;
  for (const auto& p : reg_.plugins()) names.push_back(p.name);
  EXPECT_THAT(names, ::testing::ElementsAre("old_minor", "v11", "v12", "branching", "crashy",
                                            "dup_first", "good", "misbehave", "recommendy",
                                            "segmenty", "servicey", "sleepy"));

  const PluginInfo& good = reg_.plugins()[6];
  EXPECT_EQ(good.version, "1.0.0");
  EXPECT_EQ(good.description, "A well-behaved plugin for the loader tests");
  EXPECT_EQ(good.path.string(), brokenPath("good.so"));
  EXPECT_EQ(good.abi_major, static_cast<uint32_t>(HERALD_ABI_MAJOR));
  EXPECT_EQ(good.abi_minor, static_cast<uint32_t>(HERALD_ABI_MINOR));
  EXPECT_THAT(good.step_types, ::testing::ElementsAre("good.echo"));

  const StepTypeInfo* echo = reg_.find("good.echo");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->plugin, "good");
  EXPECT_EQ(echo->summary, "Echo the config, settings and key/value round trip as variables");
  EXPECT_EQ(echo->flags, HERALD_STEP_IDEMPOTENT);
  EXPECT_FALSE(echo->builtin);
  EXPECT_NE(echo->abi, nullptr);
  EXPECT_EQ(echo->schema["properties"]["greeting"]["default"], "hello");
  EXPECT_TRUE(echo->branches.empty());
}

TEST_F(LoaderTest, AnAbi10PluginStillLoadsAndNothingBeyondItsStructIsRead) {
  const PluginInfo& old = reg_.plugins()[0];
  EXPECT_EQ(old.name, "old_minor");
  EXPECT_EQ(old.abi_major, static_cast<uint32_t>(HERALD_ABI_MAJOR));
  EXPECT_EQ(old.abi_minor, 0u);
  const StepTypeInfo* t = reg_.find("old_minor.step");
  ASSERT_NE(t, nullptr);
  // Its struct ends before `branches`; the labels placed there are not read.
  EXPECT_TRUE(t->branches.empty());
}

TEST_F(LoaderTest, AnAbi11PluginStillLoadsWithItsBranches) {
  const PluginInfo& v11 = reg_.plugins()[1];
  EXPECT_EQ(v11.name, "v11");
  EXPECT_EQ(v11.abi_major, static_cast<uint32_t>(HERALD_ABI_MAJOR));
  EXPECT_EQ(v11.abi_minor, 1u);
  const StepTypeInfo* t = reg_.find("v11.step");
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(t->branches, ::testing::ElementsAre("seen"));
}

TEST_F(LoaderTest, BranchLabelsAreRecorded) {
  const StepTypeInfo* t = reg_.find("branching.pick");
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(t->branches, ::testing::ElementsAre("yes", "no", "maybe"));
  EXPECT_EQ(reg_.find("bad_branches.step"), nullptr);
}

TEST_F(LoaderTest, AnAbi12PluginStillLoads) {
  const PluginInfo& v12 = reg_.plugins()[2];
  EXPECT_EQ(v12.name, "v12");
  EXPECT_EQ(v12.abi_minor, 2u);
  EXPECT_TRUE(v12.webhooks.empty());
  EXPECT_NE(reg_.find("v12.step"), nullptr);
}

TEST_F(LoaderTest, ANewerMinorIsRefusedNamingBothVersions) {
  static_assert(HERALD_ABI_MINOR == 3, "update this test for the new ABI minor");
  EXPECT_THAT(expectedRefusals()["abi_minor.so"].reason,
              ::testing::HasSubstr("was built for Herald ABI 1.4, newer than this Herald's ABI "
                                   "1.3; upgrade Herald"));
}

// The handshake of a host built as ABI 1.2 (before the services) meeting
// a plugin built for 1.3.
TEST_F(LoaderTest, An13PluginOnA12HostIsRefusedWithItsMessage) {
  EXPECT_EQ(abiVersionRefusal("plugin 'acme'", 1, 3, 1, 2),
            "plugin 'acme' was built for Herald ABI 1.3, newer than this Herald's ABI 1.2; "
            "upgrade Herald or rebuild the plugin against this SDK");
  EXPECT_EQ(abiVersionRefusal("plugin 'acme'", 1, 2, 1, 3), std::nullopt);
  EXPECT_EQ(abiVersionRefusal("plugin 'acme'", 1, 0, 1, 3), std::nullopt);
}

TEST_F(LoaderTest, WebhookRoutesAreRecorded) {
  const PluginInfo& s = reg_.plugins()[10];
  EXPECT_EQ(s.name, "servicey");
  EXPECT_EQ(s.abi_minor, 3u);
  EXPECT_THAT(s.webhooks, ::testing::ElementsAre("/hooks/servicey/"));
}

TEST_F(LoaderTest, RefusedPluginsLeaveNothingRegistered) {
  ASSERT_NE(reg_.find("dup.step"), nullptr);
  EXPECT_EQ(reg_.find("dup.step")->plugin, "dup_first");
  EXPECT_EQ(reg_.find("dup_second.other"), nullptr);
  EXPECT_TRUE(reg_.find("wait")->builtin);
  for (const char* t :
       {"future_major.step", "future_minor.step", "no_version.step", "bad_version.step",
        "schema_bad_json.step", "schema_bad_keyword.step", "exec_stack.step"})
    EXPECT_EQ(reg_.find(t), nullptr) << t;
  std::vector<std::string> all;
  for (const auto* t : reg_.stepTypes()) all.push_back(t->name);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
}

TEST_F(LoaderTest, LoadingTheSameFilesAgainIsANoOp) {
  const size_t loaded = reg_.plugins().size();
  const size_t refused = reg_.refused().size();
  EXPECT_TRUE(reg_.loadFile(brokenPath("good.so")));
  EXPECT_FALSE(reg_.loadFile(brokenPath("null_entry.so")));
  reg_.loadDirectory(std::string(HERALD_BROKEN_PLUGIN_DIR) + "/");
  EXPECT_EQ(reg_.plugins().size(), loaded);
  EXPECT_EQ(reg_.refused().size(), refused);
}

TEST(Loader, SamePluginFromAnotherFileIsRefused) {
  auto dir = std::filesystem::temp_directory_path() / ("herald_loader_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(brokenPath("good.so"), dir / "good_copy.so",
                             std::filesystem::copy_options::overwrite_existing);
  Registry reg;
  EXPECT_TRUE(reg.loadFile(brokenPath("good.so")));
  EXPECT_FALSE(reg.loadFile(dir / "good_copy.so"));
  ASSERT_EQ(reg.refused().size(), 1u);
  EXPECT_EQ(reg.refused()[0].reason, (dir / "good_copy.so").string() +
                                         ": plugin 'good' is already loaded from " +
                                         brokenPath("good.so"));
  EXPECT_EQ(reg.refused()[0].plugin, "good");
  std::filesystem::remove_all(dir);
}

TEST(Loader, MissingFileAndDirectory) {
  std::vector<std::string> lines;
  log::setSink([&](const std::string& l) { lines.push_back(l); });
  Registry reg;
  EXPECT_FALSE(reg.loadFile("/nonexistent/dir/x.so"));
  EXPECT_EQ(reg.refused().at(0).reason, "/nonexistent/dir/x.so: no such file");
  reg.loadDirectory("/nonexistent/dir");
  log::setSink(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[1], ::testing::EndsWith(
                            " error [plugins] plugin directory /nonexistent/dir does not exist; no "
                            "plugins loaded from it"));
}

TEST(Loader, BuiltinsAreListedWithoutALibrary) {
  Registry reg;
  addBuiltins(reg);
  ASSERT_NE(reg.find("exit"), nullptr);
  EXPECT_EQ(reg.find("exit")->plugin, "builtin");
  EXPECT_TRUE(reg.find("exit")->builtin);
  EXPECT_TRUE(reg.checkConfig("exit", "s", nlohmann::json::object()).empty());
  std::vector<ConfigProblem> problems;
  EXPECT_EQ(reg.instantiate("exit", "s", nlohmann::json::object(), problems), nullptr);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message,
            "step type 'exit' is an engine built-in; the engine runs it itself");
}

}  // namespace
}  // namespace herald::plugin
