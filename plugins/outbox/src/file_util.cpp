#include "file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace herald::outbox {

std::string ioError(std::string_view what, const std::filesystem::path& path) {
  const int err = errno;
  return std::string(what) + " " + path.string() + ": " +
         std::error_code(err, std::generic_category()).message();
}

std::string makeDirectories(const std::filesystem::path& dir) {
  std::filesystem::path current;
  for (const auto& part : dir) {
    current /= part;
    if (::mkdir(current.c_str(), 0750) != 0 && errno != EEXIST) {
      return ioError("cannot create directory", current);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return ioError("cannot create directory", dir);
  if (!S_ISDIR(st.st_mode)) return dir.string() + " exists and is not a directory";
  return "";
}

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string syncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ioError("cannot open directory", dir);
  std::string error;
  if (::fsync(fd) != 0) error = ioError("cannot sync directory", dir);
  ::close(fd);
  return error;
}

}  // namespace herald::outbox
