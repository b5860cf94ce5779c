#pragma once
// Streams the lines of a JSON Lines file (one JSON object per line) without
// holding more than one buffer in memory. Blank lines are skipped.
#include <cstdint>
#include <string_view>

#include "import/chunk_reader.hpp"

namespace herald::import {

class JsonLinesReader {
 public:
  explicit JsonLinesReader(int fd) : in_(fd) {}

  enum class Status { kLine, kEnd, kTooLong };
  // `line` (without its CR LF) stays valid until the next call.
  Status next(std::string_view& line, int64_t& line_number);

 private:
  ChunkReader in_;
  int64_t line_ = 0;
  bool started_ = false;
};

}  // namespace herald::import
