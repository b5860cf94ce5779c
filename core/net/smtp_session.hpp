#pragma once
// One SMTP connection and its dialogue: connect, greeting, EHLO (HELO on
// 5xx), STARTTLS or implicit TLS with verification, AUTH, then one mail
// transaction at a time (pipelined when the server offers PIPELINING),
// RSET after one that failed midway, QUIT. Written
// as Asio C++20 coroutines so the dialogue reads in the order it happens;
// every command waits at most the command timeout (the socket is closed
// when it passes). The pool (smtp_client.cpp) owns sessions.
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it
// clang-format off
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "net/smtp_client.hpp"
#include "net/smtp_reply.hpp"

namespace herald::net {

// A session-level failure: the result becomes a transport error.
class SmtpSessionError : public std::runtime_error {
 public:
  SmtpSessionError(const std::string& message, bool retryable, bool dropped, int code = 0)
      : std::runtime_error(message), retryable_(retryable), dropped_(dropped), code_(code) {}
  bool retryable() const { return retryable_; }
  // The server's reply code when a reply ended the session, else 0.
  int code() const { return code_; }
  // The server went away (EOF, reset, 421): a reused session may be
  // reopened once for the same message.
  bool dropped() const { return dropped_; }

 private:
  bool retryable_;
  bool dropped_;
  int code_;
};

class SmtpSession : public std::enable_shared_from_this<SmtpSession> {
 public:
  SmtpSession(boost::asio::io_context& loop, const SmtpServer& server,
              boost::asio::ssl::context& tls, std::chrono::milliseconds command_timeout);

  // Throws SmtpSessionError.
  boost::asio::awaitable<void> open();
  // Runs one transaction; `payload` is smtpDataPayload(message.data).
  // Throws SmtpSessionError for failures of the session; replies the
  // server gave before that are in `result` (the caller's, kept on throw).
  boost::asio::awaitable<void> transact(const SmtpMessage& message, const std::string& payload,
                                        SmtpResult& result);
  // Best effort: QUIT, then close. Never throws.
  boost::asio::awaitable<void> quit();

  bool isOpen() const { return open_; }
  std::size_t messagesSent() const { return messages_sent_; }

 private:
  boost::asio::awaitable<void> connect();
  boost::asio::awaitable<void> handshakeTls();
  boost::asio::awaitable<void> ehlo();
  boost::asio::awaitable<void> startTls();
  boost::asio::awaitable<void> authenticate();
  boost::asio::awaitable<SmtpReply> command(const std::string& line, std::string_view what);
  // command(), or only its reply when the line went out in a pipelined batch.
  boost::asio::awaitable<SmtpReply> exchange(const std::string& line, std::string_view what,
                                             bool already_sent);
  boost::asio::awaitable<SmtpReply> readReply(std::string_view what);
  boost::asio::awaitable<std::string> readLine(std::string_view what);
  boost::asio::awaitable<void> write(const std::string& bytes, std::string_view what);

  void armTimer();
  void disarmTimer();
  void close();
  // Turns an I/O error into SmtpSessionError naming what was waited for.
  [[noreturn]] void failIo(const boost::system::error_code& ec, std::string_view what);
  [[noreturn]] void failReply(const SmtpReply& reply, std::string_view what);
  std::string where() const;

  boost::asio::io_context& loop_;
  const SmtpServer& server_;  // the pool's copy, outlives the session
  std::chrono::milliseconds timeout_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;
  bool timed_out_ = false;
  bool tls_active_ = false;
  bool open_ = false;
  bool loopback_ = false;
  bool needs_reset_ = false;
  std::size_t messages_sent_ = 0;
  std::string inbound_;
  SmtpReplyReader reader_;
  SmtpExtensions extensions_;
};

}  // namespace herald::net
