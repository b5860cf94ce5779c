#pragma once
// journald's native protocol socket: one datagram per message, its fields as
// formatted by log::formatJournal(). The log uses the system's socket; tests
// bind their own path.
#include <string>
#include <string_view>

namespace herald::log {

inline constexpr const char* kJournalSocketPath = "/run/systemd/journal/socket";

class JournalSocket {
 public:
  explicit JournalSocket(std::string path = kJournalSocketPath);
  ~JournalSocket();
  JournalSocket(const JournalSocket&) = delete;
  JournalSocket& operator=(const JournalSocket&) = delete;

  // False when the datagram could not be handed over (no journald, a
  // message too big for one datagram): the caller writes it another way.
  bool send(std::string_view datagram);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace herald::log
