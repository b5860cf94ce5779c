#include "import/chunk_reader.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace herald::import {

ChunkReader::ChunkReader(int fd) : fd_(fd), buf_(new char[kInitialSize]) {}

ChunkReader::Fill ChunkReader::fill() {
  if (eof_) return Fill::kEof;
  size_t pending = end_ - pos_;
  if (pos_ > 0) {
    std::memmove(buf_.get(), buf_.get() + pos_, pending);
    pos_ = 0;
    end_ = pending;
  }
  if (end_ == cap_) {
    if (cap_ >= kMaxSize) return Fill::kFull;
    size_t cap = cap_ * 2;
    std::unique_ptr<char[]> bigger(new char[cap]);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    cap_ = cap;
  }
  for (;;) {
    ssize_t n = ::read(fd_, buf_.get() + end_, cap_ - end_);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return Fill::kMore;
    }
    if (n == 0) {
      eof_ = true;
      return Fill::kEof;
    }
    if (errno != EINTR)
      throw std::runtime_error(std::string("read failed: ") + std::strerror(errno));
  }
}

}  // namespace herald::import
