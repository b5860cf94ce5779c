#pragma once
// A streaming RFC 4180 CSV reader: quoted fields with embedded commas,
// quotes ("") and newlines, CRLF or LF line ends, a UTF-8 byte order mark.
// Fields are views into the reader's buffer (no copy per field); quoted
// fields with doubled quotes are unescaped in place.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "import/chunk_reader.hpp"

namespace herald::import {

class CsvReader {
 public:
  explicit CsvReader(int fd) : in_(fd) {}

  struct Record {
    int64_t line = 0;                      // file line the record starts on (1-based)
    std::vector<std::string_view> fields;  // valid until the next call to next()
  };

  enum class Status {
    kRecord,  // `rec` holds the next record
    kEnd,     // end of file
    kBad,     // this record is malformed (see error()); reading can go on
    kFatal,   // the rest of the file cannot be read (see error())
  };

  struct Error {
    int64_t line = 0;
    int column = 0;  // 1-based field number
    std::string message;
  };

  // Blank lines are skipped.
  Status next(Record& rec);
  const Error& error() const { return error_; }

 private:
  struct Span {
    size_t begin;  // offsets from the record start
    size_t end;
    bool escaped;  // contains doubled quotes to collapse
  };
  enum class Scan { kComplete, kNeedMore, kBad, kFatal };
  Scan scan(size_t& consumed, size_t& newlines);
  Scan skipLine(size_t from, size_t& consumed, size_t& newlines);

  ChunkReader in_;
  std::vector<Span> spans_;
  int64_t line_ = 1;
  bool started_ = false;
  Error error_;
};

}  // namespace herald::import
