#pragma once
// The SMS outbox file: one JSON object per line, appended under an exclusive
// flock. An in-memory index of the keys already in the file (built by reading
// the file, then kept current by reading whatever other writers appended)
// makes appends idempotent: a key already present is never written again,
// even after a crash between the write and the ledger commit.
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "key.hpp"

namespace herald::outbox {

class SmsLog {
 public:
  // The one SmsLog of `file` in this process (steps of several workflows
  // share it, and with it the index).
  static std::shared_ptr<SmsLog> forFile(const std::filesystem::path& file, bool fsync);

  SmsLog(std::filesystem::path file, bool fsync);

  struct Entry {
    std::string key;
    std::string line;        // JSON text, without the newline
    bool duplicate = false;  // out: the key was already in the file (not written)
  };

  // Appends the entries whose key is not in the file yet, in order, durably
  // (fdatasync) when fsync is on. Returns "" or the error; on error nothing
  // of this call remains in the file. `notes` receives things worth a log
  // line (a torn last line repaired, malformed lines skipped).
  std::string append(std::vector<Entry>& entries, std::vector<std::string>& notes);

  const std::filesystem::path& file() const { return file_; }

 private:
  struct HashOf {
    size_t operator()(const KeyHash& h) const { return static_cast<size_t>(h.hi ^ h.lo); }
  };

  std::string refreshIndex(int fd, std::vector<std::string>& notes);

  std::mutex mu_;
  std::filesystem::path file_;
  bool fsync_;
  std::unordered_set<KeyHash, HashOf> keys_;
  off_t indexed_ = 0;  // bytes of the file already in keys_
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace herald::outbox
