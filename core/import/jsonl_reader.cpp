#include "import/jsonl_reader.hpp"

#include <cstring>

namespace herald::import {

JsonLinesReader::Status JsonLinesReader::next(std::string_view& line, int64_t& line_number) {
  for (;;) {
    const char* base = in_.data() + in_.pos();
    size_t n = in_.end() - in_.pos();
    const void* nl = std::memchr(base, '\n', n);
    size_t len = 0;
    if (nl != nullptr) {
      len = static_cast<size_t>(static_cast<const char*>(nl) - base);
      in_.consume(len + 1);
    } else if (in_.eof()) {
      if (n == 0) return Status::kEnd;
      len = n;
      in_.consume(n);
    } else {
      if (in_.fill() == ChunkReader::Fill::kFull) {
        line_number = line_ + 1;
        return Status::kTooLong;
      }
      continue;
    }
    ++line_;
    std::string_view text(base, len);
    if (!started_) {
      started_ = true;
      if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    }
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
    line = text;
    line_number = line_;
    return Status::kLine;
  }
}

}  // namespace herald::import
