#include "http/listener.hpp"

#include <fmt/format.h>

#include "http/session.hpp"
#include "util/log.hpp"

namespace herald::http {

namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, std::shared_ptr<ServerState> state)
    : io_(io), state_(std::move(state)), acceptor_(io), backoff_(io) {}

void Listener::bind(const std::string& listen) {
  std::string host;
  unsigned short port = 0;
  if (!config::splitListenAddress(listen, host, port)) {
    throw std::runtime_error(
        fmt::format("http.{}.listen: '{}' is not HOST:PORT", state_->name, listen));
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("http.{}.listen: '{}' is not an IP address (write 127.0.0.1, ::1 or 0.0.0.0)",
                    state_->name, host));
  }
  const tcp::endpoint ep(address, port);
  auto fail = [&](const char* what) {
    throw std::runtime_error(fmt::format("cannot {} the {} listener to {}: {}", what, state_->name,
                                         listen, ec.message()));
  };
  acceptor_.open(ep.protocol(), ec);
  if (ec) fail("open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor_.bind(ep, ec);
  if (ec) fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
  endpoint_ = acceptor_.local_endpoint();
}

void Listener::start() { accept(); }

void Listener::stop() {
  state_->stopping = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  backoff_.cancel();
  for (auto& weak : state_->sessions) {
    if (auto s = weak.lock()) s->stopIfIdle();
  }
  state_->sessions.clear();
}

void Listener::accept() {
  acceptor_.async_accept([this, state = state_](boost::system::error_code ec, tcp::socket socket) {
    if (state->stopping || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors, typically: wait a little instead of
      // spinning, the open connections will close.
      state->metrics.refusal("accept_error");
      log::warn("http", fmt::format("{} listener: accept failed: {}", state->name, ec.message()));
      backoff_.expires_after(std::chrono::milliseconds(50));
      backoff_.async_wait([this, state](boost::system::error_code e) {
        if (!e && !state->stopping) accept();
      });
      return;
    }
    if (state->live >= state->limits.max_connections) {
      state->metrics.refusal("connections");
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      auto session = std::make_shared<Session>(std::move(socket), state);
      // Forget sessions that have ended, now and then, so the list stays
      // about as long as the open connections.
      if (state->sessions.size() > static_cast<size_t>(2 * state->live + 64)) {
        state->sessions.remove_if([](const auto& w) { return w.expired(); });
      }
      state->sessions.push_back(session);
      session->start();
    }
    accept();
  });
}

}  // namespace herald::http
