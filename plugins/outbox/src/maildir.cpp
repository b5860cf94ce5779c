#include "maildir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

#include "file_util.hpp"

namespace herald::outbox {

Maildir::Maildir(std::filesystem::path root, bool fsync) : root_(std::move(root)), fsync_(fsync) {}

std::string Maildir::prepare() {
  for (const char* sub : {"tmp", "new", "cur"}) {
    if (std::string error = makeDirectories(root_ / sub); !error.empty()) return error;
  }
  return "";
}

std::string Maildir::stage(const std::string& name, std::string_view content, Staged& out) {
  // Unique per process and call, so concurrent writers never share a tmp file.
  static std::atomic<unsigned long> sequence{0};
  out.name = name;
  out.tmp =
      root_ / "tmp" / (name + "." + std::to_string(::getpid()) + "." + std::to_string(++sequence));
  const int fd = ::open(out.tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return ioError("cannot create", out.tmp);
  std::string error;
  if (!writeAll(fd, content)) error = ioError("cannot write", out.tmp);
  if (::close(fd) != 0 && error.empty()) error = ioError("cannot write", out.tmp);
  if (!error.empty()) ::unlink(out.tmp.c_str());
  return error;
}

std::string Maildir::syncStaged(const std::vector<Staged>& staged) {
  if (!fsync_ || staged.empty()) return "";
  const std::filesystem::path tmp = root_ / "tmp";
  const int dir = ::open(tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    const int rc = ::syncfs(dir);
    ::close(dir);
    if (rc == 0) return "";
  }
  // syncfs unavailable or failed: one fsync per file, which reports
  // precisely which file could not be made durable.
  for (const Staged& s : staged) {
    const int fd = ::open(s.tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ioError("cannot open", s.tmp);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return ioError("cannot sync", s.tmp);
  }
  return "";
}

std::string Maildir::commit(const std::vector<Staged>& staged,
                            std::vector<std::pair<const Staged*, std::string>>& failed) {
  if (std::string error = syncStaged(staged); !error.empty()) return error;
  for (const Staged& s : staged) {
    const std::filesystem::path target = newPath(s.name);
    if (::rename(s.tmp.c_str(), target.c_str()) != 0) {
      failed.emplace_back(&s, ioError("cannot move the message into", target));
      ::unlink(s.tmp.c_str());
    }
  }
  if (fsync_ && failed.size() < staged.size()) return syncDirectory(root_ / "new");
  return "";
}

void Maildir::discard(const std::vector<Staged>& staged) {
  for (const Staged& s : staged) ::unlink(s.tmp.c_str());
}

}  // namespace herald::outbox
