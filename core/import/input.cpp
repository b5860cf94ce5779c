#include "import/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace herald::import {
namespace {

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Input::Input(const ImportOptions& options, ImportReport& report) : name_(options.path) {
  if (options.path == "-") {
    fd_ = 0;
    name_ = "<stdin>";
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(options.path, ec)) {
      report.problems.error({options.path, 0, 0}, "is a directory, not a file");
      report.fatal = true;
      return;
    }
    fd_ = ::open(options.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      report.problems.error({options.path, 0, 0},
                            std::string("cannot open the file: ") + std::strerror(errno));
      report.fatal = true;
      return;
    }
    owned_ = true;
    struct stat st {};
    seekable_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  format_ = options.format;
  if (format_ == Format::kAuto) {
    if (endsWith(options.path, ".jsonl") || endsWith(options.path, ".ndjson") ||
        endsWith(options.path, ".json")) {
      format_ = Format::kJsonLines;
    } else if (endsWith(options.path, ".csv") || !owned_) {
      format_ = Format::kCsv;
    } else {
      // Unknown extension: a JSON Lines file starts with '{'.
      char first = 0;
      ssize_t n = ::pread(fd_, &first, 1, 0);
      format_ = (n == 1 && first == '{') ? Format::kJsonLines : Format::kCsv;
    }
  }
}

Input::~Input() {
  if (owned_) ::close(fd_);
}

bool Input::rewind() { return seekable_ && ::lseek(fd_, 0, SEEK_SET) == 0; }

std::string Input::baseName() const { return std::filesystem::path(name_).filename().string(); }

void ProblemSink::add(int64_t line, int column, std::string message) {
  if (report_.problems.items().size() < max_) {
    report_.problems.error({file_, static_cast<int>(line), column}, std::move(message));
  } else {
    ++report_.unlisted;
  }
}

void ProblemSink::row(int64_t line, Problems& problems) {
  ++report_.invalid_rows;
  // Left to right, whatever order they were found in (JSON keys come sorted).
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.column < b.column; });
  for (auto& p : problems) add(line, p.column, std::move(p.message));
  problems.clear();
}

}  // namespace herald::import
