#pragma once
// A POP3 mailbox through libcurl (pop3:// and pop3s://), for `herald bounces
// fetch`: list the messages, retrieve one, mark one deleted. One session
// (one easy handle, its connection kept open); deletions take effect when
// the session ends (QUIT, on destruction), as POP3 defines. Blocking: a CLI
// command's job, never the daemon's loop. TLS is verified by default;
// pop3:// to a host other than loopback requires STARTTLS.
#include <filesystem>
#include <string>
#include <vector>

namespace herald::bounces {

struct MailboxAccess {
  std::string url;  // pop3s://mail.example.com/ or pop3://127.0.0.1:1110/
  std::string username;
  std::string password;
  bool verify_tls = true;
  std::string ca_file;  // empty: the system store
};

class Pop3Mailbox {
 public:
  // Throws std::runtime_error (never quoting the password) for a URL that is
  // not pop3/pop3s.
  explicit Pop3Mailbox(MailboxAccess access);
  ~Pop3Mailbox();
  Pop3Mailbox(const Pop3Mailbox&) = delete;
  Pop3Mailbox& operator=(const Pop3Mailbox&) = delete;

  // The message numbers in the mailbox. Throws std::runtime_error.
  std::vector<int> list();
  // Message `number`, as stored. Throws std::runtime_error.
  std::string retrieve(int number);
  // Marks message `number` deleted. Throws std::runtime_error.
  void remove(int number);

 private:
  std::string perform(const std::string& url, const char* command, bool want_body);

  MailboxAccess access_;
  std::string base_;  // the URL with a trailing '/'
  void* easy_ = nullptr;
};

}  // namespace herald::bounces
