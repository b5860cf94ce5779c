#pragma once
// What the contact and event importers share: opening the input, telling
// CSV from JSON Lines, and collecting problems with a cap.
#include <chrono>
#include <string>

#include "import/convert.hpp"
#include "import/importer.hpp"

namespace herald::import {

// An open input file (closed on destruction); fd < 0 when it could not be
// opened, with the reason in the report.
class Input {
 public:
  Input(const ImportOptions& options, ImportReport& report);
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  Format format() const { return format_; }
  const std::string& name() const { return name_; }  // as given, for messages
  std::string baseName() const;
  // A regular file can be read twice (see rewind()); a pipe cannot.
  bool seekable() const { return seekable_; }
  // Back to the start of the file; false when that is not possible.
  bool rewind();

 private:
  int fd_ = -1;
  bool owned_ = false;
  bool seekable_ = false;
  Format format_ = Format::kCsv;
  std::string name_;
};

class ProblemSink {
 public:
  ProblemSink(std::string file, size_t max_listed, ImportReport& report)
      : file_(std::move(file)), max_(max_listed), report_(report) {}
  void add(int64_t line, int column, std::string message);
  // One bad row: its problems, counted as one invalid row.
  void row(int64_t line, Problems& problems);

 private:
  std::string file_;
  size_t max_;
  ImportReport& report_;
};

class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

constexpr int64_t kProgressEvery = 100000;

}  // namespace herald::import
