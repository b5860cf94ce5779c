#include "util/log.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <thread>
#include <vector>

namespace herald::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setSink([this](const std::string& line) { lines_.push_back(line); });
  }
  void TearDown() override {
    setSink(nullptr);
    setLevel(Level::kInfo);
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, LineFormat) {
  write(Level::kWarn, "outbox/welcome", "disk almost full: 95%");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(std::regex_match(
      lines_[0],
      std::regex(
          R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ warn \[outbox/welcome\] disk almost full: 95%)")))
      << lines_[0];
}

TEST_F(LogTest, MessagesPassThroughUnchanged) {
  info("p/s", "{} %s %n \\ \"quoted\"");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(lines_[0].ends_with(" info [p/s] {} %s %n \\ \"quoted\"")) << lines_[0];
}

TEST_F(LogTest, LevelFilters) {
  setLevel(Level::kWarn);
  debug("", "d");
  info("", "i");
  error("", "e");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(lines_[0].ends_with(" error e")) << lines_[0];
}

TEST_F(LogTest, ParseLevel) {
  EXPECT_EQ(parseLevel("debug"), Level::kDebug);
  EXPECT_EQ(parseLevel("warning"), Level::kWarn);
  EXPECT_EQ(parseLevel("loud"), std::nullopt);
  EXPECT_EQ(levelName(Level::kError), "error");
}

TEST_F(LogTest, ThreadsDoNotInterleave) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([] {
      for (int i = 0; i < 200; ++i) info("t", std::string(100, 'x'));
    });
  for (auto& th : threads) th.join();
  ASSERT_EQ(lines_.size(), 800u);
  for (const auto& l : lines_) EXPECT_TRUE(l.ends_with(" info [t] " + std::string(100, 'x')));
}

}  // namespace
}  // namespace herald::log
