#include "sms_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <nlohmann/json.hpp>

#include "file_util.hpp"

namespace herald::outbox {
namespace {

// Releases the flock and closes the file on every path out of append().
class LockedFile {
 public:
  explicit LockedFile(int fd) : fd_(fd) {}
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;
  ~LockedFile() {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::shared_ptr<SmsLog> SmsLog::forFile(const std::filesystem::path& file, bool fsync) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<SmsLog>> logs;
  std::lock_guard<std::mutex> lock(mu);
  const std::string id = std::filesystem::weakly_canonical(file).string();
  if (auto existing = logs[id].lock()) return existing;
  auto log = std::make_shared<SmsLog>(file, fsync);
  logs[id] = log;
  return log;
}

SmsLog::SmsLog(std::filesystem::path file, bool fsync) : file_(std::move(file)), fsync_(fsync) {}

std::string SmsLog::refreshIndex(int fd, std::vector<std::string>& notes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ioError("cannot stat", file_);
  if (st.st_dev != dev_ || st.st_ino != ino_ || st.st_size < indexed_) {
    // Another file now (rotated or truncated): index it from the start.
    keys_.clear();
    indexed_ = 0;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
  }
  std::string pending;
  std::string buffer(1 << 20, '\0');
  off_t offset = indexed_;
  off_t complete_end = indexed_;
  size_t malformed = 0;
  while (offset < st.st_size) {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ioError("cannot read", file_);
    }
    if (n == 0) break;
    offset += n;
    pending.append(buffer.data(), static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
      const std::string_view line(pending.data() + start, nl - start);
      complete_end += static_cast<off_t>(nl - start + 1);
      start = nl + 1;
      if (line.empty()) continue;
      const auto json = nlohmann::json::parse(line, nullptr, false);
      const auto key = json.is_object() ? json.find("key") : json.end();
      if (json.is_object() && key != json.end() && key->is_string()) {
        keys_.insert(hashKey(key->get_ref<const std::string&>()));
      } else {
        ++malformed;
      }
    }
    pending.erase(0, start);
  }
  if (malformed > 0) {
    notes.push_back(std::to_string(malformed) + " line(s) of " + file_.string() +
                    " are not outbox entries and were skipped");
  }
  if (complete_end < st.st_size) {
    // Only a writer that died mid-append leaves a line without its newline
    // (every writer holds the lock while it appends): that message was never
    // acknowledged, so drop the fragment and let it be written again whole.
    if (::ftruncate(fd, complete_end) != 0) return ioError("cannot repair", file_);
    notes.push_back("removed an incomplete last line (" +
                    std::to_string(st.st_size - complete_end) + " bytes) from " + file_.string() +
                    ", left by an interrupted write");
  }
  indexed_ = complete_end;
  return "";
}

std::string SmsLog::append(std::vector<Entry>& entries, std::vector<std::string>& notes) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool existed = std::filesystem::exists(file_);
  LockedFile file(::open(file_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (file.fd() < 0) return ioError("cannot open", file_);
  if (::flock(file.fd(), LOCK_EX) != 0) return ioError("cannot lock", file_);
  if (std::string error = refreshIndex(file.fd(), notes); !error.empty()) return error;

  std::string data;
  std::unordered_set<KeyHash, HashOf> added;
  for (Entry& e : entries) {
    const KeyHash h = hashKey(e.key);
    e.duplicate = keys_.contains(h) || !added.insert(h).second;
    if (e.duplicate) continue;
    data += e.line;
    data += '\n';
  }
  if (data.empty()) return "";
  if (!writeAll(file.fd(), data)) {
    std::string error = ioError("cannot write", file_);
    if (::ftruncate(file.fd(), indexed_) != 0) error += " (and could not undo the partial write)";
    return error;
  }
  if (fsync_ && ::fdatasync(file.fd()) != 0) {
    std::string error = ioError("cannot sync", file_);
    if (::ftruncate(file.fd(), indexed_) != 0) error += " (and could not undo the write)";
    return error;
  }
  if (fsync_ && !existed) {
    if (std::string error = syncDirectory(file_.parent_path()); !error.empty()) return error;
  }
  keys_.insert(added.begin(), added.end());
  indexed_ += static_cast<off_t>(data.size());
  return "";
}

}  // namespace herald::outbox
