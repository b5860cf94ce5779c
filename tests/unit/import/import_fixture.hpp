#pragma once
// A temp directory with a real store, and helpers to write import files and
// run the importers as the CLI does.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "import/importer.hpp"
#include "store/store.hpp"

namespace herald::import::testing {

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::filesystem::path file(const std::string& name, const std::string& content);
  std::filesystem::path dbPath() const { return dir_ / "herald.db"; }
  store::Store& store();
  void reopen();

  ImportReport contacts(const std::filesystem::path& path, bool skip_invalid = false,
                        bool dry_run = false);
  ImportReport events(const std::filesystem::path& path, bool skip_invalid = false);
  // The problems as the CLI prints them ("FILE:LINE:COL: error: ..."), with
  // the temp directory removed from FILE.
  std::vector<std::string> lines(const ImportReport& r) const;

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

// The output and exit status of a command run through /bin/sh.
struct Ran {
  int status = -1;
  std::string out;
  std::string err;
};
Ran runCommand(const std::string& command, const std::filesystem::path& dir);
std::string shellQuote(const std::string& s);

}  // namespace herald::import::testing
