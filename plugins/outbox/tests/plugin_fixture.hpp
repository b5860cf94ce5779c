#pragma once
// Loads the built outbox.so once per test binary, like the daemon does.
#include <gtest/gtest.h>

#include <fstream>
#include <herald/testing.hpp>
#include <sstream>

namespace outbox_test {

inline const herald::testing::Plugin& plugin() {
  static const herald::testing::Plugin p = herald::testing::Plugin::load(OUTBOX_PLUGIN_FILE);
  return p;
}

inline std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::filesystem::path> filesIn(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::exists(dir)) return files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace outbox_test
