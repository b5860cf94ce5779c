#pragma once
// The daemon's two HTTP listeners (Boost.Beast on the daemon's io_context):
//   admin  — loopback by default, bearer token: /api/v1/..., /metrics, /livez, /readyz
//   public — what recipients reach: signed unsubscribe / open / click links
//            (and, later, plugin webhooks and survey pages)
// Settings come from the `http:` section of herald.yaml (config/http_config.hpp).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "daemon/control.hpp"

namespace herald::http {

class Listeners {
 public:
  Listeners(boost::asio::io_context& io, daemon::Control& control);
  ~Listeners();
  Listeners(const Listeners&) = delete;
  Listeners& operator=(const Listeners&) = delete;

  // Binds both listeners and starts accepting. Throws std::runtime_error
  // with a message naming the address for a bind failure.
  void start();
  // Stops accepting; open connections finish their current request.
  void stop();

  boost::asio::ip::tcp::endpoint adminEndpoint() const;
  boost::asio::ip::tcp::endpoint publicEndpoint() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::http
