#pragma once
// The host's SMTP submission service (ABI 1.3 `smtp_send`): a small SMTP
// client of our own on Boost.Asio (+ Asio's OpenSSL stream for STARTTLS and
// implicit TLS). Our own rather than libcurl's SMTP because a channel needs
// each recipient's reply (code, enhanced status code, text) to record each
// contact's fate, and sessions kept open and reused across messages
// (RSET between them) with a pool per server; see docs/ARCHITECTURE.md.
// Each pool is paced (net/aimd_pace.hpp): a 421, 451 or 454 reply halves
// the sessions it may use and pauses it for a backoff; successes widen it
// again up to max_sessions_per_server.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace herald::net {

enum class SmtpTls {
  kNone,      // plain (loopback relays, tests)
  kStartTls,  // port 587: EHLO, STARTTLS, EHLO again; refused if not offered
  kImplicit,  // port 465: TLS from the first byte
};

struct SmtpServer {
  std::string host;
  uint16_t port = 587;
  SmtpTls tls = SmtpTls::kStartTls;
  bool verify_tls = true;
  std::string ca_file;   // empty: the system store
  std::string username;  // empty: no AUTH
  std::string password;  // AUTH PLAIN (or LOGIN when only that is offered)
  std::string helo_name = "localhost";
  std::size_t max_sessions = 0;  // sessions at once; 0: the client's max_sessions_per_server
  // The pool key: sessions are shared by requests naming the same server,
  // port, TLS mode and user (and password, verify_tls and ca_file, which
  // decide how a session is opened).
};

struct SmtpMessage {
  std::string sender;                   // MAIL FROM:<sender>
  std::vector<std::string> recipients;  // RCPT TO:<each>
  std::string data;                     // the ready message (headers, blank line, body); the client
                                        // normalises line ends to CRLF and dot-stuffs
};

struct SmtpReply {
  int code = 0;          // 250, 421, 550, ...
  std::string enhanced;  // "2.1.5" when the server sent one (RFC 3463), else ""
  std::string text;      // the rest of the reply, lines joined by "\n"
};

struct SmtpResult {
  // No answer for the message as a whole: connection, TLS or AUTH failed,
  // a timeout, or the session dropped before DATA's reply.
  bool transport_error = false;
  bool retryable = false;              // 4xx on connect/EHLO/AUTH and network errors: yes; TLS
                                       // verification, AUTH 5xx: no
  std::string error;                   // never contains the password
  int error_code = 0;                  // the reply code that ended the session (421, 454...), or 0
  std::optional<SmtpReply> mail_from;  // MAIL FROM's reply
  std::vector<SmtpReply> recipients;   // one per recipient, in order
  std::optional<SmtpReply> data;       // the final reply after the message, when sent
};

struct SmtpClientOptions {
  std::size_t max_sessions_per_server = 4;
  std::chrono::milliseconds command_timeout{60000};
  std::chrono::milliseconds idle_timeout{30000};  // an idle session is QUIT after this
  std::size_t max_messages_per_session = 1000;    // then QUIT and reconnect
};

class SmtpClient {
 public:
  using Callback = std::function<void(SmtpResult&&)>;

  SmtpClient(boost::asio::io_context& loop, SmtpClientOptions options = {});
  ~SmtpClient();  // sends QUIT where it can; pending callbacks are not called
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Submits `message` over a pooled session to `server` (opening one when
  // none is idle and the pool has room; otherwise queued). `done` is called
  // exactly once on `loop`'s thread, never from inside send().
  void send(const SmtpServer& server, SmtpMessage message, Callback done);

  std::uint64_t sessionsOpened() const;  // the tests check reuse with it
  std::uint64_t throttles() const;       // 421/451/454 replies that slowed a pool

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::net
