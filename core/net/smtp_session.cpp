#include "net/smtp_session.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "net/smtp_auth.hpp"
#include "net/smtp_payload.hpp"

namespace herald::net {

namespace asio = boost::asio;
using asio::awaitable;
using boost::system::error_code;

namespace {

// A reply line longer than this is a broken or hostile server (RFC 5321
// allows 512 octets).
constexpr std::size_t kMaxInbound = 64 * 1024;
constexpr std::size_t kMaxReplyLines = 1000;
// More recipients than this are sent one command at a time.
constexpr std::size_t kMaxPipelined = 100;

bool isIpAddress(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

bool isDrop(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
         ec == asio::ssl::error::stream_truncated;
}

}  // namespace

SmtpSession::SmtpSession(asio::io_context& loop, const SmtpServer& server, asio::ssl::context& tls,
                         std::chrono::milliseconds command_timeout)
    : loop_(loop), server_(server), timeout_(command_timeout), stream_(loop, tls), timer_(loop) {}

std::string SmtpSession::where() const { return server_.host + ":" + std::to_string(server_.port); }

void SmtpSession::armTimer() {
  timed_out_ = false;
  timer_.expires_after(timeout_);
  const std::uint64_t generation = ++timer_generation_;
  timer_.async_wait([weak = weak_from_this(), generation](const error_code& ec) {
    if (ec) return;
    const auto self = weak.lock();
    if (!self || self->timer_generation_ != generation) return;
    // Closing the socket ends the pending operation with an error that
    // failIo() reports as the timeout.
    self->timed_out_ = true;
    error_code ignored;
    self->stream_.lowest_layer().close(ignored);
  });
}

void SmtpSession::disarmTimer() {
  ++timer_generation_;
  timer_.cancel();
}

void SmtpSession::close() {
  open_ = false;
  disarmTimer();
  error_code ignored;
  stream_.lowest_layer().close(ignored);
}

void SmtpSession::failIo(const error_code& ec, std::string_view what) {
  const bool timed_out = timed_out_;
  close();
  if (timed_out) {
    throw SmtpSessionError("no answer from " + where() + " within " +
                               std::to_string(timeout_.count()) + " ms (waiting for " +
                               std::string(what) + ")",
                           true, false);
  }
  if (isDrop(ec)) {
    throw SmtpSessionError(
        where() + " closed the connection (waiting for " + std::string(what) + ")", true, true);
  }
  if (ec == asio::error::not_found) {
    throw SmtpSessionError(
        where() + " sent a reply line longer than 64 KiB (" + std::string(what) + ")", false,
        false);
  }
  throw SmtpSessionError(where() + ": " + std::string(what) + " failed: " + ec.message(), true,
                         true);
}

void SmtpSession::failReply(const SmtpReply& reply, std::string_view what) {
  // 421: the server is closing the channel (RFC 5321 §3.8).
  const bool closing = reply.code == 421;
  if (closing) close();
  throw SmtpSessionError(where() + " refused " + std::string(what) + ": " + describeReply(reply),
                         reply.code / 100 == 4, closing, reply.code);
}

awaitable<void> SmtpSession::write(const std::string& bytes, std::string_view what) {
  error_code ec;
  armTimer();
  if (tls_active_) {
    co_await asio::async_write(stream_, asio::buffer(bytes),
                               asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await asio::async_write(stream_.next_layer(), asio::buffer(bytes),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  disarmTimer();
  if (ec) failIo(ec, what);
}

awaitable<std::string> SmtpSession::readLine(std::string_view what) {
  error_code ec;
  auto buffer = asio::dynamic_buffer(inbound_, kMaxInbound);
  std::size_t n = 0;
  if (tls_active_) {
    n = co_await asio::async_read_until(stream_, buffer, "\r\n",
                                        asio::redirect_error(asio::use_awaitable, ec));
  } else {
    n = co_await asio::async_read_until(stream_.next_layer(), buffer, "\r\n",
                                        asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) failIo(ec, what);
  std::string line = inbound_.substr(0, n - 2);
  inbound_.erase(0, n);
  co_return line;
}

awaitable<SmtpReply> SmtpSession::readReply(std::string_view what) {
  armTimer();
  for (std::size_t i = 0; i < kMaxReplyLines; ++i) {
    const std::string line = co_await readLine(what);
    const SmtpReplyReader::Step step = reader_.addLine(line);
    if (step == SmtpReplyReader::Step::kDone) {
      disarmTimer();
      co_return reader_.take(extensions_.enhanced_status_codes);
    }
    if (step == SmtpReplyReader::Step::kMalformed) break;
  }
  reader_.take(false);
  close();
  throw SmtpSessionError(
      where() + " sent a malformed reply (waiting for " + std::string(what) + ")", true, true);
}

awaitable<SmtpReply> SmtpSession::command(const std::string& line, std::string_view what) {
  co_await write(line + "\r\n", what);
  co_return co_await readReply(what);
}

awaitable<void> SmtpSession::connect() {
  error_code ec;
  // Not under the command timer (it closes the socket, not the resolver):
  // name resolution is bounded by the system resolver's own timeouts.
  asio::ip::tcp::resolver resolver(loop_);
  const auto endpoints = co_await resolver.async_resolve(
      server_.host, std::to_string(server_.port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    throw SmtpSessionError("cannot resolve " + server_.host + ": " + ec.message(), true, false);
  }
  armTimer();
  co_await asio::async_connect(stream_.next_layer(), endpoints,
                               asio::redirect_error(asio::use_awaitable, ec));
  disarmTimer();
  if (ec && !timed_out_) {
    close();
    throw SmtpSessionError("cannot connect to " + where() + ": " + ec.message(), true, false);
  }
  if (ec) failIo(ec, "the connection");
  loopback_ = stream_.next_layer().remote_endpoint(ec).address().is_loopback();
}

awaitable<void> SmtpSession::handshakeTls() {
  SSL* ssl = stream_.native_handle();
  if (server_.verify_tls) {
    stream_.set_verify_mode(asio::ssl::verify_peer);
    // Asio's check of the leaf certificate's names, telling OpenSSL why it
    // failed so the error can say so.
    stream_.set_verify_callback([check = asio::ssl::host_name_verification(server_.host)](
                                    bool preverified, asio::ssl::verify_context& context) mutable {
      if (check(preverified, context)) return true;
      X509_STORE_CTX* store = context.native_handle();
      if (preverified) X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
      return false;
    });
  } else {
    stream_.set_verify_mode(asio::ssl::verify_none);
  }
  // SNI names a host, never an address (RFC 6066 §3).
  // (SSL_set_tlsext_host_name is a macro with a C cast; this is its body.)
  if (!isIpAddress(server_.host)) {
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(server_.host.c_str()));
  }

  error_code ec;
  armTimer();
  co_await stream_.async_handshake(asio::ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, ec));
  disarmTimer();
  if (!ec) {
    tls_active_ = true;
    co_return;
  }
  if (timed_out_ || ec.category() != asio::error::get_ssl_category())
    failIo(ec, "the TLS handshake");
  // A certificate the client cannot trust will not become trusted by
  // trying again: not retryable.
  const long verify = SSL_get_verify_result(ssl);
  close();
  if (verify == X509_V_ERR_HOSTNAME_MISMATCH) {
    throw SmtpSessionError("TLS certificate verification failed for " + where() +
                               ": the certificate does not name " + server_.host,
                           false, false);
  }
  if (verify != X509_V_OK) {
    throw SmtpSessionError("TLS certificate verification failed for " + where() + ": " +
                               X509_verify_cert_error_string(verify) +
                               " (set ca_file to the CA that signed the server's certificate)",
                           false, false);
  }
  throw SmtpSessionError("TLS handshake with " + where() + " failed: " + ec.message(), false,
                         false);
}

awaitable<void> SmtpSession::ehlo() {
  SmtpReply reply = co_await command("EHLO " + server_.helo_name, "EHLO");
  if (reply.code / 100 == 5) {
    // An old server without ESMTP: HELO, and no extensions.
    reply = co_await command("HELO " + server_.helo_name, "HELO");
    extensions_ = {};
    if (reply.code != 250) failReply(reply, "HELO");
    co_return;
  }
  if (reply.code != 250) failReply(reply, "EHLO");
  extensions_ = parseEhloReply(reply);
}

awaitable<void> SmtpSession::startTls() {
  if (!extensions_.starttls) {
    close();
    throw SmtpSessionError(where() +
                               " does not offer STARTTLS; refusing to continue without TLS "
                               "(tls: starttls). Use tls: implicit for a port-465 server, or "
                               "tls: none only for a trusted relay",
                           false, false);
  }
  const SmtpReply reply = co_await command("STARTTLS", "STARTTLS");
  if (reply.code != 220) failReply(reply, "STARTTLS");
  // Nothing read before the handshake may be trusted (RFC 3207 §4.2).
  inbound_.clear();
  co_await handshakeTls();
}

awaitable<void> SmtpSession::authenticate() {
  const std::string refusal = credentialsRefusal(server_, tls_active_, loopback_);
  if (!refusal.empty()) {
    close();
    throw SmtpSessionError(refusal, false, false);
  }
  if (!extensions_.auth_plain && !extensions_.auth_login) {
    close();
    const std::string offered =
        extensions_.auth_mechanisms.empty() ? "none" : extensions_.auth_mechanisms;
    throw SmtpSessionError(
        where() + " offers neither AUTH PLAIN nor AUTH LOGIN (its AUTH mechanisms: " + offered +
            ")",
        false, false);
  }
  SmtpReply reply;
  if (extensions_.auth_plain) {
    reply = co_await command(authPlainCommand(server_), "AUTH PLAIN");
  } else {
    reply = co_await command("AUTH LOGIN", "AUTH LOGIN");
    if (reply.code == 334) reply = co_await command(base64(server_.username), "AUTH LOGIN");
    if (reply.code == 334) reply = co_await command(base64(server_.password), "AUTH LOGIN");
  }
  if (reply.code == 235) co_return;
  if (reply.code / 100 == 5) {
    close();
    throw SmtpSessionError("authentication as user '" + server_.username + "' failed at " +
                               where() + ": " + describeReply(reply),
                           false, false);
  }
  close();
  failReply(reply, "AUTH");
}

awaitable<void> SmtpSession::open() {
  co_await connect();
  if (server_.tls == SmtpTls::kImplicit) co_await handshakeTls();
  const SmtpReply greeting = co_await readReply("the greeting");
  if (greeting.code != 220) {
    close();
    failReply(greeting, "the session");
  }
  co_await ehlo();
  if (server_.tls == SmtpTls::kStartTls) {
    co_await startTls();
    co_await ehlo();
  }
  if (!server_.username.empty()) co_await authenticate();
  open_ = true;
}

awaitable<SmtpReply> SmtpSession::exchange(const std::string& line, std::string_view what,
                                           bool already_sent) {
  if (!already_sent) co_return co_await command(line, what);
  co_return co_await readReply(what);
}

awaitable<void> SmtpSession::transact(const SmtpMessage& message, const std::string& payload,
                                      SmtpResult& result) {
  ++messages_sent_;
  const bool reset = needs_reset_;
  // Until the final reply says otherwise, the next transaction starts with RSET.
  needs_reset_ = true;

  bool eight_bit_address = hasEightBitBytes(message.sender);
  for (const std::string& recipient : message.recipients) {
    eight_bit_address = eight_bit_address || hasEightBitBytes(recipient);
  }
  std::string mail = "MAIL FROM:<" + message.sender + ">";
  if (extensions_.eight_bit_mime && hasEightBitBytes(message.data)) mail += " BODY=8BITMIME";
  if (extensions_.smtputf8 && eight_bit_address) mail += " SMTPUTF8";

  // With PIPELINING (RFC 2920) RSET, MAIL, every RCPT and DATA go in one
  // write and their replies are read in order: one round trip instead of
  // one per command. Bounded, so the server's replies cannot fill both
  // sockets' buffers while we are still writing.
  const bool pipelined = extensions_.pipelining && message.recipients.size() <= kMaxPipelined;
  if (pipelined) {
    std::string batch = reset ? "RSET\r\n" : "";
    batch += mail + "\r\n";
    for (const std::string& recipient : message.recipients) {
      batch += "RCPT TO:<" + recipient + ">\r\n";
    }
    batch += "DATA\r\n";
    co_await write(batch, reset ? "RSET" : "MAIL FROM");
  }

  SmtpReply reply;
  if (reset) {
    reply = co_await exchange("RSET", "RSET", pipelined);
    if (reply.code != 250) {
      close();
      failReply(reply, "RSET");
    }
  }
  reply = co_await exchange(mail, "MAIL FROM", pipelined);
  if (reply.code == 421) failReply(reply, "MAIL FROM");
  const bool mail_accepted = reply.code / 100 == 2;
  result.mail_from = reply;
  if (!mail_accepted && !pipelined) co_return;

  bool accepted = false;
  for (const std::string& recipient : message.recipients) {
    reply = co_await exchange("RCPT TO:<" + recipient + ">", "RCPT TO", pipelined);
    if (reply.code == 421) failReply(reply, "RCPT TO");
    if (!mail_accepted) continue;  // pipelined: answers within a refused transaction
    accepted = accepted || reply.code / 100 == 2;
    result.recipients.push_back(std::move(reply));
  }
  if (!accepted && !pipelined) co_return;

  reply = co_await exchange("DATA", "DATA", pipelined);
  if (reply.code == 421) failReply(reply, "DATA");
  if (reply.code != 354) {
    if (accepted) result.data = std::move(reply);
    co_return;
  }
  if (!accepted) {
    // A pipelining server must refuse DATA when no recipient was accepted
    // (RFC 2920 §3.1); one that did not gets an empty message ended at once.
    co_await write(".\r\n", "the message");
    co_await readReply("the reply to the message");
    co_return;
  }
  co_await write(payload, "the message");
  reply = co_await readReply("the reply to the message");
  if (reply.code == 421) failReply(reply, "the message");
  if (reply.code / 100 == 2) needs_reset_ = false;
  result.data = std::move(reply);
}

awaitable<void> SmtpSession::quit() {
  if (!stream_.lowest_layer().is_open()) co_return;
  try {
    if (open_) co_await command("QUIT", "QUIT");
  } catch (const SmtpSessionError&) {
    // Best effort: the server may already be gone.
  }
  close();
}

}  // namespace herald::net
