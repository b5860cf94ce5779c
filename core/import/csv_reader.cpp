#include "import/csv_reader.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace herald::import {
namespace {

// Bytes that end an unquoted field or make it malformed.
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(',')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  t[static_cast<unsigned char>('\r')] = true;
  t[static_cast<unsigned char>('"')] = true;
  return t;
}();

std::string describe(char c) {
  if (c == ' ' || c == '\t') return "a space";
  return std::string("'") + c + "'";
}

// Collapses each "" into " in place; returns the new length.
size_t unescape(char* p, size_t n) {
  size_t w = 0;
  for (size_t r = 0; r < n; ++r) {
    p[w++] = p[r];
    if (p[r] == '"') ++r;  // the scanner guarantees quotes come in pairs here
  }
  return w;
}

}  // namespace

CsvReader::Status CsvReader::next(Record& rec) {
  if (!started_) {
    started_ = true;
    while (in_.end() - in_.pos() < 3 && in_.fill() == ChunkReader::Fill::kMore) {
    }
    if (in_.end() - in_.pos() >= 3 && std::memcmp(in_.data() + in_.pos(), "\xEF\xBB\xBF", 3) == 0) {
      in_.consume(3);
    }
  }
  for (;;) {
    if (in_.pos() == in_.end()) {
      if (in_.fill() == ChunkReader::Fill::kEof && in_.pos() == in_.end()) return Status::kEnd;
      continue;
    }
    size_t consumed = 0;
    size_t newlines = 0;
    Scan s = scan(consumed, newlines);
    if (s == Scan::kNeedMore) {
      if (in_.fill() == ChunkReader::Fill::kFull) {
        error_ = {line_, 0,
                  "a record longer than 64 MiB starts here; is a quoted field left open?"};
        return Status::kFatal;
      }
      continue;
    }
    const int64_t record_line = line_;
    char* base = in_.data() + in_.pos();
    line_ += static_cast<int64_t>(newlines);
    in_.consume(consumed);
    if (s == Scan::kBad) {
      error_.line = record_line + error_.line;  // scan() stored the offset
      return Status::kBad;
    }
    if (s == Scan::kFatal) {
      error_.line = record_line + error_.line;
      return Status::kFatal;
    }
    if (spans_.size() == 1 && spans_[0].end == 0 && (base[0] == '\n' || base[0] == '\r')) {
      continue;  // blank line
    }
    rec.line = record_line;
    rec.fields.clear();
    for (const Span& sp : spans_) {
      char* p = base + sp.begin;
      size_t len = sp.end - sp.begin;
      if (sp.escaped) len = unescape(p, len);
      rec.fields.emplace_back(p, len);
    }
    return Status::kRecord;
  }
}

CsvReader::Scan CsvReader::scan(size_t& consumed, size_t& newlines) {
  const char* base = in_.data() + in_.pos();
  const size_t n = in_.end() - in_.pos();
  const bool eof = in_.eof();
  spans_.clear();
  newlines = 0;
  size_t i = 0;
  size_t stop = 0;  // where the record's line terminator is
  for (;;) {
    if (i < n && base[i] == '"') {
      const size_t field_newlines = newlines;
      size_t j = i + 1;
      bool escaped = false;
      for (;;) {
        const void* q = std::memchr(base + j, '"', n - j);
        if (q == nullptr) {
          if (!eof) return Scan::kNeedMore;
          error_ = {static_cast<int64_t>(field_newlines), static_cast<int>(spans_.size() + 1),
                    "a quoted field starts here but its closing quote is missing"};
          return Scan::kFatal;
        }
        size_t k = static_cast<size_t>(static_cast<const char*>(q) - base);
        newlines += static_cast<size_t>(std::count(base + j, base + k, '\n'));
        if (k + 1 < n && base[k + 1] == '"') {
          escaped = true;
          j = k + 2;
          continue;
        }
        if (k + 1 == n && !eof) return Scan::kNeedMore;  // "" or a closing quote?
        spans_.push_back({i + 1, k, escaped});
        i = k + 1;
        break;
      }
      if (i == n) {
        if (!eof) return Scan::kNeedMore;
        consumed = n;
        return Scan::kComplete;
      }
      char c = base[i];
      if (c == ',') {
        ++i;
        continue;
      }
      if (c == '\n' || c == '\r') {
        stop = i;
        break;
      }
      error_ = {static_cast<int64_t>(newlines), static_cast<int>(spans_.size()),
                describe(c) +
                    " after the closing quote of a quoted field; a quote inside a "
                    "quoted field must be doubled (\"\")"};
      return skipLine(i, consumed, newlines);
    }
    size_t j = i;
    while (j < n && !kSpecial[static_cast<unsigned char>(base[j])]) ++j;
    if (j == n) {
      if (!eof) return Scan::kNeedMore;
      spans_.push_back({i, n, false});
      consumed = n;
      return Scan::kComplete;
    }
    char c = base[j];
    if (c == '"') {
      error_ = {static_cast<int64_t>(newlines), static_cast<int>(spans_.size() + 1),
                "a '\"' inside a field that does not start with a quote; enclose the whole "
                "field in double quotes and double the quotes inside (\"\")"};
      return skipLine(j, consumed, newlines);
    }
    spans_.push_back({i, j, false});
    if (c == ',') {
      i = j + 1;
      continue;
    }
    stop = j;
    break;
  }
  if (base[stop] == '\r') {
    if (stop + 1 == n && !eof) return Scan::kNeedMore;  // CR LF split across reads
    consumed = (stop + 1 < n && base[stop + 1] == '\n') ? stop + 2 : stop + 1;
  } else {
    consumed = stop + 1;
  }
  ++newlines;
  return Scan::kComplete;
}

// A malformed record ends at the next line end, quotes or not: the best guess
// at where the next good record starts.
CsvReader::Scan CsvReader::skipLine(size_t from, size_t& consumed, size_t& newlines) {
  const char* base = in_.data() + in_.pos();
  const size_t n = in_.end() - in_.pos();
  const void* nl = std::memchr(base + from, '\n', n - from);
  if (nl == nullptr) {
    if (!in_.eof()) return Scan::kNeedMore;
    consumed = n;
  } else {
    consumed = static_cast<size_t>(static_cast<const char*>(nl) - base) + 1;
  }
  newlines = static_cast<size_t>(std::count(base, base + consumed, '\n'));
  return Scan::kBad;
}

}  // namespace herald::import
