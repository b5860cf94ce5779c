#include "util/journal_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace herald::log {

JournalSocket::JournalSocket(std::string path) : path_(std::move(path)) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

JournalSocket::~JournalSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool JournalSocket::send(std::string_view datagram) {
  sockaddr_un addr{};
  if (fd_ < 0 || path_.size() >= sizeof(addr.sun_path)) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  ssize_t sent;
  do {
    sent = ::sendto(fd_, datagram.data(), datagram.size(), MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  } while (sent < 0 && errno == EINTR);
  return sent == static_cast<ssize_t>(datagram.size());
}

}  // namespace herald::log
