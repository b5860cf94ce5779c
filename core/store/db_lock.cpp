#include "store/db_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace herald::store {
namespace {

// The real file: symlinks resolved, "." and ".." gone, relative to the
// working directory. weakly_ because the database may not exist yet.
std::filesystem::path realFile(const std::filesystem::path& db) {
  std::error_code ec;
  auto real = std::filesystem::weakly_canonical(std::filesystem::absolute(db, ec), ec);
  return ec ? std::filesystem::absolute(db).lexically_normal() : real;
}

}  // namespace

std::filesystem::path DbLock::lockFile(const std::filesystem::path& db) {
  return realFile(db).string() + ".lock";
}

DbLock::~DbLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> DbLock::acquire(const std::filesystem::path& db,
                                           std::string_view holder) {
  const std::string path = lockFile(db).string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) return fmt::format("cannot open the lock file {}: {}", path, std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    // The holder wrote "PID\nHOLDER\n".
    char buf[256] = {0};
    const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    ::close(fd_);
    fd_ = -1;
    const std::string_view text(buf, n > 0 ? static_cast<size_t>(n) : 0);
    const size_t nl = text.find('\n');
    std::string pid(text.substr(0, nl));
    std::string who = nl == std::string_view::npos ? "" : std::string(text.substr(nl + 1));
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    if (pid.empty()) pid = "?";
    if (who.empty()) who = "herald run";
    std::string where = db.string();
    const auto real = realFile(db);
    if (real != std::filesystem::absolute(db).lexically_normal()) {
      where += fmt::format(" (the file {})", real.string());
    }
    const std::string_view what_to_do =
        who == "herald run" ? "wait for it to finish or stop it (Ctrl-C), then run this again"
                            : "stop it first, then run this again";
    return fmt::format("another '{}' (pid {}) is working on {}; {}", who, pid, where, what_to_do);
  }
  const std::string content = fmt::format("{}\n{}\n", ::getpid(), holder);
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t w = ::pwrite(fd_, content.data(), content.size(), 0);
  }
  return std::nullopt;
}

}  // namespace herald::store
