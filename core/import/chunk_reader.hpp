#pragma once
// Reads a file descriptor in large chunks into one reusable buffer, so the
// CSV and JSON Lines readers parse in place with constant memory. The buffer
// only grows when a single record is larger than it (up to a hard limit).
#include <cstddef>
#include <memory>
#include <string>

namespace herald::import {

class ChunkReader {
 public:
  static constexpr size_t kInitialSize = 1 << 20;
  static constexpr size_t kMaxSize = 64 << 20;

  // Reads `fd` (not closed) until end of file.
  explicit ChunkReader(int fd);

  enum class Fill {
    kMore,  // more bytes were appended after end()
    kEof,   // nothing more to read
    kFull,  // the pending bytes already fill kMaxSize: a runaway record
  };
  // Keeps the unconsumed bytes [pos, end), moves them to the front and reads
  // more after them. Offsets taken before the call are invalid after it:
  // callers re-parse the pending record from pos(). Throws
  // std::runtime_error when the read fails.
  Fill fill();

  char* data() { return buf_.get(); }
  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  bool eof() const { return eof_; }
  void consume(size_t n) { pos_ += n; }

 private:
  int fd_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = kInitialSize;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
};

}  // namespace herald::import
