#include "import_fixture.hpp"

#include <sys/wait.h>

#include <fstream>
#include <random>
#include <sstream>

#include "util/diagnostic.hpp"

namespace herald::import::testing {

void ImportTest::SetUp() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("herald-import-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
}

void ImportTest::TearDown() {
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::filesystem::path ImportTest::file(const std::string& name, const std::string& content) {
  auto path = dir_ / name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

store::Store& ImportTest::store() {
  if (!store_) store_ = store::openSqliteStore(dbPath().string());
  return *store_;
}

void ImportTest::reopen() {
  store_.reset();
  store();
}

ImportReport ImportTest::contacts(const std::filesystem::path& path, bool skip_invalid,
                                  bool dry_run) {
  ImportOptions o;
  o.path = path.string();
  o.skip_invalid = skip_invalid;
  o.dry_run = dry_run;
  o.now_ms = 1748736000000;  // 2025-06-01T00:00:00Z
  return importContacts(store(), o);
}

ImportReport ImportTest::events(const std::filesystem::path& path, bool skip_invalid) {
  ImportOptions o;
  o.path = path.string();
  o.skip_invalid = skip_invalid;
  o.now_ms = 1748736000000;
  return importEvents(store(), o);
}

std::vector<std::string> ImportTest::lines(const ImportReport& r) const {
  std::vector<std::string> out;
  const std::string prefix = dir_.string() + "/";
  for (const auto& d : r.problems.items()) {
    std::string line = formatDiagnostic(d);
    if (line.starts_with(prefix)) line.erase(0, prefix.size());
    out.push_back(line);
  }
  return out;
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

Ran runCommand(const std::string& command, const std::filesystem::path& dir) {
  auto out_path = dir / "stdout.txt";
  auto err_path = dir / "stderr.txt";
  std::string full = "cd " + shellQuote(dir.string()) + " && " + command + " >" +
                     shellQuote(out_path.string()) + " 2>" + shellQuote(err_path.string());
  int rc = std::system(full.c_str());
  Ran r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  std::stringstream out, err;
  out << std::ifstream(out_path).rdbuf();
  err << std::ifstream(err_path).rdbuf();
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace herald::import::testing
