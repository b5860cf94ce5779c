#pragma once
// Accepts connections on one address for one ServerState, up to
// limits.max_connections open at once: a connection beyond that is closed
// at once (counted as refusal "connections"), so a flood costs the daemon a
// file descriptor for a moment and nothing else.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "http/server_state.hpp"

namespace herald::http {

class Listener {
 public:
  Listener(boost::asio::io_context& io, std::shared_ptr<ServerState> state);
  // Binds `listen` ("HOST:PORT"); throws std::runtime_error naming it.
  void bind(const std::string& listen);
  void start();
  void stop();
  boost::asio::ip::tcp::endpoint endpoint() const { return endpoint_; }

 private:
  void accept();
  boost::asio::io_context& io_;
  std::shared_ptr<ServerState> state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

}  // namespace herald::http
