#include "daemon/serve_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace herald::daemon {

ServeLock::~ServeLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

std::string ServeLock::acquire(const std::filesystem::path& db) {
  std::error_code ec;
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path(), ec);
  // The database may not exist yet: weakly_canonical resolves what does.
  const std::filesystem::path real = std::filesystem::weakly_canonical(db, ec);
  const std::string path = (ec ? db : real).string() + ".serve.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) return "cannot open " + path + ": " + std::strerror(errno);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    ::close(fd_);
    fd_ = -1;
    return fmt::format(
        "another 'herald serve' (pid {}) is already serving the database {}; one daemon per "
        "database: stop it first, or give this one another database (--db)",
        pid, (ec ? db : real).string());
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] ssize_t w = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
  return "";
}

}  // namespace herald::daemon
